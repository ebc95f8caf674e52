"""Entities to Draft 2020-12 JSON Schema documents, each property citing its doc sources."""

from __future__ import annotations

from typing import Any

from webapi_contract.derive.entities import Entity, Prop
from webapi_contract.derive.kinds import schema_of
from webapi_contract.derive.model import Source

__all__ = [
    "DIALECT",
    "SCHEMA_BASE_URI",
    "SOURCE_KEY",
    "document",
    "entity_schema",
    "prop_schema",
    "schema_uri",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE_URI = "https://webapi-contract.invalid/schemas/"
SOURCE_KEY = "x-doc-source"


def schema_uri(name: str) -> str:
    """The `$id` of the schema called `name`."""
    return f"{SCHEMA_BASE_URI}{name}.schema.json"


def _cited(schema: dict[str, Any], sources: list[Source]) -> dict[str, Any]:
    return {**schema, SOURCE_KEY: [{"file": s.file, "line": s.line} for s in sorted(set(sources))]}


def prop_schema(prop: Prop, nullable: bool) -> dict[str, Any]:
    """One property's schema: its kind (or the union of disagreeing kinds), limits and sources."""
    if prop.alternatives:
        # pages disagree: accept every documented kind, each branch citing the rows behind it
        others = {s for _, sources in prop.alternatives for s in sources}
        first = [s for s in prop.sources if s not in others]
        branches = [
            _cited(schema_of(k), src) for k, src in [(prop.kind, first), *prop.alternatives]
        ]
        out: dict[str, Any] = {"anyOf": branches + ([{"type": "null"}] if nullable else [])}
    else:
        out = schema_of(prop.kind, nullable)
    if prop.description:
        out["description"] = prop.description
    if prop.max_length is not None:
        out["maxLength"] = prop.max_length
    out[SOURCE_KEY] = [{"file": s.file, "line": s.line} for s in sorted(prop.sources)]
    return out


def document(name: str, body: dict[str, Any], description: str = "") -> dict[str, Any]:
    """A top-level schema document: dialect, `$id` and title around a body."""
    out = {"$schema": DIALECT, "$id": schema_uri(name), "title": name}
    if description:
        out["description"] = description
    return {**out, **body}


def entity_schema(entity: Entity) -> dict[str, Any]:
    """An entity as an object schema; extra properties stay allowed (servers evolve additively)."""
    body: dict[str, Any] = {
        "type": "object",
        "properties": {
            name: prop_schema(prop, entity.nullable) for name, prop in entity.props.items()
        },
    }
    if entity.required:
        body["required"] = list(entity.required)
    if entity.one_of_required:
        groups = [{"anyOf": [{"required": [n]} for n in group]} for group in entity.one_of_required]
        if len(groups) == 1:
            body.update(groups[0])
        else:
            body["allOf"] = groups
    return document(entity.name, body, entity.description)
