"""Entities as XML, one convention throughout.

- The root element is the entity type (`<ContactEntity>`); each property is a child element of
  the same name, in the entity's order, without a namespace.
- null is an empty element with `xsi:nil="true"`.
- true/false, numbers as in JSON, strings as text.
- An array holds one element per item, named by the item's type (`<Emails><EntityElement>…`,
  `<BounceEmails><string>…`, an array of arrays `<ArrayOfLocalizedField>`).
- A map (CustomFields, `_Links`, FieldProperties) holds `<Entry Key="…">value</Entry>` elements,
  since its keys (`SuperOffice:1`) are not always valid element names.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from webapi_contract.mock.shape import Shape

__all__ = ["XSI", "to_xml"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all (and lone surrogates, which no encoding can) are
# replaced, so the document stays well-formed.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_xml(value: dict[str, Any] | list[Any], shape: Shape | None, root: str) -> bytes:
    """The XML document of an entity (or of a list of them: an array shape) under the root
    element `root`."""
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>']
    out.append(f'<{root} xmlns:xsi="{XSI}">')
    if isinstance(value, list):
        items = shape.items if shape is not None else None
        for item in value:
            _element(items.name if items is not None else "item", item, items, out)
    else:
        _members(value, shape, out)
    out.append(f"</{root}>")
    return "".join(out).encode()


def _element(tag: str, value: Any, shape: Shape | None, out: list[str], attrs: str = "") -> None:
    if value is None:
        out.append(f'<{tag}{attrs} xsi:nil="true"/>')
        return
    out.append(f"<{tag}{attrs}>")
    if isinstance(value, dict):
        if _is_map(value, shape):
            _entries(value, shape.values if shape else None, out)
        else:
            _members(value, shape, out)
    elif isinstance(value, list):
        items = shape.items if shape is not None else None
        name = items.name if items is not None else "item"
        for item in value:
            _element(name, item, items, out)
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int | float):
        out.append(json.dumps(value))
    else:
        out.append(escape(_INVALID.sub("\ufffd", str(value))))
    out.append(f"</{tag}>")


def _members(value: dict[str, Any], shape: Shape | None, out: list[str]) -> None:
    for key, member in value.items():
        child = shape.child(key) if shape is not None else None
        if _NAME.match(key):
            _element(key, member, child, out)
        else:
            _element("Entry", member, child, out, f" Key={quoteattr(key)}")


def _entries(value: dict[str, Any], shape: Shape | None, out: list[str]) -> None:
    for key, member in value.items():
        _element("Entry", member, shape, out, f" Key={quoteattr(_INVALID.sub('', key))}")


def _is_map(value: dict[str, Any], shape: Shape | None) -> bool:
    if shape is not None and shape.kind in ("map", "carrier"):
        return shape.kind == "map"
    return not all(_NAME.match(key) for key in value)
