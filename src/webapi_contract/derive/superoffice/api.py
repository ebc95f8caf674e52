"""SuperOffice WebAPI: the OpenAPI 3.1 document of the Contact endpoints the suite exercises."""

from __future__ import annotations

from typing import Any

from webapi_contract.derive.kinds import INT32
from webapi_contract.derive.model import Endpoint
from webapi_contract.derive.openapi import (
    component_ref,
    components,
    header_params,
    parameter,
    swagger_parameters,
)
from webapi_contract.derive.superoffice.schemas import API_ROOT, PATCH_PAGES, RESPONSE, SAVE_PAGES

__all__ = ["SWAGGER_CONTACT", "superoffice_openapi"]

DEFAULT_BASE_URL = "http://127.0.0.1:8000/api/v1"
SWAGGER_CONTACT = "/api/v1/Contact/{id}"
SECURITY_SCHEMES = {
    "basic": {"type": "http", "scheme": "basic", "description": "Basic user:password (on-site)"},
    "bearer": {"type": "http", "scheme": "bearer", "description": "SuperId OAuth access token"},
    "soTicket": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "SoTicket <ticket>",
    },
}
_RFC1123 = "an RFC 1123 date such as `Wed, 21 Oct 2015 07:28:00 GMT`"
IF_UNMODIFIED = parameter(
    "If-Unmodified-Since",
    "header",
    f"412 when the entity changed after {_RFC1123}",
    {"type": "string"},
)
IF_MODIFIED = parameter(
    "If-Modified-Since",
    "header",
    f"304 when the entity has not changed since {_RFC1123}",
    {"type": "string"},
)
JSON = "application/json"
_CONTACT_LINKS = {
    op: {"operationId": op, "parameters": {"id": "$response.body#/ContactId"}}
    for op in ("GetContact", "PatchContact", "DeleteContact")
}


def _page(endpoints: list[Endpoint], names: tuple[str, ...]) -> Endpoint:
    """The newest page among `names` (the last listed that was parsed)."""
    found = [e for n in names for e in endpoints if e.file.endswith(n)]
    if not found:
        raise ValueError(f"none of {', '.join(names)} was parsed")
    return found[-1]


def _description(endpoint: Endpoint) -> str:
    notes = " ".join(f"{k}: {v}." for k, v in sorted(endpoint.notes.items()))
    return f"{endpoint.summary} {notes}".strip()


def _responses(
    documented: dict[str, str], bodies: dict[str, str], links: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, text in sorted(documented.items()):
        response: dict[str, Any] = {"description": text or status}
        if status in bodies:
            response["content"] = {JSON: {"schema": component_ref(bodies[status])}}
        if links and status == "200":
            response["links"] = links
        out[status] = response
    return out


def _patch(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "operationId": "PatchContact",
        "summary": endpoint.summary,
        "description": _description(endpoint),
        "parameters": [
            *(
                parameter(f.name, "query", f.description, {"type": "string"})
                for f in endpoint.query_params
            ),
            *header_params(endpoint.headers),
            IF_UNMODIFIED,
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json-patch+json": {"schema": component_ref("JsonPatchDocument")},
                "application/merge-patch+json": {"schema": component_ref("ContactMergePatch")},
                JSON: {
                    "schema": {
                        "oneOf": [
                            component_ref("JsonPatchDocument"),
                            component_ref("ContactMergePatch"),
                        ]
                    }
                },
            },
        },
        "responses": _responses(
            endpoint.responses, {"200": "ContactEntityWithLinks", "404": "ErrorBody"}
        ),
        "x-doc-source": [{"file": endpoint.file, "line": endpoint.line}],
    }


def _save(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "operationId": "SaveContactEntity",
        "summary": endpoint.summary,
        "description": _description(endpoint),
        "parameters": header_params(endpoint.headers),
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": component_ref("ContactEntity")}},
        },
        "responses": _responses(endpoint.responses, {"200": RESPONSE}, _CONTACT_LINKS),
        "x-doc-source": [{"file": endpoint.file, "line": endpoint.line}],
    }


def _from_swagger(
    operation: dict[str, Any],
    operation_id: str,
    extra: list[dict[str, Any]],
    bodies: dict[str, str],
) -> dict[str, Any]:
    documented = {s: r.get("description", "") for s, r in operation["responses"].items()}
    documented.setdefault("404", "Not Found.")  # vendor-facts.md: the REST 404 body
    return {
        "operationId": operation_id,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", "").replace("\r\n", " "),
        "parameters": [*swagger_parameters(operation, frozenset({"id"})), *extra],
        "responses": _responses(documented, bodies),
    }


def superoffice_openapi(
    endpoints: list[Endpoint], schemas: dict[str, dict[str, Any]], swagger: dict[str, Any]
) -> dict[str, Any]:
    """The OpenAPI 3.1 document: Save, and GET/PATCH/DELETE Contact/{id}, with links and auth."""
    patch, save = _page(endpoints, PATCH_PAGES), _page(endpoints, SAVE_PAGES)
    contact = swagger["paths"][SWAGGER_CONTACT]
    id_field = patch.path_params[0]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SuperOffice Contact WebAPI (derived from the vendor documentation)",
            "version": "v1",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "{baseUrl}", "variables": {"baseUrl": {"default": DEFAULT_BASE_URL}}}],
        "security": [{name: []} for name in SECURITY_SCHEMES],
        "paths": {
            save.route.removeprefix(API_ROOT): {"post": _save(save)},
            patch.route.removeprefix(API_ROOT): {
                "parameters": [parameter("id", "path", id_field.description, dict(INT32))],
                "get": _from_swagger(
                    contact["get"],
                    "GetContact",
                    [IF_MODIFIED],
                    {"200": "ContactEntityWithLinks", "404": "ErrorBody"},
                ),
                "patch": _patch(patch),
                "delete": _from_swagger(
                    contact["delete"], "DeleteContact", [IF_UNMODIFIED], {"404": "ErrorBody"}
                ),
            },
        },
        "components": {
            "schemas": components(schemas),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
