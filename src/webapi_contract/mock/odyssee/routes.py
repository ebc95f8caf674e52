"""Odyssee's Contact API over HTTP, below the prefix (`/api`): GET/POST Contact and
GET/PUT/DELETE Contact({key}), OData style.

- Collections answer `{"value": [...]}`, 20 contacts a page, with an absolute
  `@odata.nextLink` while more remain; `$top` and `$skip` page too, `$filter` takes
  `<member> eq '<text>'` (quotes doubled inside). XML collections (`<ArrayOfcontact>`) are not
  paged by the server: only `$top`/`$skip` limit them. A bad `$top`, `$skip` or `$filter` is 400.
- `Prefer: return=minimal`: POST answers 201 with only `{"id": …}`, PUT 204 without a body, each
  with `Preference-Applied`. POST answers a Location.
- Bodies: JSON (application/json, text/json) or XML (application/xml, text/xml, root
  `<contact>`); answers JSON, or XML for `Accept: application/xml` (see xmlout).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote

from webapi_contract.mock import faults
from webapi_contract.mock.app import INLINE_BODY, Call, Reply, Route, write
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import XML_TYPES, response_type
from webapi_contract.mock.odyssee.service import PAGE_SIZE, ContactService, parse_key
from webapi_contract.mock.shape import Shape

__all__ = ["contact_routes"]

ROOT, LIST_ROOT = "contact", "ArrayOfcontact"
BODY_TYPES = frozenset({"application/json", "text/json", *XML_TYPES})
_FILTER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s+eq\s+'((?:[^']|'')*)'\s*", re.IGNORECASE)
_COUNT_MAX = 2**31 - 1


def contact_routes(service: ContactService, prefix: str) -> list[Route]:
    """The routes of the Contact API over service."""
    base = "/" + prefix.strip("/") if prefix.strip("/") else ""
    shape = replace(service.shape, name=ROOT)
    list_shape = Shape(kind="array", name=LIST_ROOT, items=shape)

    def body_types() -> frozenset[str]:
        if faults.active("text-json-refused"):
            return BODY_TYPES - {"text/json"}
        return BODY_TYPES

    async def collection(call: Call) -> Reply:
        top = _count(call.query("$top"), "$top")
        skip = _count(call.query("$skip"), "$skip") or 0
        where = _filter(call.query("$filter"), service)
        if response_type(call.header("accept")) is not None:
            items = service.page(skip, top, where)
            return Reply(
                entity={"value": items}, xml_entity=items, shape=list_shape, root=LIST_ROOT
            )
        size = PAGE_SIZE if top is None else min(top, PAGE_SIZE)
        items = service.page(skip, size + 1, where)
        more, items = len(items) > size, items[:size]
        remaining = None if top is None else top - len(items)
        page: dict[str, object] = {"value": items}
        if more and remaining != 0 and not faults.active("paging-without-nextlink"):
            query = {"$skip": str(skip + len(items))}
            if remaining is not None:
                query["$top"] = str(remaining)
            if where is not None:
                query["$filter"] = call.query("$filter") or ""
            text = "&".join(f"{k}={quote(v, safe=chr(39))}" for k, v in query.items())
            page["@odata.nextLink"] = f"{call.origin}{base}/Contact?{text}"
        return Reply(entity=page)

    async def create(call: Call) -> Reply:
        body = await call.entity(body_types(), shape, ROOT)
        entity = await write(call.body_size <= INLINE_BODY, service.create, body)
        headers = {"Location": f"{call.origin}{base}/Contact({entity['id']})"}
        if _minimal(call):
            headers["Preference-Applied"] = "return=minimal"
            return Reply(status=201, entity={"id": entity["id"]}, root=ROOT, headers=headers)
        return Reply(status=201, entity=entity, shape=shape, root=ROOT, headers=headers)

    async def get(call: Call) -> Reply:
        key = parse_key(call.params["key"])
        entity = service.read(key)
        if entity is None:
            if faults.active("unknown-guid-200"):
                return Reply(json_text="null")
            raise ApiError(404, "NotFound", f"no contact has the id {key}")
        return Reply(entity=entity, shape=shape, root=ROOT)

    async def put(call: Call) -> Reply:
        key = parse_key(call.params["key"])
        body = await call.entity(body_types(), shape, ROOT)
        entity = await write(call.body_size <= INLINE_BODY, service.replace, key, body)
        if _minimal(call):
            return Reply(status=204, headers={"Preference-Applied": "return=minimal"})
        return Reply(entity=entity, shape=shape, root=ROOT)

    async def delete(call: Call) -> Reply:
        await write(True, service.delete, parse_key(call.params["key"]))
        return Reply(status=204)

    return [
        Route("Contact", {"GET": collection, "POST": create}),
        Route(r"Contact\((?P<key>[^/]*)\)", {"GET": get, "PUT": put, "DELETE": delete}),
    ]


def _minimal(call: Call) -> bool:
    """Whether the request prefers `return=minimal` (RFC 7240), and the mock honours it."""
    wanted = any(
        part.strip().lower().replace(" ", "") == "return=minimal"
        for preference in (call.header("prefer") or "").split(",")
        for part in preference.split(";")[:1]
    )
    return wanted and not faults.active("prefer-ignored")


def _count(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > _COUNT_MAX:
        raise ApiError.bad_request(f"{name} must be a whole number from 0, not {text[:40]!r}")
    return int(text)


def _filter(text: str | None, service: ContactService) -> tuple[str, str] | None:
    if text is None or not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise ApiError.bad_request(
            f"$filter {text[:80]!r} is not supported: only <member> eq '<text>'", "BadFilter"
        )
    member = service.text_member(match.group(1))
    if member is None:
        raise ApiError.bad_request(
            f"$filter: {match.group(1)[:40]!r} is no text member of a contact", "BadFilter"
        )
    return member, match.group(2).replace("''", "'")
