"""SuperOffice ContactEntity routes and helpers shared by the clauses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from webapi_contract import schemastore
from webapi_contract.client import Exchange
from webapi_contract.contract import Verdict

SAVE = "Agents/Contact/SaveContactEntity"
PATCH_DOC = "superoffice-patch-contact.v1.md"
PATCH_DOC_V2 = "superoffice-patch-contact.v2.txt"
SAVE_DOC = "superoffice-save-contact-entity.v1.md"
FACTS = "reference/vendor-facts.md"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
# The response schemas: GET and PATCH answer ContactEntityWithLinks, SaveContactEntity a
# ContactEntity (ContactEntityResponse: the ContactEntity schema of a request has no `required`).
WITH_LINKS = "ContactEntityWithLinks"
SAVE_RESPONSE = "ContactEntityResponse"
# The entity's own stamps, documented "in UTC" and unaffected by SO-TimeZone.
STAMPS = ("CreatedDate", "UpdatedDate")


def contact_path(contact_id: int, select: str | None = None) -> str:
    """The REST path of one contact, with a literal `$select` as the docs write it."""
    path = f"Contact/{contact_id}"
    return f"{path}?$select={select}" if select else path


def find_key(body: dict[str, Any], name: str) -> str | None:
    """The key of body matching name case-insensitively (servers may vary the case)."""
    lowered = name.lower()
    return next((key for key in body if key.lower() == lowered), None)


def value_of(body: Any, name: str) -> Any:
    """body[name], matching the key case-insensitively; None when absent (or body is no
    object: a null or a list is its clause's verdict, never a harness traceback)."""
    if not isinstance(body, dict):
        return None
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


def present_in_every_answer(schema: str) -> list[str]:
    """The properties a response of `schema` carries: those every version of its doc page lists
    (the derived `x-required-any-case`)."""
    return list(schemastore.load(schema).get("x-required-any-case", []))


def absent(body: dict[str, Any], names: list[str]) -> list[str]:
    """The names body carries under no key, in any letter case."""
    return [name for name in names if find_key(body, name) is None]


def judge_every_property(
    verdict: Verdict, body: Any, schema: str, table: str, exchange: Exchange | None = None
) -> None:
    """body is an object carrying every property every version of the docs' `table` lists
    (the derived required names of `schema`), under keys in any letter case."""
    verdict.true(isinstance(body, dict), f"a {table} object", repr(body), exchange)
    missing = absent(body, present_in_every_answer(schema))
    verdict.true(
        not missing,
        f"every property of the docs' {table} table present (in any key case)",
        f"absent: {', '.join(missing)}",
        exchange,
    )


def offset_of(text: str) -> timedelta | None:
    """The UTC offset an ISO 8601 date-time is written with (None: written without one)."""
    return datetime.fromisoformat(text).utcoffset()


def _date_time_members(schema: str, depth: int = 2) -> Iterator[tuple[str, ...]]:
    """Paths of the date-time members of a derived schema: names, `*` for an array's items."""
    for name, spec in schemastore.load(schema).get("properties", {}).items():
        if spec.get("format") == "date-time":
            yield (name,)
        ref = str(spec.get("items", {}).get("$ref", ""))
        if depth > 1 and ref.endswith(".schema.json"):
            for inner in _date_time_members(ref.removesuffix(".schema.json"), depth - 1):
                yield (name, "*", *inner)


def date_times(body: Any) -> Iterator[tuple[str, Any]]:
    """(where, value) of every date-time member of a ContactEntity body that is not null, e.g.
    ("DbiLastModified", "2024-01-15T10:30:00Z") or ("Interests[0].LastChanged", …); keys are
    matched in any case."""
    for steps in _date_time_members("ContactEntity"):
        yield from _walk(body, steps, "")


def _walk(value: Any, steps: tuple[str, ...], where: str) -> Iterator[tuple[str, Any]]:
    if not steps:
        if value is not None:
            yield where, value
        return
    step, rest = steps[0], steps[1:]
    if step == "*":
        for index, item in enumerate(value if isinstance(value, list) else []):
            yield from _walk(item, rest, f"{where}[{index}]")
    elif isinstance(value, dict):
        yield from _walk(value_of(value, step), rest, f"{where}.{step}" if where else step)
