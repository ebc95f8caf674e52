"""Case-insensitive JSON Pointers: a vendor path resolved to the stored document's own spelling."""

from __future__ import annotations

from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape

__all__ = ["canonical_path", "escape", "member_key", "split_path"]


def split_path(path: str) -> list[str]:
    """The unescaped tokens of a path; the leading slash is optional ("Emails/0" = "/Emails/0")."""
    text = path.strip()
    if text in ("", "/"):
        return []
    text = text[1:] if text.startswith("/") else text
    return [t.replace("~1", "/").replace("~0", "~") for t in text.split("/")]


def escape(token: str) -> str:
    """A token escaped for a JSON Pointer (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def canonical_path(path: str, document: Any, shape: Shape | None) -> str:
    """The RFC 6901 pointer of path, each member name spelled as document (or the schema) has it.

    Raises ApiError(400) for an empty path and for a member a carrier does not have.
    """
    tokens = split_path(path)
    if not tokens:
        raise ApiError.bad_request(f"path {path!r} does not name a property", "InvalidPath")
    if not path.strip().startswith("/") and faults.active("leading-slash-required"):
        raise ApiError.bad_request(f"path {path!r} must start with '/'", "InvalidPath")
    out: list[str] = []
    node: Any = document
    for token in tokens:
        key = member_key(token, node, shape, path)
        if key != token and faults.active("paths-case-sensitive"):
            raise ApiError.bad_request(f"no property {token!r} in {path!r}", "InvalidPath")
        out.append(escape(key))
        shape = shape.child(key) if shape is not None else None
        node = _step(node, key)
    return "/" + "/".join(out)


def member_key(token: str, node: Any, shape: Shape | None, path: str) -> str:
    """The member token names: the node's own key, else the schema's spelling, else token itself."""
    if isinstance(node, dict):
        if token in node:
            return token
        lowered = token.lower()
        for key in node:
            if str(key).lower() == lowered:
                return str(key)
    if shape is not None and shape.kind == "carrier":
        known = shape.key(token)
        if known is None:
            raise ApiError.bad_request(
                f"unknown property {token!r} in path {path!r}", "InvalidPath"
            )
        return known
    return token


def _step(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and key.isdigit():
        index = int(key)
        return node[index] if index < len(node) else None
    return None
