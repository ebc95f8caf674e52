"""Odyssee Mobile: the contact update help page, its contact and embedded company schemas."""

from __future__ import annotations

from typing import Any

from webapi_contract.derive.entities import Entity, Prop, union
from webapi_contract.derive.kinds import Kind, from_sample, from_word
from webapi_contract.derive.model import Endpoint, Field, Source
from webapi_contract.derive.schema import entity_schema

__all__ = ["CONTACT_PAGE", "METHOD", "ROUTE", "odyssee_schemas"]

CONTACT_PAGE = "guid-contact-update.help.txt"
# The help page lost its title line in scraping; vendor-facts.md names the endpoint.
METHOD, ROUTE = "PUT", "api/Contact({id})"
CONTACT, COMPANY = "OdysseeContact", "OdysseeCompany"
_EMBEDDED = {"company": COMPANY}


def _kind_of(field: Field) -> Kind:
    if field.type in _EMBEDDED:
        return Kind("ref", ref=_EMBEDDED[field.type])
    return from_word(field.type)


def _company(endpoint: Endpoint, warnings: list[str]) -> Entity:
    """The embedded company as the request sample shows it (no table documents it)."""
    company = Entity(COMPANY, nullable=False)
    company.description = "The company embedded in an Odyssee contact, as the sample shows it."
    sample = endpoint.sample("request")
    body: Any = sample.body.get("company") if sample and isinstance(sample.body, dict) else None
    if not isinstance(body, dict) or sample is None:
        warnings.append(f"{endpoint.file}: no sample company to derive {COMPANY} from")
        return company
    for key, value in body.items():
        line = sample.key_lines.get(("company", key), sample.source.line)
        company.add(Prop(key, from_sample(value), "", [Source(endpoint.file, line)]), warnings)
    return company


def odyssee_schemas(endpoint: Endpoint, warnings: list[str]) -> dict[str, dict[str, Any]]:
    """OdysseeContact (max lengths, required, one of company_id/code/company) and its company."""
    contact = union(CONTACT, [endpoint.request_body], _kind_of, warnings)
    contact.nullable = False  # the vendor stores no nulls: defaults are false, 0 and 1980-01-01
    contact.description = endpoint.summary
    return {CONTACT: entity_schema(contact), COMPANY: entity_schema(_company(endpoint, warnings))}
