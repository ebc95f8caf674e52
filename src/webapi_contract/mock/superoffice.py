"""SuperOffice Contact WebAPI: SaveContactEntity and GET/PATCH/DELETE Contact/{id}.

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

import html
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from webapi_contract import __version__
from webapi_contract.mock import faults
from webapi_contract.mock.app import INLINE_BODY, Call, Reply, Route
from webapi_contract.mock.clock import MICROS, http_date_seconds, iso_utc, next_instant
from webapi_contract.mock.contract import EntityContract
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import (
    FORM,
    JSON_PATCH,
    MERGE_PATCH,
    REQUEST_JSON_TYPES,
    XML_TYPES,
    media_type,
    prefers_json,
)
from webapi_contract.mock.patching import apply_patch, merge_patch_ops, parse_json_patch
from webapi_contract.mock.select import Selection, apply_select, parse_select
from webapi_contract.mock.storage import Row, Store, WouldBlock
from webapi_contract.mock.timezone import ZONE_HOURS, in_zone, parse_zone

__all__ = ["ContactService", "api_root_routes", "contact_routes"]

ENTITY = "ContactEntity"
WITH_LINKS = "ContactEntityWithLinks"
ID, CREATED, UPDATED, LINKS = "ContactId", "CreatedDate", "UpdatedDate", "_Links"
MANAGED = frozenset({ID, CREATED, UPDATED})
_SELECT_KEEP = frozenset({ID.lower(), LINKS.lower()})
_INT32_MAX = 2**31 - 1
# What SaveContactEntity's docs list as request Content-Types.
SAVE_TYPES = REQUEST_JSON_TYPES | {FORM, *XML_TYPES}
# Used by faults only: the zone of a server that stamps local time, and of one that reads HTTP
# dates as its own local time.
_LOCAL_STAMP_OFFSET = 2 * 3600 * MICROS
_LOCAL_READ_OFFSET = 5 * 3600


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
        shape = self.contract.shape
        failure: ApiError | None = None
        with self.store.transaction(wait) as tx:
            row = self._current(tx.get(entity_id), entity_id, unmodified)
            if not wait and len(row.body) > INLINE_BODY:
                raise WouldBlock(f"contact {entity_id} is big")
            entity = json.loads(row.body)
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
            new = Row(entity_id, json.dumps(entity), row.created, updated)
            if not faults.active("patch-not-persisted"):
                tx.update(new)
        if failure is not None:
            raise failure
        return new

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


_T = TypeVar("_T")


async def _write(quick: bool, func: Callable[..., _T], *args: Any) -> _T:
    """func(*args): right here, not waiting, when the request is quick (a small body) and the
    store is free, since most writes take about a millisecond and a hop to a worker thread would
    make that half as much again; else (and when func finds it would have to wait, or to patch a
    big entity) in a worker thread, so no write holds up the event loop, and its other clients,
    for long."""
    if quick:
        try:
            return func(*args, wait=False)
        except WouldBlock:
            pass
    return await run_in_threadpool(func, *args)


def contact_routes(service: ContactService, prefix: str) -> list[Route]:
    """The routes of the Contact API over service."""
    base = "/" + prefix.strip("/") if prefix.strip("/") else ""
    links_shape = service.contract.links_shape

    def with_links(call: Call, row: Row, selection: Selection | None) -> Reply:
        archive = f"{call.origin}{base}/Contact"
        links = {"Self": f"{archive}/{row.id}", "Archive": archive}
        headers = {"Last-Modified": formatdate(row.updated // MICROS, usegmt=True)}
        zone = parse_zone(call.header("so-timezone"))
        if selection is None and zone is None and faults.current() is None:
            text = f'{row.body[:-1]}, "{LINKS}": {json.dumps(links)}}}'
            return Reply(json_text=text, shape=links_shape, root=ENTITY, headers=headers)
        entity = {**json.loads(row.body), LINKS: links}
        if faults.active("interests-omitted"):
            entity.pop("Interests", None)
        if zone is not None:
            entity = in_zone(entity, links_shape, zone)
        if selection is not None:
            entity = apply_select(entity, selection, _SELECT_KEEP)
        if faults.active("contactid-as-string"):
            entity[ID] = str(entity[ID])
        if faults.active("booleans-as-numbers"):
            entity.update({key: int(bool(entity.get(key))) for key in ("NoMailing", "Xstop")})
        zone_code = call.header("so-timezone")
        if zone_code and faults.active("timezone-header-shifts-dates"):
            hours = ZONE_HOURS.get(zone_code.split(",")[0].strip().upper(), 1)
            for key in (CREATED, UPDATED):
                entity[key] = _wall_time(entity[key], hours) if entity.get(key) else entity[key]
        return Reply(entity=entity, shape=links_shape, root=ENTITY, headers=headers)

    async def save(call: Call) -> Reply:
        accepted = SAVE_TYPES
        if faults.active("save-xml-form-415"):
            accepted = REQUEST_JSON_TYPES
        if faults.active("save-text-json-415"):
            accepted = accepted - {"text/json"}
        body = await call.entity(accepted, service.contract.shape, ENTITY)
        entity = await _write(call.body_size <= INLINE_BODY, service.save, body)
        if faults.active("save-create-echoes-zero-id") and not body.get(ID):
            entity = {**entity, ID: 0}
        if faults.active("save-answer-omits-nulls"):
            entity = {key: value for key, value in entity.items() if value is not None}
        zone = parse_zone(call.header("so-timezone"))
        if zone is not None:
            entity = in_zone(entity, service.contract.shape, zone)
        return Reply(entity=entity, shape=service.contract.shape, root=ENTITY)

    async def get(call: Call) -> Reply:
        entity_id = parse_id(call.params["id"])
        row = service.store.read(entity_id)
        if row is None:
            if faults.active("missing-contact-200-null"):
                return Reply(json_text="null")
            raise not_found(entity_id)
        since = _modified_since(call.header("if-modified-since"))
        if faults.active("if-modified-since-ignored"):
            since = None
        if since is not None and row.updated // MICROS <= since:
            return Reply(status=304)
        return with_links(call, row, parse_select(call.query("$select")))

    async def patch(call: Call) -> Reply:
        entity_id = parse_id(call.params["id"])
        accepted = REQUEST_JSON_TYPES
        if faults.active("merge-patch-415"):
            accepted = REQUEST_JSON_TYPES - {MERGE_PATCH}
        body = await call.json(accepted)
        kind = media_type(call.header("content-type"))
        unmodified, quick = _unmodified_since(call), call.body_size <= INLINE_BODY
        row = await _write(quick, service.patch, entity_id, body, kind, unmodified)
        selection = parse_select(call.query("$select"))
        if faults.active("select-ignored-on-patch"):
            selection = None
        reply = with_links(call, row, selection)
        if faults.active("patch-answer-without-links") and isinstance(reply.entity, dict):
            reply.entity.pop(LINKS, None)
        return reply

    async def delete(call: Call) -> Reply:
        entity_id, unmodified = parse_id(call.params["id"]), _unmodified_since(call)
        await _write(True, service.delete, entity_id, unmodified)
        return Reply(status=204)

    return [
        Route("Agents/Contact/SaveContactEntity", {"POST": save}),
        Route("Contact/(?P<id>[^/]+)", {"GET": get, "PATCH": patch, "DELETE": delete}),
    ]


_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def api_root_routes(prefix: str, routes: Sequence[Route]) -> list[Route]:
    """GET of the version root (the prefix: the URLs of routes and their methods) and of the API
    root (its parent: the versions and the NetServer version); none without a prefix."""
    segments = [s for s in prefix.split("/") if s]
    if not segments:
        return []
    version = segments[-1]
    version_path = "/" + "/".join(segments)
    listed = [(_PARAMETER.sub(r"{\1}", route.template), sorted(route.methods)) for route in routes]
    started = datetime.now(UTC).date().isoformat()

    async def versions(call: Call) -> Reply:
        block = {
            version: f"{call.origin}{version_path}",
            "Version": version,
            "NetServerVersion": __version__,
            "NetServerDate": started,
            "NetServer": f"webapi-contract reference mock {__version__} (SuperOffice WebAPI)",
        }
        if prefers_json(call.header("accept")):
            return Reply(entity=block)
        return Reply(content=_html_page(block), media_type="text/html; charset=utf-8")

    async def urls(call: Call) -> Reply:
        base = f"{call.origin}{version_path}"
        entries = [{"Url": f"{base}/{path}", "Methods": methods} for path, methods in listed]
        return Reply(entity={"Version": version, "Urls": entries}, root="ApiVersion")

    return [
        Route(re.escape("/".join(segments)), {"GET": urls}),
        Route(re.escape("/".join(segments[:-1])), {"GET": versions}),
    ]


def _html_page(block: dict[str, str]) -> bytes:
    """The API root as a browser sees it: the same block, as a definition list."""
    title = "SuperOffice WebAPI (webapi-contract reference mock)"
    rows = "".join(
        f"<dt>{html.escape(key)}</dt><dd>{html.escape(value)}</dd>" for key, value in block.items()
    )
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><dl>{rows}</dl></body></html>"
    )
    return page.encode()


def _unmodified_since(call: Call) -> int | None:
    value = call.header("if-unmodified-since")
    if value is None or faults.active("412-ignored"):
        return None
    seconds = http_date_seconds(value, "If-Unmodified-Since")
    if faults.active("if-unmodified-since-local-time"):
        seconds += _LOCAL_READ_OFFSET  # 07:28 "GMT" taken as 07:28 at UTC-05:00
    return seconds


def _wall_time(text: str, hours: int) -> str:
    """An instant moved to a zone's wall-clock time but still marked UTC (a fault's rendering)."""
    moment = datetime.fromisoformat(text) + timedelta(hours=hours)
    return f"{moment:%Y-%m-%dT%H:%M:%S.%f}Z"


def _modified_since(value: str | None) -> int | None:
    # RFC 9110 §13.1.3: an invalid If-Modified-Since is ignored, not an error.
    if value is None:
        return None
    try:
        return http_date_seconds(value, "If-Modified-Since")
    except ApiError:
        return None
