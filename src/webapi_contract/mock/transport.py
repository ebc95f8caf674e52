"""The mock's HTTP/1.1 connections: uvicorn's httptools protocol (llhttp, in C) with guards
against oversized, idle and ambiguous request heads, which httptools alone does not have.

- A request head (request line and headers) of more than MAX_HEAD bytes is answered 431 and
  the connection closed: measured exactly once the head is complete, and bounded while it is
  not (counting what arrives after the head began), so a head that never ends cannot grow the
  buffers of the parser without limit.
- A request with both Content-Length and Transfer-Encoding is answered 400 and the connection
  closed (llhttp refuses it: a proxy in front could frame it otherwise, request smuggling; RFC
  9112 6.1 lets a server refuse it).
- A response leaves in one write, head and body together (uvicorn writes them apart: two
  send() calls and two TCP segments per response, the client woken twice).
- A request head must be complete within HEAD_TIMEOUT seconds of the connection being made
  (or, on a kept-alive connection, of the first byte of the next request): otherwise the
  connection is closed, after a 408 when part of a head had arrived. So connections that send
  nothing, or half a head, or trickle one, cannot pile up. Between requests, uvicorn's
  keep-alive timeout applies.
"""

from __future__ import annotations

import asyncio
from itertools import chain
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle
from uvicorn.server import ServerState

__all__ = ["HEAD_TIMEOUT", "MAX_HEAD", "GuardedHttpToolsProtocol"]

MAX_HEAD = 32 * 1024
HEAD_TIMEOUT = 5.0
_TIMEOUT_TEXT = b"the request head did not arrive in time"
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT)
)
_TOO_LARGE_TEXT = f"the request line and headers exceed {MAX_HEAD} bytes".encode()
_TOO_LARGE_ANSWER = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TOO_LARGE_TEXT), _TOO_LARGE_TEXT)
)


class _JoinedWrites:
    """One response's view of the connection's transport: the response head (the first write
    after the response started) is held back and written with the body's first write, so both
    leave in one send(). Anything else (a 100 Continue, a close) flushes what is held first."""

    __slots__ = ("_cycle", "_held", "_transport")

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is None:
            if self._cycle.response_started and not self._cycle.response_complete:
                self._held = data  # the head: the body follows at once
                return
        else:
            data, self._held = self._held + data, b""
        self._transport.write(data)

    def flush(self) -> None:
        if self._held:
            self._transport.write(self._held)
            self._held = b""

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()


class _HeadTooLarge(Exception):
    """Raised in a parser callback: feed_data then fails, and send_400_response answers 431."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the head size limit and the head timeout (see the
    module)."""

    head_timeout = HEAD_TIMEOUT
    max_head = MAX_HEAD

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._head_timer: asyncio.TimerHandle | None = None
        self._in_head = False  # a request head has begun and is not complete
        self._head_began = False  # during the data_received under way
        self._head_seen = 0  # bytes of an incomplete head received, bounding it
        self._too_large = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._head_began = False
        super().data_received(data)
        if not self._in_head or self.transport.is_closing():
            return
        # A head is still incomplete: count what of it arrived (what the parser buffers).
        if self._head_began:
            # What of it the parser took in whole so far (the rest of this chunk may have been
            # another request's).
            self._head_seen = self._head_size()
        else:
            self._head_seen += len(data)
        if self._head_seen > self.max_head:
            self._too_large = True
            self.send_400_response("request head too long")
        else:
            self._arm_head_timer()  # the first byte of the next request on this connection

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = self._head_began = True

    def _head_size(self) -> int:
        """Bytes of the request target and the header lines of the head being parsed (as
        `name: value\r\n`), from what uvicorn kept of them."""
        headers = self.headers
        return len(self.url) + sum(map(len, chain.from_iterable(headers))) + 4 * len(headers)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()  # the head arrived
        method = self.parser.get_method()
        if self._head_size() + len(method) + 12 > self.max_head:
            self._too_large = True
            raise _HeadTooLarge("request head too long")
        before = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not before:
            joined = _JoinedWrites(self.transport, cycle)
            cycle.transport = joined  # type: ignore[assignment]
            done = cycle.on_response

            def on_response() -> None:
                joined.flush()  # e.g. the head of a HEAD response, which has no body
                done()

            cycle.on_response = on_response

    def send_400_response(self, msg: str) -> None:
        self._cancel_head_timer()
        if not self._too_large:
            super().send_400_response(msg)
            return
        self.transport.write(_TOO_LARGE_ANSWER)
        self.transport.close()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._in_head:
            self.transport.write(_TIMEOUT_ANSWER)
            self.transport.close()
        elif self.cycle is None:  # nothing of a request came since the connection was made
            self.transport.close()
