"""The neutral type of a property, read from doc type words and written as JSON Schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["INT32", "Kind", "from_sample", "from_word", "merge", "schema_of"]

INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$")


@dataclass(frozen=True)
class Kind:
    """A type: a scalar name, `ref` to a named schema, `array`/`map` of an item, or an `enum`."""

    name: str  # string int32 number boolean date-time uuid any object ref array map enum
    ref: str = ""
    of: Kind | None = None
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.name == "ref":
            return self.ref
        if self.name in ("array", "map") and self.of is not None:
            return f"{self.name} of {self.of}"
        return self.name


ANY = Kind("any")
_WORDS = {
    "string": Kind("string"),
    "int": Kind("int32"),
    "int32": Kind("int32"),
    "integer": Kind("int32"),
    "double": Kind("number"),
    "number": Kind("number"),
    "decimal number": Kind("number"),
    "bool": Kind("boolean"),
    "boolean": Kind("boolean"),
    "date-time": Kind("date-time"),
    "date": Kind("date-time"),
    "guid": Kind("uuid"),
    "globally unique identifier": Kind("uuid"),
    "array": Kind("array", of=ANY),
    "object": Kind("object"),
    "map": Kind("map", of=Kind("string")),
}


def from_word(word: str, carriers: frozenset[str] = frozenset()) -> Kind:
    """The kind a doc type word names; a carrier name is a `ref`, anything else unknown is `any`."""
    text = " ".join(word.split())
    if text in carriers:
        return Kind("ref", ref=text)
    return _WORDS.get(text.lower(), ANY if text else Kind("string"))


def from_sample(value: Any) -> Kind:
    """The kind a sample value shows: guid-looking strings are uuid, ISO instants date-time."""
    if isinstance(value, bool):
        return Kind("boolean")
    if isinstance(value, int):
        return Kind("int32") if -(2**31) <= value < 2**31 else Kind("number")
    if isinstance(value, float):
        return Kind("number")
    if isinstance(value, str):
        if _UUID.match(value):
            return Kind("uuid")
        return Kind("date-time") if _INSTANT.match(value) else Kind("string")
    if isinstance(value, list):
        return Kind("array", of=from_sample(value[0]) if value else ANY)
    if isinstance(value, dict):
        return Kind("object")
    return ANY


def _refines(specific: Kind, general: Kind) -> bool:
    """True when every value of `specific` is also a value of `general`."""
    if general.name == "any":
        return True
    if general.name == "string":
        return specific.name in ("date-time", "uuid", "enum")
    if general.name == "array" and general.of == ANY:
        return specific.name == "array"
    if general.name == "object":
        return specific.name in ("map", "ref", "object")
    return False


def merge(first: Kind, second: Kind) -> Kind | None:
    """The more specific of two agreeing kinds, or None when they disagree."""
    if first == second or _refines(first, second):
        return first
    if _refines(second, first):
        return second
    return None


def schema_of(kind: Kind, nullable: bool = False) -> dict[str, Any]:
    """The JSON Schema of a kind; `nullable` also admits null."""
    if kind.name == "ref":
        target = {"$ref": f"{kind.ref}.schema.json"}
        return {"anyOf": [target, {"type": "null"}]} if nullable else target
    if kind.name == "any":
        return {}
    out: dict[str, Any]
    if kind.name == "int32":
        out = dict(INT32)
    elif kind.name in ("date-time", "uuid"):
        out = {"type": "string", "format": kind.name}
    elif kind.name == "enum":
        out = {"type": "string", "enum": list(kind.values)}
        if nullable:
            out["enum"].append(None)
    elif kind.name == "array":
        out = {"type": "array", "items": schema_of(kind.of or ANY)}
    elif kind.name == "map":
        out = {"type": "object", "additionalProperties": schema_of(kind.of or ANY)}
    else:
        out = {"type": kind.name}
    if nullable:
        out["type"] = [out["type"], "null"]
    return out
