"""Odyssee Mobile's Contact routes, its documented members, and helpers shared by the clauses.

What a conformant tenant may do differently from the mock, and the clauses never judge: answer
properties the docs do not list, in any key order and key case, a guid in upper or lower case,
200 with the contact or 204 without a body on PUT, 400 or 422 for a refused body.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urljoin, urlsplit

from webapi_contract.client import Exchange
from webapi_contract.contract import Verdict

HELP = "guid-contact-update.help.txt"
FACTS = "reference/vendor-facts.md"
COLLECTION = "Contact"
# A refused body: the vendor's guide reports validation failures with 422, and lists 400 too.
REFUSED = (400, 422)
# An accepted PUT: the page's response is "IHttpActionResultNone." (200 with the contact, or
# 204 without a body, are both readings of it).
UPDATED = (200, 204)
# A POST that created: 201 (the vendor's status list), or 200.
CREATED = (201, 200)
NIL_GUID = "00000000-0000-0000-0000-000000000000"

# The members the help page documents (guid-contact-update.help.txt:11-103), in its order.
MEMBERS = (
    "id",
    "firstname",
    "lastname",
    "company_id",
    "company_code",
    "company",
    "db_language_id",
    "db_language_code",
    "db_title_id",
    "archived",
    "functions",
    "e_login",
    "e_password",
    "notes",
    "birthdate",
    "create_date",
    "phone",
    "mobile",
    "email",
    "skype",
    "private_phone",
    "private_mobile",
    "private_email",
    "reference_back_office",
    "modified_dateutc",
)
# "Max length: N" of the page, per member (the row at :76-79 has no name: the sample's `email`).
MAX_LENGTHS = {
    "firstname": 50,
    "lastname": 50,
    "e_login": 50,
    "e_password": 50,
    "phone": 50,
    "mobile": 50,
    "private_phone": 50,
    "private_mobile": 50,
    "reference_back_office": 50,
    "functions": 64,
    "email": 250,
    "skype": 250,
    "private_email": 250,
}
# The page's `date` members (answered as date-times: the sample writes them so).
DATES = ("birthdate", "create_date", "modified_dateutc")
# The documented members holding a scalar (all but the embedded company object): the ones the
# "no nulls stored" line is judged on.
SCALAR_MEMBERS = tuple(name for name in MEMBERS if name != "company")
# The members naming the contact's company: one of them must be given.
COMPANY_FIELDS = ("company_id", "company_code", "company")
# Members a PUT body never carries back: the embedded company is sent only when a clause means
# to (it is added or updated by its code), modified_dateutc is the server's.
NOT_SENT_BACK = frozenset({"company", "modified_dateutc"})
# "Dates are `YYYY-MM-DDThh:mm:ss.fff`, `Z` for UTC" (vendor-facts.md:68): the exact form, a
# `should` (the help page's own samples write `2026-04-24T10:59:50.6554761+00:00`). Milliseconds,
# and a UTC date written with Z (a date without any offset is local time, which the line allows).
DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z?")
UTC_DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
# Every reading of the two pages (the `must`): a date-time with 0-7 fraction digits (.NET writes
# up to 7, and none for a whole second), with or without an offset; a UTC date with Z or a
# zero offset (`+00:00`, as the page's samples have it).
ANY_DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?")
ANY_UTC_DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]00:00)")


def contact_path(contact_id: str) -> str:
    """The path of one contact in OData key syntax: `Contact(<guid>)`."""
    return f"{COLLECTION}({contact_id})"


def new_guid() -> str:
    """A fresh guid (a client may supply the id of a new contact)."""
    return str(uuid.uuid4())


def find_key(body: dict[str, Any], name: str) -> str | None:
    """The key of body matching name case-insensitively (servers may vary the case)."""
    lowered = name.lower()
    return next((key for key in body if key.lower() == lowered), None)


def value_of(body: Any, name: str) -> Any:
    """body[name], matching the key case-insensitively; None when absent or body is no object."""
    if not isinstance(body, dict):
        return None
    key = find_key(body, name)
    return body[key] if key is not None else None


def same_id(left: Any, right: Any) -> bool:
    """Whether two guids are the same (guids compare ignoring letter case)."""
    return isinstance(left, str) and isinstance(right, str) and left.lower() == right.lower()


def body_of(exchange: Exchange) -> Any:
    """The response body parsed as JSON; None when there is none or it is not JSON."""
    if not exchange.response.content:
        return None
    try:
        return exchange.json()
    except ValueError:
        return None


def canonical(body: dict[str, Any]) -> dict[str, Any]:
    """body with its documented members under the page's spelling (a tenant may answer `Id` or
    `LastName`); other members as answered."""
    spelled = {name.lower(): name for name in MEMBERS}
    return {spelled.get(key.lower(), key): value for key, value in body.items()}


def replacement(contact: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A PUT body replacing contact with changes: the documented members it was answered with
    (no embedded company, no modified_dateutc, no nil guid), then the changes; a change to
    None leaves the member out."""
    body: dict[str, Any] = {}
    for name in MEMBERS:
        if name in NOT_SENT_BACK:
            continue
        value = value_of(contact, name)
        if value is None or value == NIL_GUID:
            continue
        body[name] = value
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def judge_contact(verdict: Verdict, exchange: Exchange, contact_id: str) -> dict[str, Any]:
    """The contact a 200 answered: a JSON object whose id is contact_id (any letter case)."""
    body = verdict.json_body(exchange)
    verdict.true(isinstance(body, dict), "a contact object", kind_of(body), exchange)
    answered = value_of(body, "id")
    verdict.true(
        same_id(answered, contact_id),
        f"id = {contact_id} (in any letter case)",
        f"id = {answered!r}",
        exchange,
    )
    return dict(body)


def read_back(api: Any, verdict: Verdict, contact_id: str) -> dict[str, Any]:
    """GET Contact({id}): 200 with that contact."""
    read = api.get(contact_path(contact_id))
    verdict.status(read, 200)
    return judge_contact(verdict, read, contact_id)


def _annotation(key: str) -> bool:
    """An OData annotation: `@odata.context`, `odata.etag`, `Contact@odata.navigationLink`."""
    return key.startswith("@") or key.lower().startswith("odata.") or "@" in key


def minimal_answer(body: Any, contact_id: str | None) -> bool:
    """Whether a `Prefer: return=minimal` answer's body is what the vendor's guide allows: none,
    or only the id (an object with the id alone, or the id itself). OData annotations
    (`@odata.context`, `odata.etag`, …) describe the answer and are not members of the contact."""
    if body is None:
        return True
    if isinstance(body, str):
        return contact_id is None or same_id(body, contact_id)
    if isinstance(body, dict):
        keys = {key.lower() for key in body if not _annotation(key)}
        if keys - {"id"}:
            return False
        return contact_id is None or not keys or same_id(value_of(body, "id"), contact_id)
    return False


def minimal_exchange(exchange: Exchange, contact_id: str | None) -> bool:
    """Whether a `Prefer: return=minimal` answer is one the vendor's guide allows: no body, a
    JSON body with only the id (see minimal_answer), or the bare id as plain text (quoted or
    not); an `OData-EntityId` or `Location` header may carry the id besides."""
    raw = exchange.response.content.strip()
    if not raw:
        return True
    body = body_of(exchange)
    if body is not None:
        return minimal_answer(body, contact_id)
    try:
        text = raw.decode("utf-8").strip().strip('"')
    except UnicodeDecodeError:
        return False
    return _GUID.fullmatch(text) is not None and (contact_id is None or same_id(text, contact_id))


_GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def relative_link(link: str, request_url: str) -> str:
    """An `@odata.nextLink` (absolute, or relative to the URL of the request that answered it)
    as a path below the base URL: its last path segment (the collection) and its query. A
    tenant behind a proxy may render its own host name there."""
    parts = urlsplit(urljoin(request_url, link))
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{last}?{parts.query}" if parts.query else last


def kind_of(value: Any) -> str:
    """What a body is, without its content (a contact may carry e_password): `null`, `a list
    of 3`, `an object with keys id, lastname`, `a string of 36 characters`."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(key) for key in value)[:12])
        return f"an object with keys {keys}" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return type(value).__name__
