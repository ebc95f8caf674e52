"""Entity request bodies that are not JSON: XML and HTML form fields, read into JSON values.

Both are read by the entity's Shape, so a value arrives with the type the schema gives it; what
does not fit (an unknown member, `abc` for an integer) is left for the contract to refuse (400).

- XML follows the convention of xmlout, so a document the mock writes can be sent back: the
  root is the entity (`<ContactEntity>`), members are child elements matched case-insensitively,
  `xsi:nil="true"` is null, array items are child elements of any name, maps (and member names
  that are no valid element name) are `<Entry Key="…">`. Namespaces are ignored, so the
  DataContract namespace of an ASP.NET client is accepted too. Parsed with defusedxml: DTDs,
  entities and external references are refused.
- Form fields name members ASP.NET-style: `Name`, `Category.Id` or `Category[Id]`, and
  `Emails[0].Value` for array items. An empty field of a non-text member is null.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape

__all__ = ["MAX_DEPTH", "MAX_INDEX", "from_form", "from_xml"]

# Deeper bodies (JSON too, see app.unstorable) are refused: patching and merging copy values
# recursively, and no ContactEntity property nests anywhere near this deep. The largest array
# index a form may name (so `Emails[99999999].Value` cannot make the mock build a huge list).
MAX_DEPTH = 64
MAX_INDEX = 999
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_TRUE = {"true": True, "1": True, "false": False, "0": False}
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_FIELD_PART = re.compile(r"\[([^\[\]]*)\]|\.?([^.\[\]]+)")


def _malformed(message: str) -> ApiError:
    return ApiError.bad_request(message, "MalformedBody")


def from_xml(data: bytes, shape: Shape, root: str) -> dict[str, Any]:
    """The entity an XML body describes; ApiError(400) when it is malformed or not a `root`."""
    if not data.strip():
        raise _malformed("the request body is empty")
    try:
        element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _malformed(
            f"XML with a DTD, entities or external references is refused: {exc}"
        ) from exc
    except (ParseError, ValueError) as exc:
        raise _malformed(f"malformed XML: {exc}") from exc
    if _local(element.tag).lower() != root.lower():
        raise _malformed(f"the XML root must be <{root}>, not <{_local(element.tag)}>")
    if element.get(_XSI_NIL) == "true":
        raise ApiError.bad_request(f"the {root} must not be nil")
    value: dict[str, Any] = _xml_value(element, shape, 1)
    return value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_value(element: Element, shape: Shape | None, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _malformed(f"the body nests deeper than {MAX_DEPTH} levels")
    if element.get(_XSI_NIL) == "true":
        return None
    children = list(element)
    kind = shape.kind if shape is not None else ("carrier" if children else "scalar")
    if kind != "scalar" and any(
        (text or "").strip() for text in (element.text, *(c.tail for c in children))
    ):
        raise _malformed(f"<{_local(element.tag)}> must hold its members as child elements")
    if kind == "array":
        items = shape.items if shape is not None else None
        return [_xml_value(child, items, depth + 1) for child in children]
    if kind in ("carrier", "map"):
        members: dict[str, Any] = {}
        for child in children:
            name = _local(child.tag)
            key = child.attrib["Key"] if name == "Entry" and "Key" in child.attrib else name
            members[key] = _xml_value(child, _member(shape, key), depth + 1)
        return members
    if children:
        raise _malformed(f"<{_local(element.tag)}> holds a single value, not elements")
    return _scalar(element.text or "", shape, _local(element.tag))


def _member(shape: Shape | None, key: str) -> Shape | None:
    """The shape of a carrier's member (named in any case) or of a map's value."""
    if shape is None:
        return None
    if shape.kind == "map":
        return shape.values
    return shape.props.get(shape.key(key) or key)


def _scalar(text: str, shape: Shape | None, where: str) -> Any:
    """A text value as the type the shape gives (text itself when the shape says nothing).

    Numbers are written as in JSON (ASCII digits, finite): `1_0`, `²`, `nan` and `1e999` are no
    numbers here, as they are none in a JSON body.
    """
    if shape is not None and shape.kind != "scalar":
        return None if not text.strip() else text  # the contract refuses text for members
    name = shape.name if shape is not None else "string"
    if name == "string":
        return text
    stripped = text.strip()
    if not stripped:
        return None
    if name == "int" and _INTEGER.fullmatch(stripped):
        return int(stripped)
    if name == "double" and _NUMBER.fullmatch(stripped):
        number = float(stripped)
        if math.isfinite(number):
            return number
    if name in ("int", "double"):
        message = f"{where}: {text!r} is not a {name}"
        raise ApiError.bad_request(message, "ValidationError")
    if name == "boolean":
        if stripped.lower() in _TRUE:
            return _TRUE[stripped.lower()]
        raise ApiError.bad_request(f"{where}: {text!r} is not a boolean", "ValidationError")
    return text


def from_form(data: bytes, shape: Shape) -> dict[str, Any]:
    """The entity HTML form fields describe; ApiError(400) when a field name is malformed."""
    try:
        text = data.decode("utf-8")
        fields = parse_qsl(
            text, keep_blank_values=True, strict_parsing=bool(text.strip()), errors="strict"
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise _malformed(f"malformed form body: {exc}") from exc
    if not fields:
        raise _malformed("the request body is empty")
    entity: dict[str, Any] = {}
    for name, value in fields:
        _assign(entity, _field_path(name), value, shape, name)
    result: dict[str, Any] = _listify(entity, shape)
    return result


def _field_path(name: str) -> list[str]:
    parts: list[str] = []
    position = 0
    while position < len(name):
        match = _FIELD_PART.match(name, position)
        if match is None or (position == 0 and match.group(0).startswith(".")):
            raise _malformed(f"malformed form field name {name!r}")
        parts.append(match.group(1) if match.group(1) is not None else match.group(2))
        position = match.end()
    if not parts or len(parts) > MAX_DEPTH or any(part == "" for part in parts):
        raise _malformed(f"malformed form field name {name!r}")
    return parts


def _assign(
    target: dict[str, Any], path: list[str], value: str, shape: Shape | None, name: str
) -> None:
    """Put value at path; arrays are built as {index: item} and turned into lists afterwards."""
    node = target
    for step, part in enumerate(path):
        kind = shape.kind if shape is not None else "carrier"
        if kind == "array":
            if not (part.isascii() and part.isdigit()) or int(part) > MAX_INDEX:
                raise _malformed(f"{name}: {part!r} is not an array index of at most {MAX_INDEX}")
            key: Any = int(part)
            child = shape.items if shape is not None else None
        else:
            key = part
            child = _member(shape, part)
        if step == len(path) - 1:
            if isinstance(node.get(key), dict):
                raise _malformed(f"{name} gives a value to a member that holds members")
            node[key] = _scalar(value, child, name)
            return
        existing = node.setdefault(key, {})
        if not isinstance(existing, dict):
            raise _malformed(f"{name} names members of a single value")
        node, shape = existing, child


def _listify(value: Any, shape: Shape | None) -> Any:
    if not isinstance(value, dict):
        return value
    if shape is not None and shape.kind == "array":
        return [_listify(value[index], shape.items) for index in sorted(value)]
    return {key: _listify(member, _member(shape, key)) for key, member in value.items()}
