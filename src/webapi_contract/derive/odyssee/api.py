"""Odyssee Mobile: the OpenAPI 3.1 document of the Contact routes, from the help page and facts.

The routes, statuses, paging, `Prefer`, media types and auth are read from
docs/vendor/reference/vendor-facts.md ("The second vendor") and the help page, each operation
citing the lines it rests on; a status an operation uses that the vendor does not list is an
error, not a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from webapi_contract.derive.docs import Lines
from webapi_contract.derive.kinds import from_word, schema_of
from webapi_contract.derive.model import Endpoint, Source
from webapi_contract.derive.odyssee.schemas import (
    COLLECTION,
    CONTACT,
    CREATE,
    ERROR,
    MINIMAL,
)
from webapi_contract.derive.openapi import component_ref, components, parameter
from webapi_contract.derive.pages import PageError
from webapi_contract.derive.schema import SOURCE_KEY

__all__ = ["DEFAULT_BASE_URL", "Facts", "odyssee_openapi", "read_facts"]

_COUNT = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 2**31 - 1}

DEFAULT_BASE_URL = "http://127.0.0.1:8000/api"
API_ROOT = "api/"  # the configured base URL already ends in /api; OpenAPI paths are below it
SECTION = "## The second vendor: Odyssee Mobile"
_ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) ([^`\s]+)`")
_STATUS = re.compile(r"\b([1-5]\d\d)\b")
XML = "application/xml"
JSON = "application/json"


@dataclass(frozen=True)
class Facts:
    """What vendor-facts.md and the help page say about the API around the contact."""

    routes: tuple[
        tuple[str, str], ...
    ]  # (method, route) as documented, e.g. ("GET", "api/Contact")
    routes_at: Source
    statuses: frozenset[str]
    statuses_at: Source
    auth_at: Source
    xml_requests: bool
    xml_at: Source
    page_size: int
    paging_at: Source
    filter_at: Source
    prefer_at: Source
    minimal_at: Source
    request_formats: tuple[str, ...]
    request_formats_at: Source
    response_formats: tuple[str, ...]
    response_formats_at: Source


def _formats(page: Lines, title: str) -> tuple[tuple[str, ...], Source]:
    """The media types listed on the line after `title` (`application/json, text/json`)."""
    at = page.find(title)
    following = page.lines[at.line] if at.line < len(page.lines) else ""
    found = tuple(t for t in re.findall(r"[\w.+-]+/[\w.+-]+", following))
    if not found:
        raise PageError(f"{at}: no media types after {title!r}")
    return found, Source(at.file, at.line + 1)


def read_facts(facts: Lines, page: Lines, endpoint: Endpoint) -> Facts:
    """The vendor facts of the Odyssee section, and the page's request and response formats."""
    start = facts.find(SECTION).line
    routes_at = facts.find("By the same vendor's pattern", start)
    routes = [m.groups() for m in _ROUTE.finditer(facts.text(routes_at))]
    if (endpoint.method, endpoint.route) not in routes:
        routes.insert(0, (endpoint.method, endpoint.route))
    statuses_at = facts.find("Status codes it uses", start)
    auth_at = facts.find("username:password@domain", start)
    xml_at = facts.find(XML, start)
    size = re.search(r"\((\d+) a page\)", facts.text(routes_at))
    if size is None:
        raise PageError(f"{routes_at}: no page size (`(N a page)`)")
    request_formats, request_at = _formats(page, "Request Formats")
    response_formats, response_at = _formats(page, "Response Formats")
    return Facts(
        routes=tuple((str(m), str(r)) for m, r in routes),
        routes_at=routes_at,
        statuses=frozenset(_STATUS.findall(facts.text(statuses_at))),
        statuses_at=statuses_at,
        auth_at=auth_at,
        xml_requests=f"Content-Type: {XML}" in facts.text(xml_at),
        xml_at=xml_at,
        page_size=int(size.group(1)),
        paging_at=routes_at,
        filter_at=facts.find("$filter=", start),
        prefer_at=facts.find("Prefer: return=minimal", start),
        minimal_at=facts.find("will only return you the id", start),
        request_formats=request_formats,
        request_formats_at=request_at,
        response_formats=response_formats,
        response_formats_at=response_at,
    )


def _cite(*sources: Source) -> list[dict[str, Any]]:
    return [{"file": s.file, "line": s.line} for s in sorted(set(sources))]


@dataclass(frozen=True)
class _Plan:
    """One operation: its id, what it answers, and the doc lines it rests on."""

    operation_id: str
    summary: str
    responses: dict[str, tuple[str, str | None]]  # status -> (description, body component)


_ERRORS = {
    "400": ("Malformed request: a key, query option or body the server cannot read.", ERROR),
    "401": ("No credentials, or wrong ones (Basic over `username:password@domain`).", None),
    "404": ("No contact with this key.", ERROR),
    "422": ("Validation failed: a required field, a max length, an unresolvable code.", ERROR),
}
_CONTACT_OR_ID = "contact-or-id"  # the full contact, or only its id (Prefer: return=minimal)
_PLANS: dict[tuple[str, bool], _Plan] = {
    ("GET", False): _Plan(
        "listContacts",
        "Lists contacts, a page at a time.",
        {"200": ("A page of contacts.", COLLECTION), "400": _ERRORS["400"]},
    ),
    ("POST", False): _Plan(
        "createContact",
        "Adds a contact.",
        {
            "200": (
                "Created: the contact (only its id under `Prefer: return=minimal`).",
                _CONTACT_OR_ID,
            ),
            "201": (
                "Created: the contact (only its id under `Prefer: return=minimal`).",
                _CONTACT_OR_ID,
            ),
            "400": _ERRORS["400"],
            "409": ("A contact with the supplied id exists.", ERROR),
            "422": _ERRORS["422"],
        },
    ),
    ("GET", True): _Plan(
        "getContact",
        "Gets the contact with the specified key.",
        {"200": ("The contact.", CONTACT), "400": _ERRORS["400"], "404": _ERRORS["404"]},
    ),
    ("PUT", True): _Plan(
        "updateContact",
        "Updates the contact with the specified key (the whole contact; its id is the URI's).",
        {
            "200": (
                "Updated: the contact (only its id under `Prefer: return=minimal`).",
                _CONTACT_OR_ID,
            ),
            "204": ("Updated, no body (`Prefer: return=minimal`).", None),
            "400": _ERRORS["400"],
            "404": _ERRORS["404"],
            "422": _ERRORS["422"],
        },
    ),
    ("DELETE", True): _Plan(
        "deleteContact",
        "Deletes the contact with the specified key.",
        {
            "200": ("Deleted.", None),
            "204": ("Deleted, no body.", None),
            "400": _ERRORS["400"],
            "404": _ERRORS["404"],
        },
    ),
}
_LINKED = ("getContact", "updateContact", "deleteContact")


def _content(types: tuple[str, ...], schema: dict[str, Any]) -> dict[str, Any]:
    return {media: {"schema": schema} for media in types}


def _body_schema(name: str) -> dict[str, Any]:
    if name == _CONTACT_OR_ID:
        return {"anyOf": [component_ref(CONTACT), component_ref(MINIMAL)]}
    return component_ref(name)


def _operation(plan: _Plan, facts: Facts, item: bool, page: Endpoint) -> dict[str, Any]:
    unknown = sorted({*plan.responses, "401"} - facts.statuses)
    if unknown:
        raise PageError(
            f"{facts.statuses_at}: {plan.operation_id} answers {', '.join(unknown)}, "
            "which the vendor does not list"
        )
    answer_types = (*facts.response_formats, XML)
    responses: dict[str, Any] = {}
    for status, (text, body) in sorted({**plan.responses, "401": _ERRORS["401"]}.items()):
        response: dict[str, Any] = {"description": text}
        if body is not None:
            response["content"] = _content(answer_types, _body_schema(body))
        responses[status] = response
    cited = [facts.routes_at, facts.statuses_at]
    out: dict[str, Any] = {"operationId": plan.operation_id, "summary": plan.summary}
    parameters: list[dict[str, Any]] = []
    if plan.operation_id == "listContacts":
        parameters = [
            parameter(
                "$filter",
                "query",
                "OData filter on a string field: `<field> eq '<text>'` (e.g. `code eq 'X'`).",
                {"type": "string"},
            ),
            # OData's $top and $skip are Edm.Int32 (OData v4 URL conventions, 5.1.5/5.1.6).
            parameter("$top", "query", "At most this many contacts.", _COUNT),
            parameter("$skip", "query", "Skip this many contacts.", _COUNT),
        ]
        out["description"] = (
            f"JSON pages hold {facts.page_size} contacts and link the next with "
            "`@odata.nextLink`; XML pages with `$top`/`$skip`."
        )
        cited += [facts.paging_at, facts.filter_at]
    if plan.operation_id in ("createContact", "updateContact"):
        parameters.append(
            parameter(
                "Prefer",
                "header",
                "`return=minimal` asks for no body, or only the id (RFC 7240; other "
                "preferences are ignored).",
                {"type": "string", "examples": ["return=minimal", "return=representation"]},
            )
        )
        request_types = (*facts.request_formats, *((XML,) if facts.xml_requests else ()))
        body = CREATE if plan.operation_id == "createContact" else CONTACT
        out["requestBody"] = {
            "required": True,
            "content": _content(request_types, component_ref(body)),
        }
        cited += [facts.prefer_at, facts.minimal_at, facts.request_formats_at, facts.xml_at]
    if plan.operation_id == "updateContact":
        cited.append(Source(page.file, page.line))
    if parameters:
        out["parameters"] = parameters
    out["responses"] = responses
    if plan.operation_id == "createContact":
        for created in ("200", "201"):  # the vendor lists both (vendor-facts.md:67)
            responses[created]["links"] = {
                op: {"operationId": op, "parameters": {"id": "$response.body#/id"}}
                for op in _LINKED
            }
    cited += [facts.response_formats_at]
    out[SOURCE_KEY] = _cite(*cited)
    return out


def odyssee_openapi(
    endpoint: Endpoint, schemas: dict[str, dict[str, Any]], facts: Facts
) -> dict[str, Any]:
    """The OpenAPI 3.1 document: GET/POST Contact, GET/PUT/DELETE Contact({id}), links, auth."""
    if not endpoint.path_params:
        raise PageError(f"{endpoint.file}: no URI parameter documents the key")
    key = endpoint.path_params[0]
    key_param = parameter(
        key.name, "path", key.description or key.type, schema_of(from_word(key.type))
    )
    key_param[SOURCE_KEY] = _cite(key.source)
    paths: dict[str, dict[str, Any]] = {}
    for method, route in facts.routes:
        item = "{" + key.name + "}" in route
        plan = _PLANS.get((method, item))
        if plan is None or not route.startswith(API_ROOT):
            raise PageError(f"{facts.routes_at}: no operation known for {method} {route}")
        path = "/" + route.removeprefix(API_ROOT)
        entry = paths.setdefault(path, {"parameters": [key_param]} if item else {})
        entry[method.lower()] = _operation(plan, facts, item, endpoint)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Odyssee Mobile Contact API (derived from the vendor documentation)",
            "version": "1",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "{baseUrl}", "variables": {"baseUrl": {"default": DEFAULT_BASE_URL}}}],
        "security": [{"basic": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components(schemas),
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "Basic over base64 of `username:password@domain` "
                    f"({facts.auth_at})",
                }
            },
        },
    }
