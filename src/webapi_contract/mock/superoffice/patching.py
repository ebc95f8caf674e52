"""JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7396) applied with case-insensitive paths."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer

from webapi_contract.mock import faults
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape
from webapi_contract.mock.superoffice.pointer import (
    KeyIndex,
    canonical_path,
    escape,
    member_key,
    resolve,
    value_at,
)

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
    the document then, so nothing of the patch is kept (all or nothing). Member names resolve
    through one KeyIndex kept up to date here, and an add, replace or remove of an object's
    member is applied directly, so a patch of n operations costs O(n), not O(n²).
    """
    touched: set[str] = set()
    keys = KeyIndex()
    for index, op in enumerate(ops):
        name = op["op"]
        if name == "test" and faults.active("test-op-ignored"):
            continue
        if name == "remove" and faults.active("remove-ignored"):
            continue
        parts, parent = resolve(op["path"], document, shape, keys)
        value = op.get("value")
        source = None
        if name in _REFUSED_OPS:  # only with the fault move-accepted
            source = canonical_path(str(op["from"]), document, shape, keys)
        if name == "add" and parts[-1] == "-" and faults.active("add-to-end-replaces"):
            name, parts, value = "replace", parts[:-1], [value]
            parent = value_at(document, parts[:-1])
        try:
            if not _set_member(parent, parts[-1], name, value):
                step = {"op": name, "path": "/" + "/".join(map(escape, parts))}
                if name in _NEEDS_VALUE:
                    step["value"] = value
                if source is not None:
                    step["from"] = source
                jsonpatch.JsonPatch([step]).apply(document, in_place=True)
        except jsonpatch.JsonPatchTestFailed as exc:
            status = 400 if faults.active("test-conflict-400") else 409
            raise ApiError(status, "JsonPatchTestFailed", f"operation {index}: {exc}") from exc
        except _APPLY_ERRORS as exc:
            message = f"operation {index} ({op['op']} {op['path']}): {exc}"
            raise ApiError.bad_request(message, "JsonPatchError") from exc
        if name in _REFUSED_OPS:
            keys.forget()  # a move or copy changed objects the index does not follow
        elif name == "remove" and isinstance(parent, dict):
            keys.removed(parent, parts[-1])
        elif name != "test" and isinstance(parent, dict):
            keys.added(parent, parts[-1])
        if name == "remove" and len(parts) == 1 and parts[0] in shape.props:
            # A typed entity never loses a property: removed, it holds its default at once, so
            # a later operation of the same patch sees it (a second remove, a test of null).
            document[parts[0]] = shape.props[parts[0]].default()
            keys.added(document, parts[0])
        if name != "test":
            touched.add(parts[0])
    return touched


def _set_member(parent: Any, key: str, name: str, value: Any) -> bool:
    """Apply an add, a replace of a present member, or a remove of a present member to an
    object, as jsonpatch would (the value copied), without its cost per operation; False for
    any other operation, which jsonpatch then applies (or refuses, with its message)."""
    if not isinstance(parent, dict):
        return False
    if name == "add" or (name == "replace" and key in parent):
        parent[key] = copy.deepcopy(value) if isinstance(value, dict | list) else value
        return True
    if name == "remove" and key in parent:
        del parent[key]
        return True
    return False


def merge_patch_ops(document: dict[str, Any], patch: Any, shape: Shape) -> list[dict[str, Any]]:
    """The JSON Patch operations a merge patch stands for, paths in the document's spelling.

    Keys match case-insensitively; null clears a carrier property and removes a map entry; an
    object where the document has an array is appended to it, an array replaces it.
    """
    if not isinstance(patch, dict):
        raise ApiError.bad_request("a JSON Merge Patch document must be an object")
    ops: list[dict[str, Any]] = []
    _merge(document, patch, shape, "", ops, KeyIndex())
    return ops


def _merge(
    target: Any,
    patch: dict[str, Any],
    shape: Shape | None,
    prefix: str,
    ops: list[dict[str, Any]],
    keys: KeyIndex,
) -> None:
    for raw, value in patch.items():
        key = member_key(raw, target, shape, f"{prefix}/{raw}", keys)
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
            if faults.active("merge-object-replaces-array"):
                ops.append({"op": "add", "path": path, "value": [value]})
                continue
            ops.append({"op": "add", "path": f"{path}/-", "value": value})
        elif isinstance(value, list) and isinstance(current, list):
            if faults.active("merge-array-appends"):
                ops.extend({"op": "add", "path": f"{path}/-", "value": item} for item in value)
                continue
            ops.append({"op": "add", "path": path, "value": value})
        elif isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value, sub, path, ops, keys)
        else:
            ops.append({"op": "add", "path": path, "value": value})
