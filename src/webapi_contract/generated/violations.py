"""Which violations of an invalid request the docs say a server refuses, and which they do not.

A negative case is judged only by what it actually sends (after the run aimed it at its own
entities), property by property:

- documented refusals (the check's level is must): a value of the wrong JSON type for a documented
  scalar property at the top level of the entity or merge patch that no lenient reader can take
  for the property's type (`"many"` for an int32, an object for a string: the robustness clause's
  "a value of the wrong type"), and a malformed JSON Patch: not an array of operations, an
  operation without `op` or `path`, an `op` outside add/replace/remove/test (move and copy are
  documented as not supported), add/replace/test without a value, or a body that is neither a
  patch document nor a merge patch;
- good practice only (should): everything else the schema rules out but the docs never say is
  refused: a scalar a lenient reader converts (`5` for a string, `"12"` for an int32, as JSON.NET
  does), a number out of range, a wrong type for an array, map or carrier as a whole, an array item
  or map entry of the wrong type, a body of SaveContactEntity that is not an object, an id in the
  path that is not an int32;
- documented refusals of an entity body whose schema states them (a must): a required member
  missing (or null), none of the members an `anyOf` of `required` alternatives asks for, a text
  longer than its `maxLength`;
- not judged at all: the names the caller ignores: members the server computes and may ignore
  (rights members: EntityApi.unjudged) and stamped properties, which valid
  requests never send either; the members of carrier objects (`Business.Id`, `Emails[].Value`,
  ...), whose handling the docs leave to the server; a null where the vendor stores the default
  for it (`null_is_default`); and the optional headers and query parameters (an ASP.NET server
  binds an invalid `fk` to its default).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from webapi_contract import schemastore

__all__ = [
    "JSON_PATCH_OPS",
    "Violation",
    "entity_violations",
    "patch_violations",
]

# The JSON Patch operations the patch vendor documents (its PATCH page: "add", "replace",
# "remove", "test"; "move" and "copy" not supported).
JSON_PATCH_OPS = frozenset({"add", "replace", "remove", "test"})
_NEEDS_VALUE = frozenset({"add", "replace", "test"})
_INT32 = (-(2**31), 2**31 - 1)
_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")


@dataclass(frozen=True)
class Violation:
    """One way a request breaks its schema; documented: the docs say a server refuses it."""

    documented: bool
    location: str  # the schema location, e.g. /components/schemas/ContactEntity/properties/OrgNr
    message: str


def _types(spec: Mapping[str, Any]) -> set[str]:
    kind = spec.get("type")
    return {kind} if isinstance(kind, str) else set(kind or ())


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _matches(value: Any, types: set[str]) -> bool:
    kind = _json_type(value)
    return kind in types or (kind == "integer" and "number" in types)


def _readable_as(value: Any, types: set[str]) -> bool:
    """Whether a lenient reader (JSON.NET, which ASP.NET servers use) reads value as one of the
    scalar types: numbers and booleans as text, numeric text as numbers, numbers as booleans."""
    if isinstance(value, dict | list):
        return False
    if "string" in types:
        return True  # JSON.NET writes any primitive as its text
    if types & {"integer", "number"}:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return math.isfinite(value)
        if isinstance(value, str):
            return _INTEGER_TEXT.fullmatch(value) is not None
    if "boolean" in types:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if isinstance(value, str):
            return value.strip().lower() in ("true", "false")
    return False


def _in_range(value: Any, spec: Mapping[str, Any]) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    low, high = spec.get("minimum", -math.inf), spec.get("maximum", math.inf)
    return bool(low <= value <= high)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _options(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The alternatives a property's value may take (anyOf/oneOf, or the spec itself)."""
    listed = spec.get("anyOf") or spec.get("oneOf")
    if not listed:
        return [spec]
    return [o for o in listed if isinstance(o, dict)]


def _property(schema: str, name: str, spec: Mapping[str, Any], value: Any) -> list[Violation]:
    """The violations of one top-level property's value."""
    where = f"/components/schemas/{schema}/properties/{name}"
    options = _options(spec)
    scalar_types: set[str] = set()
    for option in options:
        types = _types(option)
        if "$ref" in option:  # a carrier: its members are the server's to judge
            if isinstance(value, dict):
                return []
        elif types & {"array", "object"}:
            if ("array" in types and isinstance(value, list)) or (
                "object" in types and isinstance(value, dict)
            ):
                return _container(where, name, option, value)
            scalar_types |= types & {"null"}
        elif not types:
            return []  # any value
        else:
            scalar_types |= types
    if value is None and "null" in scalar_types:
        return []
    if scalar_types - {"null"} and _matches(value, scalar_types):
        if not _in_range(value, spec) or ("enum" in spec and value not in spec["enum"]):
            return [Violation(False, where, f"{name}: {_short(value)} is out of its range")]
        return []
    plain = all("$ref" not in o and not _types(o) & {"array", "object"} for o in options)
    shown = "/".join(sorted(scalar_types - {"null"})) or "the documented shape"
    if not plain:
        return [Violation(False, where, f"{name}: {_short(value)} is not of {shown}")]
    if _readable_as(value, scalar_types):
        return [
            Violation(
                False,
                f"{where}/type",
                f"{name}: {_short(value)} is not of type {shown} (a lenient reader converts it)",
            )
        ]
    return [Violation(True, f"{where}/type", f"{name}: {_short(value)} is not of type {shown}")]


def _container(where: str, name: str, spec: Mapping[str, Any], value: Any) -> list[Violation]:
    """An array or a map of the right type: its items' JSON types (should); the members of
    carrier items are the server's to judge."""
    if isinstance(value, list):
        items, item_spec, member = list(enumerate(value)), spec.get("items", {}), "items"
    else:
        item_spec, member = spec.get("additionalProperties"), "additionalProperties"
        items = list(value.items()) if isinstance(item_spec, dict) else []
    if not isinstance(item_spec, dict):
        return []
    for key, item in items:
        if "$ref" in item_spec:
            wrong = not isinstance(item, dict)
        else:
            item_types = _types(item_spec)
            wrong = bool(item_types) and not _matches(item, item_types)
        if wrong:
            shown = f"{name}[{key!r}]: {_short(item)} is not of the documented item type"
            return [Violation(False, f"{where}/{member}", shown)]
    return []


def _object(
    schema: str,
    body: Mapping[str, Any],
    ignored: Iterable[str],
    vendor: str,
    null_is_default: bool = False,
) -> list[Violation]:
    properties = schemastore.load(schema, vendor).get("properties", {})
    skipped = set(ignored)
    found: list[Violation] = []
    for name, value in body.items():
        spec = properties.get(name)
        if not isinstance(spec, dict) or name in skipped:
            continue
        if value is None and null_is_default:
            continue  # the vendor stores the default for a null (a missing one: _required's)
        found += _property(schema, name, spec, value)
        limit = spec.get("maxLength")
        if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
            where = f"/components/schemas/{schema}/properties/{name}/maxLength"
            found.append(Violation(True, where, f"{name}: {len(value)} characters, max {limit}"))
    return found


def _required(
    schema: str, body: Mapping[str, Any], ignored: Iterable[str], vendor: str
) -> list[Violation]:
    """Required members missing (or null), and `anyOf` alternatives of `required` none of which
    the body meets: documented refusals."""
    document = schemastore.load(schema, vendor)
    skipped = set(ignored)
    given = {name for name, value in body.items() if value is not None}
    where = f"/components/schemas/{schema}"
    found = [
        Violation(True, f"{where}/required", f"{name} is required but missing")
        for name in document.get("required", ())
        if name not in given and name not in skipped
    ]
    alternatives = [o.get("required") for o in document.get("anyOf", ()) if isinstance(o, dict)]
    options: list[list[str]] = [o for o in alternatives if isinstance(o, list)]
    met = any(set(option) <= given for option in options)
    if options and len(options) == len(alternatives) and not met:
        shown = ", ".join("/".join(option) for option in options)
        found.append(Violation(True, f"{where}/anyOf", f"none of {shown} is given"))
    return found


def entity_violations(
    schema: str,
    body: Any,
    ignored: Iterable[str] = (),
    *,
    vendor: str,
    null_is_default: bool = False,
) -> list[Violation]:
    """The violations of an entity body (a create, a whole-entity update): ignored names are
    not judged; null_is_default: a null stands for the member's default (not a violation)."""
    if not isinstance(body, dict):
        where = f"/components/schemas/{schema}/type"
        return [Violation(False, where, f"the body {_short(body)} is not an object")]
    found = _object(schema, body, ignored, vendor, null_is_default)
    return found + _required(schema, body, ignored, vendor)


def patch_violations(
    merge_schema: str, body: Any, media_type: str, ignored: Iterable[str] = (), *, vendor: str
) -> list[Violation]:
    """The violations of a PATCH body. An array is a JSON Patch, an object a merge patch of
    merge_schema; application/json takes either (vendor-facts.md:43), the patch media types
    their own (a non-object merge patch is RFC 7396's, so only a should)."""
    if isinstance(body, list) and "merge-patch" not in media_type:
        return _json_patch(merge_schema, body, ignored, vendor)
    if isinstance(body, dict) and "json-patch" not in media_type:
        return _object(merge_schema, body, ignored, vendor)
    where = "/components/schemas/JsonPatchDocument/type"
    if "merge-patch" in media_type:
        where = f"/components/schemas/{merge_schema}/type"
        return [Violation(False, where, f"the merge patch {_short(body)} is not an object")]
    shown = "an array of operations" if "json-patch" in media_type else "a patch document"
    return [Violation(True, where, f"the body {_short(body)} is not {shown}")]


def _json_patch(
    merge_schema: str, operations: list[Any], ignored: Iterable[str], vendor: str
) -> list[Violation]:
    where = "/components/schemas/JsonPatchOperation"
    properties = schemastore.load(merge_schema, vendor).get("properties", {})
    by_name = {name.lower(): name for name in properties}
    skipped = {name.lower() for name in ignored}
    found: list[Violation] = []
    for index, operation in enumerate(operations):
        # What the PATCH page documents as refused: an op that is not add, replace, remove or
        # test (move and copy are refused). How a server reads a malformed operation (no value:
        # ASP.NET's JsonPatch reads null; an op spelled in another case) it does not say.
        if not isinstance(operation, dict):
            shown = f"operation {index}: {_short(operation)} is not an object"
            return [Violation(False, f"{where}/type", shown)]
        op, path = operation.get("op"), operation.get("path")
        if not isinstance(op, str) or op.lower() not in JSON_PATCH_OPS:
            shown = f"operation {index}: op {_short(op)} is not add, replace, remove or test"
            return [Violation(True, f"{where}/properties/op/enum", shown)]
        op = op.lower()
        if not isinstance(path, str):
            shown = f"operation {index}: path {_short(path)} is not a string"
            return [Violation(False, f"{where}/properties/path", shown)]
        segments = path.removeprefix("/").split("/")
        if segments[0].lower() in skipped:
            continue  # members the server computes (rights members) and stamped members
        if op in _NEEDS_VALUE and "value" not in operation:
            shown = f"operation {index}: {op} without a value"
            found.append(Violation(False, f"{where}/allOf/0/then/required", shown))
            continue
        name = by_name.get(segments[0].lower())
        if name is None:
            shown = f"operation {index}: path {_short(path)} names no property"
            found.append(Violation(False, f"{where}/properties/path", shown))
        elif op in ("add", "replace") and len(segments) == 1:
            found += _property(merge_schema, name, properties[name], operation["value"])
    return found
