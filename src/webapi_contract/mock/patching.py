"""JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7396) applied with case-insensitive paths."""

from __future__ import annotations

from typing import Any

import jsonpatch
import jsonpointer

from webapi_contract.mock import faults
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.pointer import canonical_path, escape, member_key, split_path
from webapi_contract.mock.shape import Shape

__all__ = ["SUPPORTED_OPS", "apply_patch", "merge_patch_ops", "parse_json_patch"]

SUPPORTED_OPS = ("add", "replace", "remove", "test")
_REFUSED_OPS = ("move", "copy")
_NEEDS_VALUE = ("add", "replace", "test")
_APPLY_ERRORS = (
    jsonpatch.JsonPatchException,
    jsonpointer.JsonPointerException,
    TypeError,
    KeyError,
    IndexError,
    ValueError,
)


def parse_json_patch(body: Any) -> list[dict[str, Any]]:
    """The operations of a JSON Patch document, checked for shape; raises ApiError(400)."""
    if not isinstance(body, list):
        raise ApiError.bad_request("a JSON Patch document must be an array of operations")
    ops: list[dict[str, Any]] = []
    for index, raw in enumerate(body):
        if not isinstance(raw, dict):
            raise ApiError.bad_request(f"operation {index} is not an object")
        op, path = raw.get("op"), raw.get("path")
        if not isinstance(op, str) or not isinstance(path, str):
            raise ApiError.bad_request(f"operation {index} needs string 'op' and 'path'")
        name = op.lower()
        if name in _REFUSED_OPS:
            if faults.active("move-accepted"):
                ops.append({"op": name, "path": path, "from": raw.get("from")})
                continue
            raise ApiError.bad_request(
                f"operation {index}: '{op}' is not supported", "NotSupported"
            )
        if name not in SUPPORTED_OPS:
            raise ApiError.bad_request(f"operation {index}: unknown op {op!r}")
        if name in _NEEDS_VALUE and "value" not in raw:
            raise ApiError.bad_request(f"operation {index}: '{op}' needs a 'value'")
        ops.append({"op": name, "path": path, "value": raw.get("value")})
    return ops


def apply_patch(document: dict[str, Any], ops: list[dict[str, Any]], shape: Shape) -> set[str]:
    """Apply ops to document in place, in order; the top-level members they touched.

    A failing `test` raises ApiError(409), any other failure ApiError(400); the caller discards
    the document then, so nothing of the patch is kept (all or nothing).
    """
    touched: set[str] = set()
    for index, op in enumerate(ops):
        if op["op"] == "test" and faults.active("test-op-ignored"):
            continue
        if op["op"] == "remove" and faults.active("remove-ignored"):
            continue
        pointer = canonical_path(op["path"], document, shape)
        step = {"op": op["op"], "path": pointer}
        if op["op"] in _NEEDS_VALUE:
            step["value"] = op["value"]
        if op["op"] in _REFUSED_OPS:  # only with the fault move-accepted
            step["from"] = canonical_path(str(op["from"]), document, shape)
        if op["op"] == "add" and pointer.endswith("/-") and faults.active("add-to-end-replaces"):
            step = {"op": "replace", "path": pointer[:-2], "value": [op["value"]]}
        try:
            jsonpatch.JsonPatch([step]).apply(document, in_place=True)
        except jsonpatch.JsonPatchTestFailed as exc:
            status = 400 if faults.active("test-conflict-400") else 409
            raise ApiError(status, "JsonPatchTestFailed", f"operation {index}: {exc}") from exc
        except _APPLY_ERRORS as exc:
            message = f"operation {index} ({op['op']} {op['path']}): {exc}"
            raise ApiError.bad_request(message, "JsonPatchError") from exc
        parts = split_path(pointer)
        if op["op"] == "remove" and len(parts) == 1 and parts[0] in shape.props:
            # A typed entity never loses a property: removed, it holds its default at once, so
            # a later operation of the same patch sees it (a second remove, a test of null).
            document[parts[0]] = shape.props[parts[0]].default()
        if op["op"] != "test":
            touched.add(parts[0])
    return touched


def merge_patch_ops(document: dict[str, Any], patch: Any, shape: Shape) -> list[dict[str, Any]]:
    """The JSON Patch operations a merge patch stands for, paths in the document's spelling.

    Keys match case-insensitively; null clears a carrier property and removes a map entry; an
    object where the document has an array is appended to it, an array replaces it.
    """
    if not isinstance(patch, dict):
        raise ApiError.bad_request("a JSON Merge Patch document must be an object")
    ops: list[dict[str, Any]] = []
    _merge(document, patch, shape, "", ops)
    return ops


def _merge(
    target: Any, patch: dict[str, Any], shape: Shape | None, prefix: str, ops: list[dict[str, Any]]
) -> None:
    for raw, value in patch.items():
        key = member_key(raw, target, shape, f"{prefix}/{raw}")
        sub = shape.child(key) if shape is not None else None
        path = f"{prefix}/{escape(key)}"
        present = isinstance(target, dict) and key in target
        current = target.get(key) if present else None
        if value is None:
            if faults.active("merge-null-ignored"):
                continue
            if shape is not None and shape.kind == "carrier":
                ops.append({"op": "add", "path": path, "value": None})
            elif present:
                ops.append({"op": "remove", "path": path, "value": None})
        elif isinstance(value, dict) and isinstance(current, list):
            ops.append({"op": "add", "path": f"{path}/-", "value": value})
        elif isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value, sub, path, ops)
        else:
            ops.append({"op": "add", "path": path, "value": value})
