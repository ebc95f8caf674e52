"""SuperOffice Contact WebAPI over HTTP: SaveContactEntity, GET/PATCH/DELETE Contact/{id}, and
the API and version roots (choices where the docs are silent: see service)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring_ascii

from webapi_contract import __version__
from webapi_contract.mock import faults
from webapi_contract.mock.app import INLINE_BODY, Call, Reply, Route, write
from webapi_contract.mock.clock import MICROS, http_date, http_date_seconds
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import (
    MERGE_PATCH,
    REQUEST_JSON_TYPES,
    media_type,
    prefers_json,
)
from webapi_contract.mock.storage import Row
from webapi_contract.mock.superoffice.select import Selection, apply_select, parse_select
from webapi_contract.mock.superoffice.service import (
    CREATED,
    ENTITY,
    ID,
    LINKS,
    LOCAL_READ_OFFSET,
    SAVE_TYPES,
    SELECT_KEEP,
    UPDATED,
    ContactService,
    not_found,
    parse_id,
)
from webapi_contract.mock.superoffice.timezone import ZONE_HOURS, in_zone, parse_zone

__all__ = ["api_root_routes", "contact_routes"]


def contact_routes(service: ContactService, prefix: str) -> list[Route]:
    """The routes of the Contact API over service."""
    base = "/" + prefix.strip("/") if prefix.strip("/") else ""
    links_shape = service.contract.links_shape

    def with_links(call: Call, row: Row, selection: Selection | None) -> Reply:
        archive = f"{call.origin}{base}/Contact"
        links = {"Self": f"{archive}/{row.id}", "Archive": archive}
        headers = {"Last-Modified": http_date(row.updated // MICROS)}
        zone = parse_zone(call.header("so-timezone"))
        if selection is None and zone is None and faults.current() is None:
            # json.dumps(links), without building an encoder for two strings
            self_url, archive_url = (encode_basestring_ascii(url) for url in links.values())
            text = f'{row.body[:-1]}, "{LINKS}": {{"Self": {self_url}, "Archive": {archive_url}}}}}'
            return Reply(json_text=text, shape=links_shape, root=ENTITY, headers=headers)
        entity = {**json.loads(row.body), LINKS: links}
        if faults.active("interests-omitted"):
            entity.pop("Interests", None)
        if zone is not None:
            entity = in_zone(entity, links_shape, zone)
        if selection is not None:
            entity = apply_select(entity, selection, SELECT_KEEP)
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
        entity = await write(call.body_size <= INLINE_BODY, service.save, body)
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
        if faults.active("so-language-500") and call.header("so-language"):
            raise ApiError(500, "InternalServerError", "no translation for SO-Language")
        selection = parse_select(call.query("$select"))
        if faults.active("select-ignored-on-get"):
            selection = None
        return with_links(call, row, selection)

    async def patch(call: Call) -> Reply:
        entity_id = parse_id(call.params["id"])
        if faults.active("patch-missing-200-null") and service.store.read(entity_id) is None:
            return Reply(json_text="null")
        accepted = REQUEST_JSON_TYPES
        if faults.active("merge-patch-415"):
            accepted = REQUEST_JSON_TYPES - {MERGE_PATCH}
        body = await call.json(accepted)
        kind = media_type(call.header("content-type"))
        unmodified, quick = _unmodified_since(call), call.body_size <= INLINE_BODY
        row = await write(quick, service.patch, entity_id, body, kind, unmodified)
        selection = parse_select(call.query("$select"))
        if faults.active("select-ignored-on-patch"):
            selection = None
        reply = with_links(call, row, selection)
        if faults.active("patch-answer-without-links") and isinstance(reply.entity, dict):
            reply.entity.pop(LINKS, None)
        return reply

    async def delete(call: Call) -> Reply:
        entity_id, unmodified = parse_id(call.params["id"]), _unmodified_since(call)
        await write(True, service.delete, entity_id, unmodified)
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
        seconds += LOCAL_READ_OFFSET  # 07:28 "GMT" taken as 07:28 at UTC-05:00
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
