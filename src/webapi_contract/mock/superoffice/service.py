"""SuperOffice Contact WebAPI: the contacts, kept in a Store (see routes for the HTTP side).

Choices where the docs are silent:
- Ids that are not a positive int32 (`abc`, `0`, `-1`, `99999999999`) answer 404, as an ASP.NET
  `{id:int}` route would, never 5xx.
- SaveContactEntity with a non-zero ContactId that does not exist answers 404 with the common
  error body (rather than silently creating a contact under an id the client chose).
- A save replaces the whole entity: properties absent from the body take their defaults.
- ContactId, CreatedDate and UpdatedDate are the server's: values sent for them are ignored.
- `If-Unmodified-Since`/`If-Modified-Since` compare at whole seconds; UpdatedDate keeps
  microseconds and moves forward by at least 1 µs on every write.
- `$select` keeps ContactId and `_Links`; unknown names are ignored; inside an array the
  selection applies to each item.
- SaveContactEntity takes every request type its docs list: JSON (application/json, text/json,
  json-patch+json, merge-patch+json), XML (application/xml, text/xml, the convention of xmlout)
  and form fields (see bodies); PATCH bodies are JSON only (its docs list no type), others 415.
  Any charset parameter is accepted. Responses are XML for `Accept: application/xml`
  or `text/xml` (see xmlout), JSON otherwise (no 406); errors are always JSON.
- A JSON Patch `remove` of a top-level property leaves it present as its default (null, [] or {}).
- `SO-TimeZone` (see timezone): the documented zone codes at their standard offset, no daylight
  saving time; every date-time but CreatedDate and UpdatedDate is answered as the zone's wall
  time, with its offset under `includeTZOffset`, without one otherwise; an unknown code changes
  nothing.
- The API root (the prefix's parent, `GET /api`) and the version root (the prefix, `GET /api/v1`)
  answer without credentials: they tell versions, not data, and `serve` is health-checked on
  them. `/api` answers JSON when Accept ranks application/json or text/json above HTML, else an
  HTML page of the same block; NetServerVersion is the package version, NetServerDate the day
  the mock started. `/api/v1` answers `{"Version", "Urls": [{"Url", "Methods"}]}`, one entry
  per route below it, `{name}` for a path parameter.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

from webapi_contract.mock import faults
from webapi_contract.mock.app import INLINE_BODY
from webapi_contract.mock.clock import MICROS, iso_utc, next_instant
from webapi_contract.mock.contract import EntityContract
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import (
    FORM,
    JSON_PATCH,
    MERGE_PATCH,
    REQUEST_JSON_TYPES,
    XML_TYPES,
)
from webapi_contract.mock.storage import Row, Store, WouldBlock
from webapi_contract.mock.superoffice.patching import apply_patch, merge_patch_ops, parse_json_patch

__all__ = ["ENTITY", "ContactService", "not_found", "parse_id"]

ENTITY = "ContactEntity"
WITH_LINKS = "ContactEntityWithLinks"
ID, CREATED, UPDATED, LINKS = "ContactId", "CreatedDate", "UpdatedDate", "_Links"
MANAGED = frozenset({ID, CREATED, UPDATED})
SELECT_KEEP = frozenset({ID.lower(), LINKS.lower()})
_INT32_MAX = 2**31 - 1
# What SaveContactEntity's docs list as request Content-Types.
SAVE_TYPES = REQUEST_JSON_TYPES | {FORM, *XML_TYPES}
# Used by faults only: the zone of a server that stamps local time, and of one that reads HTTP
# dates as its own local time.
_LOCAL_STAMP_OFFSET = 2 * 3600 * MICROS
LOCAL_READ_OFFSET = 5 * 3600
_KEPT = 256
# json.dumps with one encoder built once; no check for cycles, which parsed JSON cannot have.
_encode = json.JSONEncoder(check_circular=False).encode
_encode_key = encode_basestring_ascii  # a str as _encode writes it (ensure_ascii)


def _text(
    entity: dict[str, Any], members: dict[str, str] | None, changed: set[str], split: bool
) -> tuple[str, dict[str, str] | None]:
    """_encode(entity) (the same text), and the text of each member (`"Name": value`) it is
    joined from, when known. `members`: those texts of the entity as it was last encoded
    (None: unknown), of which the ones in `changed` are re-encoded and the others taken as they
    are: a patch changes the members it touched and the stamps, and a 2 KB entity costs some
    20 µs to encode whole, its few changed members a tenth of that. Without them (or when the
    entity's members are not those of last time), encoded whole: member by member when `split`
    (the entity was patched before, so likely will be again), else in one go (twice cheaper)."""
    if members is not None and members.keys() == entity.keys() and changed <= entity.keys():
        for key in changed:
            members[key] = f"{_encode_key(key)}: {_encode_value(entity[key])}"
    elif split:
        members = {key: f"{_encode_key(key)}: {_encode_value(v)}" for key, v in entity.items()}
    else:
        return _encode(entity), None
    return "{" + ", ".join([members[key] for key in entity]) + "}", members


def _encode_value(value: Any) -> str:
    """_encode(value), a str or an int (the stamps, most patched members) without the encoder
    JSONEncoder.encode builds for each call on anything but a str."""
    kind = type(value)
    if kind is str:
        return _encode_key(value)
    if kind is int:  # not bool, a subclass: true and false
        return int.__repr__(value)
    return _encode(value)


def not_found(raw: object) -> ApiError:
    """The documented 404 of a missing contact."""
    return ApiError(404, "SoNotFoundException", f"Contact id {raw} not found")


def parse_id(raw: str) -> int:
    """A contact id from the path; 404 unless it is a positive int32."""
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= _INT32_MAX:
        return int(raw)
    raise not_found(raw)


class ContactService:
    """Contacts kept in a Store, shaped and validated by the derived ContactEntity schema.

    save, patch and delete are one write transaction of the Store each; they take turns. With
    `wait=False` they raise WouldBlock rather than wait for their turn or patch a big entity
    (see _write: the event loop calls them so, worker threads otherwise).
    """

    def __init__(self, store: Store, contract: EntityContract | None = None) -> None:
        self.store = store
        self.contract = contract or EntityContract(ENTITY, with_links=WITH_LINKS)
        # Entities as last written by patch, by id, with their text and the texts of its
        # members (see _parsed, _text); used and changed only inside a write transaction, so
        # writes never share one.
        self._kept: dict[int, tuple[Row, dict[str, Any], dict[str, str] | None]] = {}

    def save(self, body: Any, wait: bool = True) -> dict[str, Any]:
        """Create (ContactId 0 or absent) or replace a contact; the stored entity."""
        if not isinstance(body, dict):
            raise ApiError.bad_request("the ContactEntity must be a JSON object")
        body = {k: v for k, v in body.items() if k.lower() != LINKS.lower()}
        body = self.contract.canonical(body)
        wanted = body.get(ID)
        if ID not in body and faults.active("save-without-id-refused"):
            raise ApiError.bad_request(f"{ID} is required", "ValidationError")
        if wanted is not None and (type(wanted) is not int or not 0 <= wanted <= _INT32_MAX):
            raise ApiError.bad_request(f"{ID} must be an int32 of 0 or more", "ValidationError")
        entity = {**self.contract.defaults(), **body}
        with self.store.transaction(wait) as tx:
            if wanted and not faults.active("save-update-creates-new"):
                row = tx.get(wanted)
                if row is None:
                    raise not_found(wanted)
                entity_id, created, updated = wanted, row.created, next_instant(row.updated)
            else:
                created = updated = next_instant()
                entity_id = tx.reserve(created)
            self._stamp(entity, entity_id, created, updated)
            self.contract.validate(entity)
            tx.put(Row(entity_id, json.dumps(entity), created, updated))
        return entity

    def patch(
        self, entity_id: int, body: Any, kind: str, unmodified: int | None, wait: bool = True
    ) -> Row:
        """Apply a JSON Patch (array) or merge patch (object) all or nothing; the new row."""
        if kind == JSON_PATCH and not isinstance(body, list):
            raise ApiError.bad_request(f"{JSON_PATCH} needs an array of operations")
        if kind == MERGE_PATCH and not isinstance(body, dict):
            raise ApiError.bad_request(f"{MERGE_PATCH} needs an object")
        ops = parse_json_patch(body) if isinstance(body, list) else None
        if faults.current() is None:
            done = self._patch_kept(entity_id, body, ops, unmodified, wait)
            if done is not None:
                return done
        shape = self.contract.shape
        failure: ApiError | None = None
        with self.store.transaction(wait) as tx:
            row = self._current(tx.get(entity_id), entity_id, unmodified)
            if not wait and len(row.body) > INLINE_BODY:
                raise WouldBlock(f"contact {entity_id} is big")
            entity, members, kept = self._parsed(entity_id, row.body)
            if ops is None:
                ops = merge_patch_ops(entity, body, shape)
            created_text = entity.get(CREATED)
            try:
                touched = apply_patch(entity, ops, shape)
            except ApiError as exc:
                if not faults.active("patch-not-atomic"):
                    raise
                failure, touched = exc, set()  # keeps what the operations before it did
            self.contract.complete(entity)
            updated = next_instant(row.updated)
            if faults.active("updateddate-not-bumped"):
                updated = row.updated
            self._stamp(entity, entity_id, row.created, updated, created_text)
            try:
                self.contract.validate(entity, touched - MANAGED)
            except ApiError as exc:
                if faults.active("wrong-type-500"):
                    raise TypeError(f"unhandled conversion error: {exc.message}") from exc
                raise
            if faults.current() is not None:
                # e.g. patch-not-atomic changes members it does not report: encoded whole
                members, kept = None, False
            text, members = _text(entity, members, touched | MANAGED, split=kept)
            new = Row(entity_id, text, row.created, updated)
            if not faults.active("patch-not-persisted"):
                tx.update(new)
            self._keep_parsed(new, entity, members)
        if failure is not None:
            raise failure
        return new

    def _patch_kept(
        self,
        entity_id: int,
        body: Any,
        ops: list[dict[str, Any]] | None,
        unmodified: int | None,
        wait: bool,
    ) -> Row | None:
        """patch() of a contact this service last wrote (kept, see _keep_parsed) when its row
        is still that one, without reading it back: the entity kept is patched, and the row
        rewritten by one UPDATE (its own transaction, committed before this returns) on the
        condition that it still holds the text and UpdatedDate written last (every write
        moves UpdatedDate on; another process may have written, this one's other writes take
        the same lock). None, having changed nothing, when that cannot answer: nothing kept,
        the row changed since, a precondition or the patch failing (patch() then does it all
        again from the stored row, so the answer is the one the stored row gives). No fault
        is on here (they all take the long way)."""
        kept = self._kept.get(entity_id)
        if kept is None:
            return None
        row, entity, members = kept
        if unmodified is not None and row.updated // MICROS > unmodified:
            return None
        if not wait and len(row.body) > INLINE_BODY:
            return None
        with self.store.locked(wait) as single:
            if self._kept.get(entity_id) is not kept:
                return None  # another write of this process came first
            del self._kept[entity_id]  # changed in place from here on
            shape = self.contract.shape
            try:
                if ops is None:
                    ops = merge_patch_ops(entity, body, shape)
                created_text = entity.get(CREATED)
                touched = apply_patch(entity, ops, shape)
                self.contract.complete(entity)
                updated = next_instant(row.updated)
                self._stamp(entity, entity_id, row.created, updated, created_text)
                self.contract.validate(entity, touched - MANAGED)
            except ApiError:
                return None
            text, members = _text(entity, members, touched | MANAGED, split=True)
            new = Row(entity_id, text, row.created, updated)
            if not single.update_if(new, row):
                return None
            self._keep_parsed(new, entity, members)
        return new

    def _parsed(
        self, entity_id: int, body: str
    ) -> tuple[dict[str, Any], dict[str, str] | None, bool]:
        """json.loads(body): the entity _keep_parsed kept when it was written as that very text
        (the stored text is still what the last patch wrote), with the texts of its members
        (see _text) and True, else parsed now (None and False). Taken out of the cache: the
        caller changes it in place, and a patch that fails must not leave a half-changed
        entity there."""
        kept = self._kept.pop(entity_id, None)
        if kept is not None and kept[0].body == body:
            return kept[1], kept[2], True
        parsed: dict[str, Any] = json.loads(body)
        return parsed, None, False

    def _keep_parsed(
        self, row: Row, entity: dict[str, Any], members: dict[str, str] | None
    ) -> None:
        """Keep the entity written as row (nothing else holds it), and its members' texts,
        for the next patch of it, which then need not read the row, parse its text nor encode
        the members it leaves alone; the last _KEPT contacts patched."""
        if len(self._kept) >= _KEPT:
            del self._kept[next(iter(self._kept))]  # the one patched longest ago
        self._kept[int(row.id)] = (row, entity, members)

    def delete(self, entity_id: int, unmodified: int | None, wait: bool = True) -> None:
        """Delete a contact (404 when missing, 412 when changed since `unmodified`)."""
        with self.store.transaction(wait) as tx:
            self._current(tx.get(entity_id), entity_id, unmodified)
            tx.delete(entity_id)

    def _current(self, row: Row | None, entity_id: int, unmodified: int | None) -> Row:
        if row is None:
            raise not_found(entity_id)
        if unmodified is not None and row.updated // MICROS > unmodified:
            raise ApiError(
                412,
                "PreconditionFailed",
                f"Contact id {entity_id} was modified at {iso_utc(row.updated)}, "
                "after If-Unmodified-Since",
            )
        return row

    @staticmethod
    def _stamp(
        entity: dict[str, Any], entity_id: int, created: int, updated: int, text: str | None = None
    ) -> None:
        if faults.active("dates-local-time"):
            created, updated = created + _LOCAL_STAMP_OFFSET, updated + _LOCAL_STAMP_OFFSET
        entity[ID] = entity_id
        entity[CREATED] = text or iso_utc(created)
        entity[UPDATED] = iso_utc(updated)
