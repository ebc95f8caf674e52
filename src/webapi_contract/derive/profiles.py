"""Which vendor pages are derived, and how their endpoints combine into schemas and OpenAPI."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webapi_contract.derive import odyssee, superoffice
from webapi_contract.derive.entities import Entity, Prop
from webapi_contract.derive.facts import parse_carriers
from webapi_contract.derive.kinds import from_sample
from webapi_contract.derive.model import Endpoint, Source
from webapi_contract.derive.pages import PageError, parse_page
from webapi_contract.derive.samples import json_after
from webapi_contract.derive.schema import entity_schema
from webapi_contract.derive.superoffice_api import SWAGGER_CONTACT, superoffice_openapi

__all__ = ["CITED_ROOT", "Derivation", "derive", "page_names", "parse_pages"]

CITED_ROOT = "docs/vendor"  # sources cite pages by their path in the repository
FACTS = "reference/vendor-facts.md"
SWAGGER = "reference/superoffice-swagger-v1-Contact.json"
ERROR_MARKER = "REST 404 body"


@dataclass
class Derivation:
    """Everything derived from the docs: parsed pages, schema documents, OpenAPI, warnings."""

    endpoints: list[Endpoint]
    schemas: dict[str, dict[str, Any]]
    openapi: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def page_names() -> tuple[str, ...]:
    """The doc pages derived, in a fixed order."""
    return (*superoffice.PATCH_PAGES, *superoffice.SAVE_PAGES, odyssee.CONTACT_PAGE)


def parse_pages(docs: Path) -> list[Endpoint]:
    """Every derived page of the docs folder as an endpoint model."""
    endpoints = []
    for name in page_names():
        hint = (odyssee.METHOD, odyssee.ROUTE) if name == odyssee.CONTACT_PAGE else (None, None)
        endpoints.append(parse_page(docs / name, f"{CITED_ROOT}/{name}", *hint))
    return endpoints


def _error_body(lines: list[str], file: str) -> dict[str, Any]:
    """ErrorBody: the documented REST 404 body, its members typed by their sample values."""
    sample = json_after(lines, ERROR_MARKER, file)
    entity = Entity("ErrorBody", nullable=False, description="The documented REST error body.")
    for key, value in sample.body.items():
        where = Source(file, sample.key_lines.get((key,), sample.source.line))
        entity.add(Prop(key, from_sample(value), "", [where]))
    entity.required = list(entity.props)
    return entity_schema(entity)


def _swagger(path: Path) -> dict[str, Any]:
    """The vendor's Swagger 2.0 document: an object whose `paths` hold the Contact route."""
    try:
        swagger: Any = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise PageError(f"{path}: not valid JSON ({exc})") from None
    paths = swagger.get("paths") if isinstance(swagger, dict) else None
    if not isinstance(paths, dict) or not isinstance(paths.get(SWAGGER_CONTACT), dict):
        raise PageError(f"{path}: not the Swagger document expected (no {SWAGGER_CONTACT} path)")
    return dict(swagger)


def derive(docs: Path) -> Derivation:
    """Parse every page and the reference facts, and build all schemas and the OpenAPI document."""
    started = time.perf_counter()
    endpoints = parse_pages(docs)
    warnings = [w for e in endpoints for w in e.warnings]
    facts_lines = (docs / FACTS).read_text(encoding="utf-8").splitlines()
    facts_file = f"{CITED_ROOT}/{FACTS}"
    carriers = parse_carriers(facts_lines, facts_file)
    schemas = superoffice.contact_schemas(endpoints, carriers, warnings)
    warnings += [f"{facts_file}: {n}: not read: {', '.join(i)}" for n, i in carriers.unread.items()]
    schemas.update(superoffice.patch_schemas(endpoints, warnings))
    schemas["ErrorBody"] = _error_body(facts_lines, facts_file)
    schemas.update(odyssee.odyssee_schemas(endpoints[-1], warnings))
    swagger = _swagger(docs / SWAGGER)
    try:
        api = superoffice_openapi(endpoints, schemas, swagger)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise PageError(
            f"{docs / SWAGGER}: not the Swagger document expected ({type(exc).__name__}: {exc})"
        ) from None
    return Derivation(endpoints, schemas, api, warnings, time.perf_counter() - started)
