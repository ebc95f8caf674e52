"""SuperOffice WebAPI: its doc pages, the schemas they give, and its OpenAPI document.

The vendor package the deriver reaches by name (see `derive.profiles`): `PAGES`, `HINTS` and
`build` are what every vendor package offers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from webapi_contract.derive.docs import FACTS, read_lines
from webapi_contract.derive.entities import Entity, Prop
from webapi_contract.derive.facts import parse_carriers
from webapi_contract.derive.kinds import from_sample
from webapi_contract.derive.model import Endpoint, Source
from webapi_contract.derive.pages import PageError
from webapi_contract.derive.samples import json_after
from webapi_contract.derive.schema import entity_schema
from webapi_contract.derive.superoffice.api import SWAGGER_CONTACT, superoffice_openapi
from webapi_contract.derive.superoffice.schemas import (
    PATCH_PAGES,
    SAVE_PAGES,
    contact_schemas,
    patch_schemas,
)

__all__ = ["HINTS", "KNOWN_DIFFERENCES", "PAGES", "build"]

PAGES = (*PATCH_PAGES, *SAVE_PAGES)
HINTS: dict[str, tuple[str, str]] = {}  # every page names its own method and route
SWAGGER = "reference/superoffice-swagger-v1-Contact.json"
# Where our schemas and the vendor's Swagger knowingly disagree, each with a reason.
KNOWN_DIFFERENCES = Path(__file__).with_name("swagger_known_differences.json")
ERROR_MARKER = "REST 404 body"


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


def build(
    endpoints: list[Endpoint], docs: Path, warnings: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The schemas (ContactEntity and its carriers, patches, ErrorBody) and the OpenAPI document."""
    facts = read_lines(docs, FACTS)
    carriers = parse_carriers(facts.lines, facts.file)
    schemas = contact_schemas(endpoints, carriers, warnings)
    warnings += [f"{facts.file}: {n}: not read: {', '.join(i)}" for n, i in carriers.unread.items()]
    schemas.update(patch_schemas(endpoints, warnings))
    schemas["ErrorBody"] = _error_body(facts.lines, facts.file)
    swagger = _swagger(docs / SWAGGER)
    try:
        api = superoffice_openapi(endpoints, schemas, swagger)
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise PageError(
            f"{docs / SWAGGER}: not the Swagger document expected ({type(exc).__name__}: {exc})"
        ) from None
    return schemas, api
