"""Property types our schemas and a vendor's Swagger 2.0 definitions both describe, compared."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Disagreement", "disagreements", "known_differences"]

_INT32 = (-(2**31), 2**31 - 1)


@dataclass(frozen=True, order=True)
class Disagreement:
    """One property typed differently by us and by the vendor's Swagger."""

    entity: str
    property: str
    ours: str
    theirs: str

    def __str__(self) -> str:
        return f"{self.entity}.{self.property}: ours {self.ours}, Swagger {self.theirs}"


def _short(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].removesuffix(".schema.json").rsplit(".", 1)[-1]


def signature(schema: Any) -> str:
    """A schema's type as a comparable string (nullability ignored): `integer(int32)`, `ref X`…"""
    if not isinstance(schema, dict) or not schema:
        return "any"
    if "$ref" in schema:
        return f"ref {_short(schema['$ref'])}"
    if "anyOf" in schema:
        parts = sorted({signature(b) for b in schema["anyOf"] if b.get("type") != "null"})
        return " | ".join(parts)
    kinds = schema.get("type", "any")
    kinds = [kinds] if isinstance(kinds, str) else [k for k in kinds if k != "null"]
    kind = "|".join(kinds)
    if kind == "integer" and (
        schema.get("format") == "int32" or (schema.get("minimum"), schema.get("maximum")) == _INT32
    ):
        return "integer(int32)"
    if "enum" in schema:
        return f"{kind} enum({', '.join(str(v) for v in schema['enum'] if v is not None)})"
    if kind == "array":
        return f"array of {signature(schema.get('items'))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"map of {signature(schema['additionalProperties'])}"
    if schema.get("format") in ("date-time", "uuid", "double"):
        return kind if schema["format"] == "double" else f"{kind}({schema['format']})"
    return kind


def _ours(name: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An entity's properties, including those an allOf brings in."""
    schema = schemas.get(name, {})
    props = dict(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        if "$ref" in branch:
            props.update(_ours(_short(branch["$ref"]), schemas))
        props.update(branch.get("properties", {}))
    return props


def disagreements(
    swagger: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> tuple[list[Disagreement], int]:
    """Every type disagreement on a property both describe, and how many were compared."""
    found, compared = [], 0
    for full, definition in sorted(swagger.get("definitions", {}).items()):
        name = _short(full)
        ours = _ours(name, schemas)
        for prop, theirs in sorted(definition.get("properties", {}).items()):
            if prop not in ours:
                continue
            compared += 1
            mine, vendor = signature(ours[prop]), signature(theirs)
            if mine != vendor:
                found.append(Disagreement(name, prop, mine, vendor))
    return found, compared


def known_differences(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """The recorded, explained differences of a vendor's file (e.g. the SuperOffice package's
    `KNOWN_DIFFERENCES`), keyed by (entity, property); each has a reason."""
    entries = json.loads(path.read_text(encoding="utf-8"))["differences"]
    missing = [e for e in entries if not e.get("reason")]
    if missing:
        raise ValueError(f"{path.name}: entries without a reason: {missing}")
    return {(e["entity"], e["property"]): e for e in entries}
