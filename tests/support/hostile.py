"""The hostile targets of bench/hostile_targets.py, and recorders of what the harness sent them."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import requests

ROOT = Path(__file__).resolve().parents[2]


SECRETS = {
    "password": "pw-Redirect-7731",
    "app_token": "app-Redirect-4402",
    "xsrf": "xsrf-Redirect-9915",
    "cookie": "cookie-Redirect-2208",
    "mine": "mine-Redirect-6674",
    "netrc": "netrc-Redirect-3319",
    "proxy": "proxy-Redirect-5150",
}


def _bench() -> ModuleType:
    """bench/hostile_targets.py: the hostile servers and the measured run (one implementation
    for the bench and these tests)."""
    name = "hostile_targets"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


hostile = _bench()


class Recorder:
    """A loopback server recording every request (absolute-URI ones too: then it is a proxy,
    and forwards them) and answering 200 JSON."""

    def __init__(
        self, redirect: int | None = None, to: str = "", redirect_probe: bool = False
    ) -> None:
        """redirect: answer every request (but the preflight's probe, unless redirect_probe)
        with this status, Location `to` + the path."""
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.seen.append((self.command, self.path, dict(self.headers.items())))
                if self.path.startswith("http://"):  # as a proxy
                    forward = requests.Session()
                    forward.trust_env = False
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    reply = forward.request(
                        self.command, self.path, headers=headers, data=body, timeout=10
                    )
                    self._send(reply.status_code, reply.content)
                    return
                probe = self.path.endswith("/Contact/0")
                if redirect is not None and (redirect_probe or not probe):
                    self.send_response(redirect)
                    self.send_header("Location", f"{to}{self.path}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(200, b'{"ContactId": 0, "Name": "recorded"}')

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _leaked(seen: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    text = json.dumps(seen)
    return [name for name, secret in SECRETS.items() if secret in text]
