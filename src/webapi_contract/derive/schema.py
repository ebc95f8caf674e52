"""Entities to Draft 2020-12 JSON Schema documents, each property citing its doc sources."""

from __future__ import annotations

import re
from typing import Any

from webapi_contract.derive.entities import Entity, Prop
from webapi_contract.derive.kinds import schema_of
from webapi_contract.derive.model import Source

__all__ = [
    "DIALECT",
    "PRESENT_KEY",
    "SCHEMA_BASE_URI",
    "SOURCE_KEY",
    "document",
    "entity_schema",
    "present_in_any_case",
    "prop_schema",
    "schema_uri",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE_URI = "https://webapi-contract.invalid/schemas/"
SOURCE_KEY = "x-doc-source"
# The names a response must carry, matched in any key case (see present_in_any_case).
PRESENT_KEY = "x-required-any-case"


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


def _any_case(name: str) -> str:
    """An ECMA 262 pattern matching exactly name, in any letter case (`[Nn][Aa][Mm][Ee]`)."""
    parts = (f"[{c.upper()}{c.lower()}]" if c.upper() != c.lower() else re.escape(c) for c in name)
    return f"^{''.join(parts)}$"


def present_in_any_case(names: list[str]) -> list[dict[str, Any]]:
    """One subschema per name: the object has a key spelled like it in any letter case.

    JSON Schema's `required` matches names exactly, but a server may vary the case of its keys
    (clients bind them ignoring case); so each name is `required` only when no key matches it
    ignoring case, which keeps the message plain: "'Interests' is a required property".
    """
    return [
        {
            "if": {"propertyNames": {"not": {"pattern": _any_case(name)}}},
            "then": {"required": [name]},
        }
        for name in names
    ]
