"""A loopback proxy in front of the mock that breaks exactly one documented behaviour."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import requests

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "host",
    "content-encoding",
}


@dataclass
class Call:
    """One request on its way through the proxy (breakers may rewrite any part)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def drop_header(self, name: str) -> None:
        self.headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def set_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()


@dataclass
class Answer:
    """The upstream response on its way back."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def set_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()


@dataclass
class Breaker:
    """A named fault: rewrites the request, the answer, or both."""

    name: str
    request: Callable[[Call, Upstream], Call | Answer] = field(default=lambda call, up: call)
    response: Callable[[Call, Answer], Answer] = field(default=lambda call, answer: answer)


class Upstream:
    """The real server behind the proxy."""

    def __init__(self, origin: str, authorization: str) -> None:
        self.origin = origin
        self.authorization = authorization
        self.session = requests.Session()
        # Forward exactly what came in: no ~/.netrc credentials (a test may set NETRC).
        self.session.trust_env = False

    def send(self, call: Call) -> Answer:
        reply = self.session.request(
            call.method,
            self.origin + call.path,
            data=call.body or None,
            headers=call.headers,
            timeout=30,
        )
        headers = {k: v for k, v in reply.headers.items() if k.lower() not in HOP_BY_HOP}
        return Answer(reply.status_code, headers, reply.content)


class BreakingProxy:
    """Serves on 127.0.0.1, forwarding to upstream_base with one breaker applied."""

    def __init__(self, upstream_base: str, authorization: str, breaker: Breaker) -> None:
        parts = urlsplit(upstream_base)
        self.prefix = parts.path
        self.upstream = Upstream(f"{parts.scheme}://{parts.netloc}", authorization)
        self.breaker = breaker
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{self.prefix}"

    def __enter__(self) -> BreakingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            # keep-alive, as a real server: a connection and a thread per request cost more than
            # the forwarding. Each answer leaves in one write (flushed after each request), and
            # without Nagle: a head and a body written apart waited 40 ms for a delayed ACK.
            protocol_version = "HTTP/1.1"
            wbufsize = -1
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                call = Call(self.command, self.path, headers, self.rfile.read(length))
                rewritten = proxy.breaker.request(call, proxy.upstream)
                answer = (
                    rewritten
                    if isinstance(rewritten, Answer)
                    else proxy.breaker.response(call, proxy.upstream.send(rewritten))
                )
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        return Handler
