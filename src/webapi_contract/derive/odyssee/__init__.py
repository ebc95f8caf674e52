"""Odyssee Mobile: its contact help page, the schemas it gives, and its OpenAPI document.

The vendor package the deriver reaches by name (see `derive.profiles`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webapi_contract.derive.docs import FACTS, read_lines
from webapi_contract.derive.model import Endpoint
from webapi_contract.derive.odyssee.api import odyssee_openapi, read_facts
from webapi_contract.derive.odyssee.schemas import (
    CONTACT,
    CONTACT_PAGE,
    METHOD,
    ROUTE,
    body_schemas,
    odyssee_schemas,
)
from webapi_contract.derive.pages import PageError

__all__ = ["HINTS", "PAGES", "build"]

PAGES = (CONTACT_PAGE,)
HINTS = {CONTACT_PAGE: (METHOD, ROUTE)}


def build(
    endpoints: list[Endpoint], docs: Path, warnings: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """OdysseeContact and the bodies around it, and the OpenAPI document of the Contact routes."""
    (endpoint,) = endpoints
    page = read_lines(docs, CONTACT_PAGE)
    facts = read_facts(read_lines(docs, FACTS), page, endpoint)
    schemas = odyssee_schemas(endpoint, warnings)
    if "id" not in schemas[CONTACT]["properties"]:
        raise PageError(f"{endpoint.file}: the contact table has no id row")
    schemas.update(
        body_schemas(
            schemas[CONTACT],
            page,
            read_lines(docs, FACTS),
            facts.paging_at,
            read_lines(docs, FACTS).find("may supply the `id`"),
            facts.minimal_at,
        )
    )
    return schemas, odyssee_openapi(endpoint, schemas, facts)
