"""Case-insensitive JSON Pointers: a vendor path resolved to the stored document's own spelling."""

from __future__ import annotations

import re
from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape

# An array index as RFC 6901 writes it: ASCII digits, no leading zero (`01`, `²` are none).
_INDEX = re.compile("0|[1-9][0-9]*")

__all__ = [
    "KeyIndex",
    "canonical_path",
    "escape",
    "member_key",
    "resolve",
    "split_path",
    "value_at",
]


class KeyIndex:
    """Case-insensitive member lookup in the objects of one document, O(1) per lookup.

    An object is indexed on its first lookup: each lower-cased name maps to the keys of that
    spelling in insertion order, the first being the one a scan in order would find. Whoever
    adds or removes a key of an indexed object tells the index (`added`, `removed`), or drops
    the whole index (`forget`). Indexed objects are kept referenced, so their ids stay theirs.
    """

    def __init__(self) -> None:
        self._objects: dict[int, tuple[dict[str, Any], dict[str, list[str]]]] = {}

    def find(self, node: dict[str, Any], token: str) -> str | None:
        """node's key named token in any case (token itself when present), or None."""
        if token in node:
            return token
        names = self._index(node).get(token.lower())
        return names[0] if names else None

    def added(self, node: dict[str, Any], key: str) -> None:
        """key was set in node (a new key goes last, as in the dict; a present one stays)."""
        entry = self._objects.get(id(node))
        if entry is not None:
            names = entry[1].setdefault(key.lower(), [])
            if key not in names:
                names.append(key)

    def removed(self, node: dict[str, Any], key: str) -> None:
        """key was deleted from node."""
        entry = self._objects.get(id(node))
        names = entry[1].get(key.lower()) if entry is not None else None
        if names and key in names:
            names.remove(key)

    def forget(self) -> None:
        """Drop every index (after a change nobody described)."""
        self._objects.clear()

    def _index(self, node: dict[str, Any]) -> dict[str, list[str]]:
        entry = self._objects.get(id(node))
        if entry is None:
            index: dict[str, list[str]] = {}
            for key in node:
                index.setdefault(str(key).lower(), []).append(str(key))
            entry = self._objects[id(node)] = (node, index)
        return entry[1]


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


def canonical_path(
    path: str, document: Any, shape: Shape | None, index: KeyIndex | None = None
) -> str:
    """The RFC 6901 pointer of path, each member name spelled as document (or the schema) has it.

    Raises ApiError(400) for an empty path and for a member a carrier does not have. `index`
    serves the lookups of many calls on one document (see KeyIndex).
    """
    tokens, _ = resolve(path, document, shape, index)
    return "/" + "/".join(escape(key) for key in tokens)


def resolve(
    path: str, document: Any, shape: Shape | None, index: KeyIndex | None = None
) -> tuple[list[str], Any]:
    """The unescaped tokens of canonical_path(path, ...), and the value the path leads to but
    for its last token (the container the last token names a member of; None when none)."""
    index = index if index is not None else KeyIndex()
    tokens = split_path(path)
    if not tokens:
        raise ApiError.bad_request(f"path {path!r} does not name a property", "InvalidPath")
    if not path.strip().startswith("/") and faults.active("leading-slash-required"):
        raise ApiError.bad_request(f"path {path!r} must start with '/'", "InvalidPath")
    out: list[str] = []
    node: Any = document
    parent: Any = None
    for token in tokens:
        key = member_key(token, node, shape, path, index)
        if key != token and faults.active("paths-case-sensitive"):
            raise ApiError.bad_request(f"no property {token!r} in {path!r}", "InvalidPath")
        out.append(key)
        shape = shape.child(key) if shape is not None else None
        parent, node = node, _step(node, key)
    return out, parent


def member_key(
    token: str, node: Any, shape: Shape | None, path: str, index: KeyIndex | None = None
) -> str:
    """The member token names: the node's own key (in any case), else the schema's spelling,
    else token itself."""
    if isinstance(node, dict):
        found = (index if index is not None else KeyIndex()).find(node, token)
        if found is not None:
            return found
    if shape is not None and shape.kind == "carrier":
        known = shape.key(token)
        if known is None:
            raise ApiError.bad_request(
                f"unknown property {token!r} in path {path!r}", "InvalidPath"
            )
        return known
    return token


def value_at(document: Any, tokens: list[str]) -> Any:
    """The value the tokens of a canonical pointer lead to (document for none), None if none."""
    node = document
    for token in tokens:
        node = _step(node, token)
    return node


def _step(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and _INDEX.fullmatch(key):
        index = int(key)
        return node[index] if index < len(node) else None
    return None
