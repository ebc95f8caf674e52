"""Odyssee Mobile: the contact help page's contact and embedded company, and the bodies around them.

Dates: the page types `birthdate`, `create_date` and `modified_dateutc` as "date", the word the
ASP.NET help generator prints for a .NET DateTime; its sample shows date-times
(`2026-04-24T10:59:50.6554761+00:00`) and the vendor facts say dates travel as
`YYYY-MM-DDThh:mm:ss.fff` with `Z` (the "no date" default `1980-01-01` included). So "date" reads
as `format: date-time` (kinds.from_word), the type the wire carries; `format: date` would refuse
every value the vendor sends.
"""

from __future__ import annotations

import copy
from typing import Any

from webapi_contract.derive.docs import Lines
from webapi_contract.derive.entities import Entity, Prop, union
from webapi_contract.derive.kinds import Kind, from_sample, from_word
from webapi_contract.derive.model import Endpoint, Field, Source
from webapi_contract.derive.schema import SOURCE_KEY, document, entity_schema, schema_uri

__all__ = [
    "COLLECTION",
    "COMPANY",
    "CONTACT",
    "CONTACT_PAGE",
    "CREATE",
    "ERROR",
    "METHOD",
    "MINIMAL",
    "NEXT_LINK",
    "ROUTE",
    "body_schemas",
    "odyssee_schemas",
]

CONTACT_PAGE = "guid-contact-update.help.txt"
# The help page lost its title line in scraping; vendor-facts.md names the endpoint.
METHOD, ROUTE = "PUT", "api/Contact({id})"
CONTACT, COMPANY = "OdysseeContact", "OdysseeCompany"
CREATE, COLLECTION = "OdysseeContactCreate", "OdysseeContactCollection"
MINIMAL, ERROR = "OdysseeContactId", "OdysseeError"
NEXT_LINK = "@odata.nextLink"
_EMBEDDED = {"company": COMPANY}
_READ_ONLY = "readonly"  # a description starting so marks a server-owned field
NO_ERROR_BODY = "Sample not available."


def _kind_of(field: Field) -> Kind:
    if field.type in _EMBEDDED:
        return Kind("ref", ref=_EMBEDDED[field.type])
    return from_word(field.type)  # "date" -> date-time: see the module docstring


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
    schema = entity_schema(contact)
    for prop in schema["properties"].values():
        if str(prop.get("description", "")).lower().startswith(_READ_ONLY):
            prop["readOnly"] = True  # modified_dateutc: "Readonly system field managed by database"
    return {CONTACT: schema, COMPANY: entity_schema(_company(endpoint, warnings))}


def _is_key(prop: dict[str, Any]) -> bool:
    return str(prop.get("description", "")).lower().startswith("primary key")


def _cite(*sources: Source) -> list[dict[str, Any]]:
    return [{"file": s.file, "line": s.line} for s in sources]


def _create(contact: dict[str, Any], key: str, supplied: Source) -> dict[str, Any]:
    """OdysseeContact as POST takes it: the same, except that the key may be left out."""
    out = copy.deepcopy(contact)
    out["$id"], out["title"] = schema_uri(CREATE), CREATE
    out["required"] = [n for n in contact.get("required", []) if n != key]
    out["description"] = (
        f"A new contact (POST api/Contact): an {CONTACT} whose {key} may be left out, the "
        "server then makes one; a client may supply it."
    )
    out[SOURCE_KEY] = _cite(supplied)
    return out


def body_schemas(
    contact: dict[str, Any],
    page: Lines,
    facts: Lines,
    paging: Source,
    supplied: Source,
    minimal_answer: Source,
) -> dict[str, dict[str, Any]]:
    """OdysseeContactCreate, the collection page (`value` + `@odata.nextLink`), the minimal
    answer (only the key) and OdysseeError."""
    key = next((n for n, p in contact["properties"].items() if _is_key(p)), "id")  # "Primary key"
    collection = document(
        COLLECTION,
        {
            "type": "object",
            "required": ["value"],
            "properties": {
                "value": {
                    "type": "array",
                    "items": {"$ref": f"{CONTACT}.schema.json"},
                    SOURCE_KEY: _cite(paging),
                },
                NEXT_LINK: {
                    "type": "string",
                    "format": "uri-reference",
                    "description": "The URL of the next page (absolute, or relative to the "
                    "request's); absent on the last one.",
                    SOURCE_KEY: _cite(paging),
                },
            },
            SOURCE_KEY: _cite(paging),
        },
        f"A page of contacts (GET api/Contact): {facts.text(paging).strip(' -')}",
    )
    no_body = page.find(NO_ERROR_BODY)
    error = document(
        ERROR,
        {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    SOURCE_KEY: _cite(no_body),
                }
            },
            SOURCE_KEY: _cite(no_body),
        },
        "An error answer as the harness's mock gives it (OData style). The vendor documents no "
        "error body, so this is the mock's choice, not the vendor's promise: clauses do not "
        "require it.",
    )
    minimal = document(
        MINIMAL,
        {
            "type": "object",
            "required": [key],
            "properties": {key: copy.deepcopy(contact["properties"][key])},
            "additionalProperties": False,
            SOURCE_KEY: _cite(minimal_answer),
        },
        f"The answer to a POST or PUT sent with `Prefer: return=minimal`: only the {key} "
        '(the vendor\'s guide: it "will only return you the id"; no body at all is its other '
        "reading).",
    )
    return {
        CREATE: _create(contact, key, supplied),
        COLLECTION: collection,
        MINIMAL: minimal,
        ERROR: error,
    }
