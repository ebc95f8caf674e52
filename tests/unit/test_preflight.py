"""Preflight tells "no API at this base URL" from "the API answered", from the API roots."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call, Upstream

from webapi_contract.cli import main
from webapi_contract.config import Settings, basic
from webapi_contract.mock import MockServer
from webapi_contract.target import preflight
from webapi_contract.vendors import VendorProfile

PAGE = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"
HTML = "text/html; charset=utf-8"


@contextmanager
def answering(status: int, content_type: str, body: bytes) -> Iterator[str]:
    """A loopback server answering every GET with the same response; yields its origin."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def settings_for(base_url: str, username: str = "u", password: str = "p") -> Settings:
    return Settings(base_url=base_url, credentials=(basic(username, password),), timeout=10)


def mock_settings(server: MockServer, base_url: str | None = None) -> Settings:
    creds = server.credentials
    return settings_for(base_url or server.base_url, creds.username, creds.password)


@pytest.mark.parametrize(
    ("status", "content_type", "body", "shown"),
    [
        (404, HTML, PAGE, "404 (text/html)"),
        (200, HTML, PAGE, "200 (text/html)"),
        (404, "application/json", b'{"message": "no such route"}', "404 (application/json)"),
        (200, "text/plain", b"OK", "200 (text/plain)"),
        (502, HTML, PAGE, "502 (text/html)"),
        (200, "application/xhtml+xml", PAGE, "200 (application/xhtml+xml)"),
    ],
    ids=["404-page", "200-page", "404-json", "200-text", "502-page", "200-xhtml"],
)
def test_no_api_at_the_base_url_is_one_line_naming_every_url(status, content_type, body, shown):
    with answering(status, content_type, body) as origin:
        base = f"{origin}/wrong/api/v1"
        problem = preflight(settings_for(base))
    assert problem == (
        f"no API at {base}: GET {base}/Contact/0 answered {shown} and the API roots "
        f"GET {base} answered {shown}, GET {origin}/wrong/api answered {shown}; check --base-url"
    )


def test_the_probe_alone_decides_when_it_answers_the_api_way():
    with answering(200, "application/json", b"{}") as origin:
        assert preflight(settings_for(f"{origin}/api/v1")) is None
    with answering(500, "application/xml", b"<Error/>") as origin:
        assert preflight(settings_for(f"{origin}/api/v1")) is None
    with answering(200, "application/vnd.contact+xml", b"<Contact/>") as origin:
        assert preflight(settings_for(f"{origin}/api/v1")) is None


def test_refused_credentials_stay_refused_credentials():
    with answering(401, HTML, PAGE) as origin:
        problem = preflight(settings_for(f"{origin}/api/v1"))
    assert problem is not None
    assert problem.startswith(f"{origin}/api/v1 refused the credentials (Basic) with 401")


def test_shown_urls_carry_no_userinfo():
    with answering(404, HTML, PAGE) as origin:
        problem = preflight(settings_for(origin.replace("//", "//who:secret-pw@") + "/api/v1"))
    assert problem is not None
    assert "secret-pw" not in problem
    assert f"GET {origin}/api answered 404" in problem


def test_a_profile_without_api_roots_judges_the_probe_alone():
    bare = VendorProfile(name="bare", probe_path="ping", slow_ms=1000)
    with answering(404, "application/json", b"{}") as origin:
        assert preflight(settings_for(origin), bare) is None
    with answering(404, HTML, PAGE) as origin:
        problem = preflight(settings_for(origin), bare)
    assert (
        problem
        == f"no API at {origin}: GET {origin}/ping answered 404 (text/html); check --base-url"
    )


def test_the_mock_passes_though_contact_0_answers_404_json(mock):
    creds = {"Authorization": f"SoTicket {mock.credentials.ticket}"}
    probe = requests.get(f"{mock.base_url}/Contact/0", headers=creds, timeout=10)
    assert probe.status_code == 404
    assert probe.headers["Content-Type"].startswith("application/json")
    assert preflight(mock_settings(mock)) is None


def test_the_mock_below_a_wrong_path_is_no_api(mock):
    wrong = mock.base_url.replace("/api/v1", "/wrong/api/v1")
    problem = preflight(mock_settings(mock, wrong))
    assert problem is not None
    assert problem.startswith(f"no API at {wrong}: GET {wrong}/Contact/0 answered 404")


def test_the_mock_with_wrong_credentials_is_refused(mock):
    problem = preflight(settings_for(mock.base_url, "nobody", "wrong"))
    assert problem is not None
    assert "refused the credentials (Basic) with 401" in problem


def _probe(call: Call) -> bool:
    return call.path.lower().endswith("/contact/0")


def _root(call: Call) -> bool:
    return call.path.rstrip("/").lower().endswith(("/api", "/api/v1"))


def _version_list(call: Call) -> bool:
    return call.path.rstrip("/").lower().endswith("/api/v1")


def _page(status: int) -> Answer:
    return Answer(status, {"Content-Type": HTML}, PAGE)


NOT_FOUND_JSON = Answer(404, {"Content-Type": "application/json"}, b'{"Error": true}')


@pytest.mark.parametrize(
    ("name", "replace", "passes"),
    [
        # The probe answers 404 JSON (an IIS rewrite, another tenant's layout); the roots answer.
        ("probe-404-json", lambda call: NOT_FOUND_JSON if _probe(call) else None, True),
        # The probe answers a custom error page; the roots still answer.
        ("probe-404-page", lambda call: _page(404) if _probe(call) else None, True),
        # The roots answer pages and the probe its 404 JSON: nothing says an API is there.
        ("roots-are-pages", lambda call: _page(200) if _root(call) else None, False),
        # The version list is gone but the API root answers: one root is enough.
        ("version-list-gone", lambda call: _page(404) if _version_list(call) else None, True),
    ],
    ids=["probe-404-json", "probe-404-page", "roots-are-pages", "version-list-gone"],
)
def test_the_api_roots_decide_behind_a_proxy(mock, name, replace, passes):
    def request(call: Call, upstream: Upstream) -> Call | Answer:
        return replace(call) or call

    breaker = Breaker(name, request=request)
    with BreakingProxy(mock.base_url, "", breaker) as proxy:
        problem = preflight(mock_settings(mock, proxy.base_url))
    assert (problem is None) is passes, problem


def test_run_against_no_api_exits_4_with_one_line(tmp_path, capsys):
    with answering(404, HTML, PAGE) as origin:
        base = f"{origin}/api/v1"
        code = main(
            [
                "run",
                "--base-url",
                base,
                "--username=u",
                "--password=p-secret-7",
                "--workers",
                "0",
                "--report-dir",
                str(tmp_path),
            ]
        )
    captured = capsys.readouterr()
    assert code == 4
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert f"no API at {base}: GET {base}/Contact/0 answered 404 (text/html)" in lines[0]
    assert "check --base-url" in lines[0]
    assert "Traceback" not in captured.out + captured.err
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["status"] == "could not run"
    assert "p-secret-7" not in "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())
