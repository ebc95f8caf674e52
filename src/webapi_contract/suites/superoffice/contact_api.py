"""SuperOffice ContactEntity routes and helpers shared by the clauses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from webapi_contract import schemastore

SAVE = "Agents/Contact/SaveContactEntity"
PATCH_DOC = "superoffice-patch-contact.v1.md"
PATCH_DOC_V2 = "superoffice-patch-contact.v2.txt"
SAVE_DOC = "superoffice-save-contact-entity.v1.md"
FACTS = "reference/vendor-facts.md"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"


def contact_path(contact_id: int, select: str | None = None) -> str:
    """The REST path of one contact, with a literal `$select` as the docs write it."""
    path = f"Contact/{contact_id}"
    return f"{path}?$select={select}" if select else path


def find_key(body: dict[str, Any], name: str) -> str | None:
    """The key of body matching name case-insensitively (servers may vary the case)."""
    lowered = name.lower()
    return next((key for key in body if key.lower() == lowered), None)


def value_of(body: dict[str, Any], name: str) -> Any:
    """body[name], matching the key case-insensitively; None when absent."""
    key = find_key(body, name)
    return body[key] if key is not None else None


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date-time as an aware instant (a naive one is documented UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def documented_properties() -> dict[str, int]:
    """ContactEntity property -> how many doc pages document it (derived schema's citations)."""
    props = schemastore.load("ContactEntity").get("properties", {})
    return {
        name: len({src["file"] for src in spec.get("x-doc-source", [])})
        for name, spec in props.items()
    }


def properties_in_every_version() -> set[str]:
    """Properties every doc version documents (a server must return these; later ones may lack)."""
    counts = documented_properties()
    most = max(counts.values(), default=0)
    return {name for name, count in counts.items() if count == most}
