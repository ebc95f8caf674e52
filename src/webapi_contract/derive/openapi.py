"""OpenAPI 3.1 building blocks: schema components, parameters, and Swagger 2.0 operations."""

from __future__ import annotations

import copy
from typing import Any

from webapi_contract.derive.kinds import INT32
from webapi_contract.derive.model import Field

__all__ = [
    "IGNORED_HEADERS",
    "component_ref",
    "components",
    "header_params",
    "parameter",
    "swagger_name",
    "swagger_parameters",
]

# OpenAPI 3.1 ignores header parameters with these names (they belong to content and security).
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_SUFFIX = ".schema.json"


def component_ref(name: str) -> dict[str, str]:
    """A `$ref` to a schema component."""
    return {"$ref": f"#/components/schemas/{name}"}


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items() if k not in ("$schema", "$id")}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.endswith(_SUFFIX) and "#" not in ref:
            out["$ref"] = component_ref(ref.removesuffix(_SUFFIX))["$ref"]
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def components(schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Schema documents inlined as components, file refs rewritten to `#/components/schemas/…`."""
    return {name: _rewrite(copy.deepcopy(schema)) for name, schema in sorted(schemas.items())}


def parameter(
    name: str, where: str, description: str, schema: dict[str, Any], required: bool = False
) -> dict[str, Any]:
    """One OpenAPI parameter object."""
    out: dict[str, Any] = {"name": name, "in": where, "required": required or where == "path"}
    if description:
        out["description"] = description
    out["schema"] = schema
    return out


def header_params(fields: list[Field]) -> list[dict[str, Any]]:
    """Documented request headers as optional header parameters (minus Accept/Content-Type/Auth)."""
    return [
        parameter(f.name, "header", f.description, {"type": "string"})
        for f in fields
        if f.name.lower() not in IGNORED_HEADERS
    ]


def swagger_name(ref: str) -> str:
    """The short name of a Swagger 2.0 definition ref (`#/definitions/A.B.Person` -> Person)."""
    return ref.rsplit("/", 1)[-1].rsplit(".", 1)[-1]


def _swagger_schema(spec: dict[str, Any]) -> dict[str, Any]:
    if spec.get("type") == "integer" and spec.get("format") == "int32":
        return dict(INT32)
    return {k: spec[k] for k in ("type", "format", "enum") if k in spec}


def swagger_parameters(operation: dict[str, Any], skip: frozenset[str]) -> list[dict[str, Any]]:
    """A Swagger 2.0 operation's non-body parameters in OpenAPI 3.1 form, minus `skip` names."""
    out = []
    for spec in operation.get("parameters", []):
        if spec.get("in") == "body" or spec["name"] in skip:
            continue
        if spec["in"] == "header" and spec["name"].lower() in IGNORED_HEADERS:
            continue
        out.append(
            parameter(
                spec["name"],
                spec["in"],
                spec.get("description", ""),
                _swagger_schema(spec),
                spec.get("required", False),
            )
        )
    return out
