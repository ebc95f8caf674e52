"""The mock's HTTP/1.1 connections: uvicorn's h11 protocol with guards against oversized, idle
and ambiguous request heads (uvicorn's default parser, httptools, has no limit and no deadline).

- A request head (request line and headers) of more than MAX_HEAD bytes is answered 431 and
  the connection closed; h11 stops buffering there (uvicorn alone would answer 400).
- A request with both Content-Length and Transfer-Encoding is answered 400 and the connection
  closed, as httptools does (h11 would take Transfer-Encoding and read on).
- A request head must be complete within HEAD_TIMEOUT seconds of the connection being made
  (or, on a kept-alive connection, of the first byte of the next request): otherwise the
  connection is closed, after a 408 when part of a head had arrived. So connections that send
  nothing, or half a head, or trickle one, cannot pile up. Between requests, uvicorn's
  keep-alive timeout applies.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

__all__ = ["HEAD_TIMEOUT", "MAX_HEAD", "GuardedH11Protocol"]

MAX_HEAD = 32 * 1024
HEAD_TIMEOUT = 5.0
_TIMEOUT_TEXT = b"the request head did not arrive in time"
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_TIMEOUT_TEXT), _TIMEOUT_TEXT)
)
_TOO_LARGE = f"the request line and headers exceed {MAX_HEAD} bytes".encode()


class _Connection(h11.Connection):
    """h11's connection, refusing a request with both Content-Length and Transfer-Encoding
    (which a proxy in front could frame otherwise: request smuggling; RFC 9112 6.1 lets a
    server refuse it, h11 would take it), and remembering the status its last protocol error
    suggests (431 for a head beyond the size limit, else 400)."""

    error_status = 400

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.error_status = exc.error_status_hint
            raise
        if isinstance(event, h11.Request):
            # h11 limits only a head still incomplete; one that arrives whole is measured here.
            size = len(event.method) + len(event.target) + 12
            size += sum(len(name) + len(value) + 4 for name, value in event.headers)
            if size > self._max_incomplete_event_size:
                self.error_status = 431
                raise h11.RemoteProtocolError("request head too long", error_status_hint=431)
            names = {name for name, _ in event.headers}
            if b"content-length" in names and b"transfer-encoding" in names:
                self.error_status = 400
                raise h11.RemoteProtocolError("both Content-Length and Transfer-Encoding")
        return event


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the head size limit and the head timeout (see the module)."""

    head_timeout = HEAD_TIMEOUT

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._connection = _Connection(h11.SERVER, config.h11_max_incomplete_event_size or MAX_HEAD)
        self.conn = self._connection
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the first byte of the next request on this connection
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_timer()  # the head arrived (or the connection failed)

    def send_400_response(self, msg: str) -> None:
        if self._connection.error_status != 431:
            super().send_400_response(msg)
            return
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        reason = b"Request Header Fields Too Large"
        for event in (
            h11.Response(status_code=431, headers=headers, reason=reason),
            h11.Data(data=_TOO_LARGE),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
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
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:
            self.transport.write(_TIMEOUT_ANSWER)
        self.transport.close()
