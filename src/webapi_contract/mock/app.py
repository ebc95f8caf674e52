"""A small ASGI app: case-insensitive routes, auth, body limits, negotiation, one error shape."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from webapi_contract.mock import faults
from webapi_contract.mock.bodies import MAX_DEPTH, from_form, from_xml
from webapi_contract.mock.errors import ApiError
from webapi_contract.mock.negotiation import (
    FORM,
    JSON_CONTENT_TYPE,
    XML_TYPES,
    media_type,
    response_type,
)
from webapi_contract.mock.shape import Shape
from webapi_contract.mock.storage import WouldBlock
from webapi_contract.mock.xmlout import to_xml

__all__ = [
    "INLINE_BODY",
    "MAX_BODY",
    "Authenticator",
    "Call",
    "ErrorRenderer",
    "Handler",
    "MockApp",
    "Mounted",
    "Reply",
    "Route",
    "write",
]

MAX_BODY = 1024 * 1024
# Bodies up to this size are parsed on the event loop; larger ones in a worker thread.
INLINE_BODY = 64 * 1024
_log = logging.getLogger(__name__)


@dataclass
class Reply:
    """What a handler answers: an entity (or its JSON text) rendered as the client accepts, or
    `content` of `media_type` (e.g. an HTML page) sent as it is."""

    status: int = 200
    entity: Any = None
    json_text: str | None = None
    shape: Shape | None = None
    root: str = "Entity"
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    media_type: str | None = None
    # What to render as XML instead of entity (e.g. a collection's items without its JSON
    # wrapper), when the client asks for XML.
    xml_entity: Any = None


class Call:
    """One request as a handler sees it: path parameters, headers, query, body."""

    def __init__(self, request: Request, params: Mapping[str, str], max_body: int) -> None:
        self.request = request
        self.params = params
        self._max_body = max_body
        self.body_size = 0  # bytes of the body, once read
        self._headers: dict[str, str] | None = None
        self._body_read = False

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive name; the first of a repeated one, as Starlette's
        Headers.get answers)."""
        headers = self._headers
        if headers is None:
            # One pass over the raw headers (names arrive lower-cased), not one per lookup;
            # backwards, so the first of a repeated header is the one kept.
            headers = self._headers = {
                key.decode("latin-1"): value.decode("latin-1")
                for key, value in reversed(self.request.scope["headers"])
            }
        return headers.get(name.lower())

    def query(self, name: str) -> str | None:
        """A query parameter, its name matched case-insensitively (`$select` = `$SELECT`)."""
        if not self.request.scope.get("query_string"):
            return None
        lowered = name.lower()
        for key, value in self.request.query_params.multi_items():
            if key.lower() == lowered:
                return value
        return None

    @property
    def origin(self) -> str:
        """scheme://host[:port] the client used, for absolute links."""
        scope = self.request.scope
        host = self.header("host")
        if not host:
            server_host, port = scope.get("server") or ("localhost", 80)
            host = f"{server_host}:{port}"
        return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"

    async def body(self) -> bytes:
        """The request body; ApiError(413) beyond the size limit."""
        declared = self.header("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise ApiError.bad_request("Content-Length is not a number")
            if int(declared) > self._max_body:
                raise _too_large(self._max_body)
        if self._body_read:
            raise RuntimeError("the request body was read already")
        self._body_read = True
        # The ASGI messages read here, not through Request.stream(): an async generator per
        # request costs more than the rest of this.
        receive = self.request.receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            if message["type"] != "http.request":
                continue
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise _too_large(self._max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        self.body_size = size
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def entity(self, accepted: frozenset[str], shape: Shape, root: str) -> Any:
        """An entity body in any `accepted` type: JSON, XML or form fields (see bodies)."""
        kind = media_type(self.header("content-type"))
        if kind in accepted and kind in XML_TYPES:
            data = await self.body()
            return await _off_loop_if_large(len(data), from_xml, data, shape, root)
        if kind in accepted and kind == FORM:
            data = await self.body()
            return await _off_loop_if_large(len(data), from_form, data, shape)
        return await self.json(accepted - {FORM, *XML_TYPES})

    async def json(self, accepted: frozenset[str]) -> Any:
        """The body parsed as JSON; 415 unless its Content-Type is one of `accepted`."""
        kind = media_type(self.header("content-type"))
        if faults.active("charset-param-415"):
            kind = (self.header("content-type") or "").strip().lower()  # the whole header value
        if kind not in accepted:
            shown = kind or "no Content-Type"
            raise ApiError(415, "UnsupportedMediaType", f"{shown} is not accepted here")
        raw = await self.body()
        return await _off_loop_if_large(len(raw), _parse_json, raw)


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        raise ApiError.bad_request("the request body is empty", "MalformedBody")
    try:
        # As json.loads(raw, parse_constant=…, parse_float=…), with its decoder built once.
        parsed = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except (ValueError, RecursionError) as exc:
        if faults.active("malformed-json-500"):
            raise RuntimeError(f"unhandled deserializer error: {exc}") from exc
        raise ApiError.bad_request(f"malformed JSON: {exc}", "MalformedBody") from exc
    problem = None if _plainly_storable(raw) else unstorable(parsed)
    if problem:
        raise ApiError.bad_request(problem, "MalformedBody")
    return parsed


async def _off_loop_if_large(size: int, func: Callable[..., Any], *args: Any) -> Any:
    """func(*args), in a worker thread when it reads a body of more than INLINE_BODY bytes
    (the event loop keeps serving other clients meanwhile), else right here (cheaper)."""
    if size > INLINE_BODY:
        return await run_in_threadpool(func, *args)
    return func(*args)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _plainly_storable(raw: bytes) -> bool:
    """Whether the JSON text raw can parse to nothing unstorable: ASCII without a `\\u`
    escape holds no surrogate, and fewer brackets than MAX_DEPTH cannot nest deeper."""
    return raw.isascii() and b"\\u" not in raw and raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH


def unstorable(value: Any) -> str | None:
    """Why a parsed JSON body cannot be taken as entity data (None when it can).

    Nesting deeper than MAX_DEPTH, and lone UTF-16 surrogates (`"\\ud800"` is valid JSON but no
    valid text, so it could be neither stored as UTF-8 nor written as XML), are refused.
    Iterative, so a body just under the parser's recursion limit cannot overflow this check.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return "a string holds a lone UTF-16 surrogate, which is not valid text"
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            return f"the body nests deeper than {MAX_DEPTH} levels"
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((member, depth + 1) for member in item.values())
        else:
            stack.extend((member, depth + 1) for member in item)
    return None


Handler = Callable[[Call], Awaitable[Reply]]


@dataclass
class Route:
    """A path template below the prefix, e.g. `Contact/(?P<id>[^/]+)`, matched ignoring case."""

    template: str
    methods: dict[str, Handler]
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(f"/{self.template}/?", re.IGNORECASE)


class Authenticator(Protocol):
    """A vendor's check of who calls."""

    def authenticate(self, request: Request) -> list[str]:
        """Set-Cookie values to answer with when the request may go on; ApiError (401, with
        the vendor's challenge) when it may not."""
        ...


# A vendor's error response for a refused request.
ErrorRenderer = Callable[[ApiError], Response]


@dataclass
class Mounted:
    """What a vendor's mock package serves: its routes below the prefix, the open ones matched
    against the whole path (see MockApp), its authenticator and error body, and what to close
    when the server stops."""

    routes: list[Route]
    authenticator: Authenticator
    errors: ErrorRenderer
    close: Callable[[], None]
    open_routes: list[Route] = field(default_factory=list)


class MockApp:
    """ASGI app dispatching authenticated requests below a prefix to a vendor's handlers.

    The mounted `open_routes` are matched against the whole path, before the routes below the
    prefix, and answered without authentication (a vendor's API root and version list).
    """

    def __init__(
        self,
        mounted: Mounted,
        prefix: str,
        max_body: int = MAX_BODY,
        fault: str | None = None,
        vendor: str = faults.DEFAULT_VENDOR,
    ) -> None:
        self.routes = mounted.routes
        self.open_routes = list(mounted.open_routes)
        self.authenticator = mounted.authenticator
        self.errors = mounted.errors
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.max_body = max_body
        self.vendor = vendor
        self.fault = faults.require(fault, vendor)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        with faults.switched_on(self.fault, self.vendor):
            response = await self._respond(request)
        # As response(scope, receive, send) does for an http scope and no background task.
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": response.raw_headers,
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    async def _respond(self, request: Request) -> Response:
        cookies: list[str] = []
        try:
            found = _find(self.open_routes, request.scope["path"], request.method)
            if found is None:
                cookies = self.authenticator.authenticate(request)
        except ApiError as exc:
            return self.errors(exc)
        try:
            handler, params = found or self._route(request)
            reply = await handler(Call(request, params, self.max_body))
            response = _render(reply, request.headers.get("accept"))
        except ApiError as exc:
            response = self.errors(exc)
        except ClientDisconnect:
            # Gone before its body arrived: nothing to answer, and no failure of the mock.
            _log.debug("client disconnected during %s %s", request.method, request.url.path)
            response = self.errors(
                ApiError.bad_request("the client disconnected", "ClientDisconnected")
            )
        except Exception:
            _log.exception("mock handler failed")
            response = self.errors(ApiError(500, "InternalError", "the mock failed; see its log"))
        for cookie in cookies:
            response.raw_headers.append((b"set-cookie", cookie.encode()))
        return response

    def _route(self, request: Request) -> tuple[Handler, dict[str, str]]:
        path: str = request.scope["path"]
        if self.prefix:
            if path[: len(self.prefix)].lower() != self.prefix.lower():
                raise _not_found(path)
            path = path[len(self.prefix) :]
        found = _find(self.routes, path, request.method)
        if found is None:
            raise _not_found(request.scope["path"])
        return found


_T = TypeVar("_T")


async def write(quick: bool, func: Callable[..., _T], *args: Any) -> _T:
    """func(*args): right here, not waiting, when the request is quick (a small body) and the
    store is free, since most writes take about a millisecond and a hop to a worker thread would
    make that half as much again; else (and when func finds it would have to wait, or to patch a
    big entity) in a worker thread, so no write holds up the event loop, and its other clients,
    for long. func takes `wait` and raises WouldBlock, as Store.transaction does."""
    if quick:
        try:
            return func(*args, wait=False)
        except WouldBlock:
            pass
    return await run_in_threadpool(func, *args)


def _find(routes: Sequence[Route], path: str, method: str) -> tuple[Handler, dict[str, str]] | None:
    """The handler and path parameters of the first route matching path (None when none does);
    ApiError(405) when the route takes other methods."""
    for route in routes:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        handler = route.methods.get(method.upper())
        if handler is None:
            allowed = ", ".join(sorted(route.methods))
            raise ApiError(
                405, "MethodNotAllowed", f"{method} is not allowed here", {"Allow": allowed}
            )
        return handler, match.groupdict()
    return None


def _render(reply: Reply, accept: str | None) -> Response:
    headers = reply.headers
    if reply.status in (204, 304):
        return Response(status_code=reply.status, headers=headers)
    if reply.content is not None:
        return Response(reply.content, reply.status, headers=headers, media_type=reply.media_type)
    xml_type = None if faults.active("xml-accept-ignored") else response_type(accept)
    if faults.active("text-json-406") and media_type(accept) == "text/json":
        raise ApiError(406, "NotAcceptable", "text/json is not an available representation")
    if xml_type is not None:
        entity = reply.xml_entity if reply.xml_entity is not None else reply.entity
        if entity is None:
            entity = json.loads(reply.json_text or "null")
        content = to_xml(entity, reply.shape, reply.root) if entity is not None else b""
        media = f"{xml_type}; charset=utf-8"
    else:
        text = reply.json_text if reply.json_text is not None else json.dumps(reply.entity)
        content, media = text.encode(), JSON_CONTENT_TYPE
        if faults.active("json-as-text-plain"):
            media = "text/plain; charset=utf-8"
    if faults.active("json-without-content-type") and xml_type is None:
        return Response(content, status_code=reply.status, headers=headers)
    if media == JSON_CONTENT_TYPE and reply.status >= 200:
        return _JsonResponse(content, reply.status, headers)
    return Response(content, status_code=reply.status, headers=headers, media_type=media)


class _JsonResponse(Response):
    """Response(content, status, headers, media_type=JSON_CONTENT_TYPE) for a status of 200 or
    more but 204 and 304, its head built in one go rather than by Starlette's general steps
    (the same headers, in the same order)."""

    media_type = JSON_CONTENT_TYPE

    def __init__(self, content: bytes, status: int, headers: Mapping[str, str]) -> None:
        self.status_code = status
        self.background = None
        self.body = content
        raw = [
            (key.lower().encode("latin-1"), value.encode("latin-1"))
            for key, value in headers.items()
        ]
        given = {key for key, _ in raw}
        if b"content-length" not in given:
            raw.append((b"content-length", str(len(content)).encode()))
        if b"content-type" not in given:
            raw.append((b"content-type", _JSON_TYPE))
        self.raw_headers = raw


_JSON_TYPE = JSON_CONTENT_TYPE.encode("latin-1")


def _not_found(path: str) -> ApiError:
    return ApiError(404, "RouteNotFound", f"no route {path}")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "PayloadTooLarge", f"the request body exceeds {limit} bytes")


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    # 1e999 is valid JSON text but no double: as inf it would be written back as `Infinity`.
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is beyond the range of a double")
    return number


_DECODER = json.JSONDecoder(parse_constant=_no_constants, parse_float=_finite)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
