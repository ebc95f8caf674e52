"""Redaction: no credential leaves the client in a message."""

from __future__ import annotations

import json

import pytest
import requests

from webapi_contract.client import MASK, Exchange, redact_body, redact_headers, redact_text


def _response(status, body):
    response = requests.Response()
    response.status_code = status
    response.reason = "Test"
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.headers["Set-Cookie"] = "XSRF-TOKEN=cookie-secret"
    return response


def test_secret_headers_are_masked():
    shown = redact_headers(
        {"Authorization": "Basic abc", "x-xsrf-token": "t", "SO-AppToken": "a", "Accept": "*/*"}
    )
    assert shown == {
        "Authorization": MASK,
        "x-xsrf-token": MASK,
        "SO-AppToken": MASK,
        "Accept": "*/*",
    }


def test_secret_body_fields_are_masked_at_any_depth():
    body = {
        "e_password": "hunter2",
        "company": {"password": "x", "name": "ok"},
        "list": [{"token": "t"}],
    }
    assert redact_body(body) == {
        "e_password": MASK,
        "company": {"password": MASK, "name": "ok"},
        "list": [{"token": MASK}],
    }


def test_known_secrets_are_masked_in_text():
    assert redact_text("ticket 7T:abcdef in text", ["7T:abcdef"]) == f"ticket {MASK} in text"


def test_exchange_description_leaks_nothing():
    exchange = Exchange(
        method="PATCH",
        url="https://user:pw@host/api/v1/Contact/1",
        request_headers={"Authorization": "SoTicket 7T:secret-ticket", "Accept": "x"},
        request_body={"e_password": "hunter2", "Department": "x"},
        response=_response(200, {"Echo": "7T:secret-ticket", "password": "p"}),
        elapsed_ms=3.0,
        secrets=("SoTicket 7T:secret-ticket", "7T:secret-ticket"),
    )
    text = exchange.describe()
    for secret in ("7T:secret-ticket", "hunter2", "user:pw", "cookie-secret"):
        assert secret not in text
    assert "PATCH https://host/api/v1/Contact/1" in text
    assert '"Department": "x"' in text


def test_netrc_and_url_userinfo_never_add_credentials(tmp_path, monkeypatch):
    from webapi_contract.client import ApiClient
    from webapi_contract.config import Settings, basic
    from webapi_contract.mock import MockServer

    with MockServer() as mock:
        host = mock.base_url.split("//", 1)[1].split(":", 1)[0]
        netrc = tmp_path / "netrc"
        user, password = mock.credentials.username, mock.credentials.password
        netrc.write_text(f"machine {host} login {user} password {password}\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        good = basic(mock.credentials.username, mock.credentials.password)
        client = ApiClient(Settings(base_url=mock.base_url, credentials=(good,)))
        anonymous = client.get("Contact/1", authorization=None)
        assert "Authorization" not in anonymous.request_headers
        assert anonymous.status == 401
        assert client.get("Contact/1").status == 404
        assert anonymous.request_headers["Accept"] == "application/json"


class _Throttling:
    """A loopback server answering each request with the next (status, headers) of a script."""

    def __init__(self, script):
        import http.server
        import threading

        self.script = list(script)
        self.seen = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, headers = owner.script[min(owner.seen, len(owner.script) - 1)]
                owner.seen += 1
                body = b'{"ContactId": 1}'
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _client(base_url):
    """A client whose retries do not wait (Retry-After 0 would otherwise mean the backoff)."""
    from webapi_contract.client import ApiClient, BoundedAdapter, ThrottleRetry
    from webapi_contract.config import Settings

    client = ApiClient(Settings(base_url=base_url))
    adapter = BoundedAdapter(max_retries=ThrottleRetry(backoff_factor=0))
    client.session.mount("http://", adapter)
    return client


def test_throttled_requests_are_sent_again_after_retry_after():
    script = [(429, {"Retry-After": "0"}), (503, {"Retry-After": "0"}), (200, {})]
    with _Throttling(script) as url:
        exchange = _client(url).get("Contact/1")
    assert (exchange.status, exchange.retries) == (200, 2)
    assert "after 2 throttled attempt(s)" in exchange.describe()


def test_a_503_without_retry_after_is_a_verdict_not_retried():
    throttling = _Throttling([(503, {}), (200, {})])
    with throttling as url:
        exchange = _client(url).get("Contact/1")
    assert (exchange.status, exchange.retries, throttling.seen) == (503, 0, 1)


def test_retries_stop_after_a_few_attempts():
    from webapi_contract.client import MAX_RETRIES

    throttling = _Throttling([(429, {"Retry-After": "0"})])
    with throttling as url:
        exchange = _client(url).get("Contact/1")
    assert exchange.status == 429
    assert throttling.seen == MAX_RETRIES + 1


class _Headers:
    def __init__(self, after):
        self.headers = {"Retry-After": after} if after is not None else {}


@pytest.mark.parametrize(
    ("after", "wait"),
    [
        ("3", 3.0),
        (None, None),
        ("86400", 30.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("soon", None),
        ("Fri, 31 Dec 10000 23:59:59 GMT", None),
        ("9" * 5000, None),
    ],
)
def test_retry_after_is_read_and_capped(after, wait):
    from webapi_contract.client import ThrottleRetry

    assert ThrottleRetry().get_retry_after(_Headers(after)) == wait


@pytest.mark.parametrize(
    ("method", "status", "has_retry_after", "retried"),
    [
        ("POST", 429, False, True),
        ("PATCH", 429, True, True),
        ("GET", 503, True, True),
        ("GET", 503, False, False),
        ("GET", 500, True, False),
        ("DELETE", 404, False, False),
    ],
)
def test_which_answers_are_sent_again(method, status, has_retry_after, retried):
    from webapi_contract.client import ThrottleRetry

    assert ThrottleRetry().is_retry(method, status, has_retry_after) is retried
