"""Odyssee Mobile's Contact API: contacts and the companies they embed, kept in a Store.

Shaped and validated by the derived schemas in schemas/odyssee (OdysseeContact for PUT,
OdysseeContactCreate for POST, OdysseeCompany). Choices where the docs are silent:
- Member names match case-insensitively (as Json.NET binds them); members the schema does not
  know are ignored, not refused. A null counts as left out.
- Every validation failure of a body (a schema's required, maxLength, type, format, the
  one-of-required company rule; a company_code or company_id naming no company; an embedded
  company without a code) answers 422; a body that is no JSON (or XML) object answers 400.
- No nulls are stored: a field left out holds its default: "" for text, false, 0, the nil guid
  for a guid, `1980-01-01T00:00:00.000Z` for a date; but create_date is the creation instant
  when a new contact leaves it out, and a replaced contact keeps its own.
- Dates are answered as `YYYY-MM-DDThh:mm:ss.fffZ` (UTC, the year in four digits); a date sent
  with an offset, without one (taken as UTC), or as a bare day is stored so. A date whose UTC
  instant falls outside the years 0001-9999 (0001-01-01 with an offset east of UTC, 9999-12-31
  west of it) is clamped to the nearest instant a .NET DateTime holds, as Json.NET reads it.
  modified_dateutc is the server's: a value sent is ignored, and every write moves it forward by
  at least a millisecond.
- Keys are guids, stored and answered in lower case and matched ignoring case. POST may supply
  the id (409 when a contact has it already); else the server makes one.
- A contact names its company by company_id, company_code or an embedded `company`; all given
  must name the same company. An embedded company is added, or updated (its members given
  merged into it), by its `code`. A contact stores the company's id and code; answers embed the
  company as it is now.
- Listing is in creation order; `$filter` takes `<member> eq '<text>'` on the contact's text
  members, matched exactly.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.clock import MICROS
from webapi_contract.mock.contract import EntityContract
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.shape import Shape
from webapi_contract.mock.storage import Row, Store, Transaction

__all__ = [
    "COMPANIES",
    "CONTACTS",
    "DEFAULT_DATE",
    "NIL_GUID",
    "PAGE_SIZE",
    "ContactService",
    "is_guid",
    "parse_key",
    "render_date",
]

VENDOR = "odyssee"
CONTACT, CREATE = "OdysseeContact", "OdysseeContactCreate"
CONTACTS, COMPANIES = "contact", "company"  # the Store's tables
PAGE_SIZE = 20
NIL_GUID = "00000000-0000-0000-0000-000000000000"
DEFAULT_DATE = "1980-01-01T00:00:00.000Z"
ID, MODIFIED, CREATED, COMPANY = "id", "modified_dateutc", "create_date", "company"
COMPANY_ID, COMPANY_CODE = "company_id", "company_code"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_QUOTED_KEY = re.compile(r"(?:guid)?'(.*)'", re.IGNORECASE | re.DOTALL)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_FORMATS = frozenset({"date-time", "date"})
_SHOWN = 60  # characters of a refused key shown in the error


def is_guid(value: object) -> bool:
    """Whether value is a guid in its 8-4-4-4-12 hex spelling."""
    return isinstance(value, str) and _GUID.fullmatch(value) is not None


def parse_key(raw: str) -> str:
    """The contact key of `Contact(<raw>)`: a guid, bare, quoted or `guid'…'`; lower case.
    ApiError(400) for anything else."""
    quoted = _QUOTED_KEY.fullmatch(raw)
    text = quoted.group(1) if quoted else raw
    if is_guid(text):
        return text if faults.active("guid-keys-case-sensitive") else text.lower()
    shown = raw if len(raw) <= _SHOWN else f"{raw[:_SHOWN]}…"
    if faults.active("malformed-guid-500"):
        raise ValueError(f"unhandled conversion of {shown!r} to a Guid")
    raise ApiError.bad_request(f"the key {shown!r} is not a guid (Contact(<guid>))", "BadKey")


def next_millis(previous: int = 0) -> int:
    """Now in microseconds, on a whole millisecond, at least 1 ms after previous (so the
    dates, written to the millisecond, move forward on every write)."""
    now = time.time_ns() // 1_000_000
    return max(now, previous // 1000 + 1) * 1000


def _spelled(utc: datetime) -> str:
    """A UTC instant as the vendor writes dates, the year in four digits whatever the platform's
    strftime does with years below 1000."""
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def render_date(micros: int) -> str:
    """An instant as the vendor writes dates: 2026-04-24T10:59:50.655Z."""
    seconds, fraction = divmod(micros, MICROS)
    return _spelled(datetime.fromtimestamp(seconds, UTC).replace(microsecond=fraction))


def _utc(moment: datetime) -> datetime:
    """moment in UTC; clamped to the years 0001-9999 when its offset carries it beyond them."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        east = (moment.utcoffset() or timedelta(0)) > timedelta(0)
        return datetime.min.replace(tzinfo=UTC) if east else datetime.max.replace(tzinfo=UTC)


def _normal_date(value: Any) -> Any:
    """A date sent as text, in the vendor's spelling; anything unreadable as it was (for the
    schema to refuse)."""
    if not isinstance(value, str) or not _DAY.match(value):
        return value
    try:
        moment = datetime.fromisoformat(value.upper())  # RFC 3339 admits `t` and `z`
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _spelled(_utc(moment))


def _offset_date(text: str) -> str:
    """A date in .NET's round-trip spelling (seven fraction digits, +00:00); a fault's."""
    if not isinstance(text, str) or not text.endswith("Z"):
        return text
    return f"{text[:-1]}0000+00:00"


def _default(shape: Shape) -> Any:
    """The value of a member nobody set: no nulls."""
    if shape.kind == "array":
        return []
    if shape.kind in ("map", "carrier"):
        return {}
    if shape.name == "boolean":
        return False
    if shape.name in ("int", "double", "integer", "number"):
        return 0
    if shape.string_format == "uuid":
        return NIL_GUID
    if shape.string_format in _DATE_FORMATS:
        return DEFAULT_DATE
    return ""


def _known(body: dict[str, Any], shape: Shape) -> dict[str, Any]:
    """body's non-null members the shape knows, spelled as it does, dates in the vendor's
    spelling and guids in lower case."""
    known: dict[str, Any] = {}
    for raw, value in body.items():
        key = shape.key(raw)
        if key is None or value is None:
            continue
        member = shape.props[key]
        if member.string_format in _DATE_FORMATS:
            value = _normal_date(value)
        elif member.string_format == "uuid" and is_guid(value):
            value = value.lower()
        known[key] = value
    return known


class ContactService:
    """Contacts and companies in a Store of two text-keyed tables; each write is one write
    transaction. With `wait=False` a write raises WouldBlock rather than wait for its turn."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.contract = EntityContract(CONTACT, vendor=VENDOR, invalid_status=422)
        self.create_contract = EntityContract(CREATE, vendor=VENDOR, invalid_status=422)
        self.shape = self.contract.shape
        self.company_shape = self.shape.props[COMPANY]

    # The writes.

    def create(self, body: Any, wait: bool = True) -> dict[str, Any]:
        """Add a contact (its id the body's, or a new guid); the contact as answered."""
        sent = self._checked(body, self.create_contract)
        wanted = sent.get(ID)
        with self.store.transaction(wait) as tx:
            company = self._company(tx, sent)
            if wanted is not None and not faults.active("client-id-ignored"):
                if tx.get(wanted, CONTACTS) is not None:
                    raise ApiError(409, "Conflict", f"a contact with id {wanted} exists already")
                entity_id = str(wanted)
            else:
                entity_id = str(uuid.uuid4())
            now = next_millis()
            entity = self._entity(sent, entity_id, company, render_date(now), now)
            tx.put(Row(entity_id, json.dumps(entity), now, now), CONTACTS)
        return self._answer(entity, company)

    def replace(self, key: str, body: Any, wait: bool = True) -> dict[str, Any]:
        """Replace the contact `key` by body (whose id must be key); the contact as answered."""
        sent = self._checked(body, self.contract)
        if sent.get(ID) != key.lower() and not faults.active("body-id-mismatch-accepted"):
            raise ApiError.bad_request(
                f"the body's id {sent.get(ID)} is not the id of the URI, {key}", "KeyMismatch"
            )
        with self.store.transaction(wait) as tx:
            row = tx.get(key, CONTACTS)
            if row is None:
                raise _not_found(key)
            company = self._company(tx, sent)
            updated = next_millis(row.updated)
            if faults.active("modified-date-frozen"):
                updated = row.updated
            created = json.loads(row.body).get(CREATED) or render_date(row.created)
            entity = self._entity(sent, key, company, created, updated)
            if not faults.active("put-not-persisted"):
                tx.put(Row(key, json.dumps(entity), row.created, updated), CONTACTS)
        return self._answer(entity, company)

    def delete(self, key: str, wait: bool = True) -> None:
        """Delete the contact `key` (404 when there is none)."""
        with self.store.transaction(wait) as tx:
            if not tx.delete(key, CONTACTS):
                raise _not_found(key)

    def add_company(self, company: dict[str, Any], wait: bool = True) -> dict[str, Any]:
        """Add or update a company by its code (as an embedded one is); the stored company."""
        with self.store.transaction(wait) as tx:
            return self._upsert_company(tx, _known(company, self.company_shape))

    # The reads.

    def read(self, key: str) -> dict[str, Any] | None:
        """The contact `key` as answered, or None."""
        row = self.store.read(key, CONTACTS)
        return self._render(row) if row is not None else None

    def page(
        self, skip: int, limit: int | None, where: tuple[str, str] | None
    ) -> list[dict[str, Any]]:
        """Contacts in creation order, `limit` (None: all) after the first `skip`; with `where`
        (member, text) only those whose member is that text."""
        if faults.active("filter-ignored"):
            where = None
        rows = self.store.page(skip, limit, where, CONTACTS)
        return [self._render(row) for row in rows]

    def text_member(self, name: str) -> str | None:
        """The contact's text member called name (any case), or None."""
        key = self.shape.key(name)
        if key is None:
            return None
        member = self.shape.props[key]
        return key if member.kind == "scalar" and member.name == "string" else None

    # The parts.

    def _checked(self, body: Any, contract: EntityContract) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiError.bad_request("the contact must be a JSON object", "MalformedBody")
        sent = _known(body, self.shape)
        if MODIFIED in sent and not faults.active("modified-date-writable"):
            del sent[MODIFIED]
        if isinstance(sent.get(COMPANY), dict):
            sent[COMPANY] = _known(sent[COMPANY], self.company_shape)
        probe = sent
        if "lastname" not in sent and faults.active("lastname-not-required"):
            probe = {**sent, "lastname": ""}
        ignoring: set[str] = set()
        if faults.active("maxlength-not-enforced"):
            ignoring.add("maxLength")
        if faults.active("company-rule-ignored"):
            ignoring.add("anyOf")
        contract.validate(probe, ignoring=frozenset(ignoring))
        return sent

    def _company(self, tx: Transaction, sent: dict[str, Any]) -> dict[str, Any] | None:
        """The company the contact names (added or updated when embedded); None when none.
        ApiError(422) when a reference names no company, or the references disagree."""
        named: list[dict[str, Any]] = []
        if isinstance(sent.get(COMPANY), dict):
            named.append(self._upsert_company(tx, sent[COMPANY]))
        code = sent.get(COMPANY_CODE)
        if code is not None:
            row = _company_by_code(tx, code)
            if row is not None:
                named.append(json.loads(row.body))
            elif not faults.active("unknown-company-code-accepted"):
                raise _invalid(f"company_code {code!r} names no company")
        company_id = sent.get(COMPANY_ID)
        if company_id is not None:
            row = tx.get(company_id, COMPANIES)
            if row is None:
                raise _invalid(f"company_id {company_id} names no company")
            named.append(json.loads(row.body))
        if len({company[ID] for company in named}) > 1:
            raise _invalid("company_id, company_code and company name different companies")
        return named[0] if named else None

    def _upsert_company(self, tx: Transaction, given: dict[str, Any]) -> dict[str, Any]:
        code = given.get("code")
        if not isinstance(code, str) or not code:
            raise _invalid("company.code is required to add or update the embedded company")
        row = _company_by_code(tx, code)
        changes = {key: value for key, value in given.items() if key not in (ID, MODIFIED)}
        if row is not None:
            company_id, created = str(row.id), row.created
            now = next_millis(row.updated)
            company = {**json.loads(row.body), **changes}
        else:
            wanted = given.get(ID)
            free = isinstance(wanted, str) and is_guid(wanted)
            free = free and tx.get(str(wanted), COMPANIES) is None
            company_id = str(wanted) if free else str(uuid.uuid4())
            now = created = next_millis()
            defaults = {key: _default(shape) for key, shape in self.company_shape.props.items()}
            company = {**defaults, CREATED: render_date(now), **changes}
        company[ID], company[MODIFIED] = company_id, render_date(now)
        tx.put(Row(company_id, json.dumps(company), created, now), COMPANIES)
        return company

    def _entity(
        self,
        sent: dict[str, Any],
        entity_id: str,
        company: dict[str, Any] | None,
        created: str,
        modified: int,
    ) -> dict[str, Any]:
        """The contact to store: every member but the embedded company, none null."""
        members = {key: shape for key, shape in self.shape.props.items() if key != COMPANY}
        if faults.active("nulls-stored"):
            entity: dict[str, Any] = dict.fromkeys(members)
        else:
            entity = {key: _default(shape) for key, shape in members.items()}
        entity.update({key: value for key, value in sent.items() if key != COMPANY})
        entity[ID] = entity_id
        if company is not None:
            entity[COMPANY_ID], entity[COMPANY_CODE] = company[ID], company["code"]
        if CREATED not in sent:
            entity[CREATED] = created
        if MODIFIED not in sent:
            entity[MODIFIED] = render_date(modified)
        return entity

    def _render(self, row: Row) -> dict[str, Any]:
        entity: dict[str, Any] = json.loads(row.body)
        company_id = entity.get(COMPANY_ID)
        company = None
        if isinstance(company_id, str) and company_id != NIL_GUID:
            found = self.store.read(company_id, COMPANIES)
            company = json.loads(found.body) if found is not None else None
        return self._answer(entity, company)

    def _answer(self, entity: dict[str, Any], company: dict[str, Any] | None) -> dict[str, Any]:
        """The contact as answered: the embedded company as it is now ({} when none)."""
        answer = {**entity, COMPANY: company if company is not None else {}}
        if faults.active("dates-offset-format"):
            for key, shape in self.shape.props.items():
                if shape.string_format in _DATE_FORMATS:
                    answer[key] = _offset_date(answer[key])
        return answer


def _company_by_code(tx: Transaction, code: Any) -> Row | None:
    if not isinstance(code, str):
        return None
    found = tx.page(0, 1, ("code", code), COMPANIES)
    return found[0] if found else None


def _invalid(message: str) -> ApiError:
    return ApiError(422, "ValidationError", message)


def _not_found(key: str) -> ApiError:
    return ApiError(404, "NotFound", f"no contact has the id {key}")
