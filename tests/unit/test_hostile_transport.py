"""Hostile and failing targets (loopback servers this module starts): no credential leaves the
target's origin, nothing comes from the environment, every answer is bounded in time and size,
and a target that stops answering stops the run (exit 4, reports written)."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support.hostile import SECRETS, Recorder, _leaked, hostile

from webapi_contract.cli import main
from webapi_contract.client import (
    SILENCE,
    ApiClient,
    NoAnswer,
    TargetStoppedAnswering,
    contract_session,
)
from webapi_contract.config import Settings, basic, resolve
from webapi_contract.target import preflight, target_facts


@pytest.fixture(autouse=True)
def _fresh_silence() -> Iterator[None]:
    """Requests without an answer are counted per process: each test starts afresh."""
    SILENCE.reset()
    yield
    SILENCE.reset()


@pytest.fixture
def hostile_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """NETRC with credentials for both hosts, and HTTP(S)_PROXY (with credentials) pointing at
    a recorder: a session that read the environment would use them."""
    netrc = tmp_path / "netrc"
    netrc.write_text(
        "".join(
            f"machine {host} login netrc-user password {SECRETS['netrc']}\n"
            for host in ("127.0.0.1", "localhost")
        )
    )
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    proxy = Recorder()
    proxy.__enter__()
    url = f"http://proxy-user:{SECRETS['proxy']}@127.0.0.1:{proxy.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield proxy
    proxy.__exit__()


def _settings(base_url: str, **more: Any) -> Settings:
    return Settings(
        base_url=base_url,
        credentials=(basic("user", SECRETS["password"]),),
        app_token=SECRETS["app_token"],
        **more,
    )


def _requests_with_credentials(client: ApiClient) -> None:
    client.get(
        "Contact/1",
        headers={
            "X-XSRF-TOKEN": SECRETS["xsrf"],
            "Cookie": f"SESSION={SECRETS['cookie']}",
            "X-Mine": SECRETS["mine"],
        },
    )


# --- No credential leaves the target's origin; nothing comes from the environment -------------


@pytest.mark.parametrize("status", [307, 302])
def test_a_redirect_is_the_answer_and_nothing_reaches_the_other_origin(
    status: int, hostile_environment: Recorder
) -> None:
    with (
        Recorder() as other,
        Recorder(redirect=status, to=f"http://localhost:{other.port}") as target,
    ):
        client = ApiClient(_settings(f"http://127.0.0.1:{target.port}/api/v1"))
        _requests_with_credentials(client)
        exchange = client.last
        assert exchange is not None
        assert exchange.status == status
        assert f"Location: http://localhost:{other.port}/api/v1/Contact/1 (not followed)" in (
            exchange.describe()
        )
        anonymous = client.get("Contact/2", authorization=None)
        client.post("Contact", json_body={"Name": "x"})
    assert anonymous.status == status
    assert other.seen == []
    assert hostile_environment.seen == []  # no proxy from the environment
    sent_anonymously = target.seen[1][2]
    assert "Authorization" not in sent_anonymously  # nor ~/.netrc credentials
    # the target got what was sent (the Basic password travels base64-encoded)
    assert _leaked(target.seen) == ["app_token", "xsrf", "cookie", "mine"]
    assert target.seen[0][2]["Authorization"] == basic("user", SECRETS["password"]).authorization


@pytest.mark.parametrize("status", [307, 302])
def test_a_contract_session_follows_no_redirect_even_when_asked(
    status: int, hostile_environment: Recorder
) -> None:
    """What the generated tests' session gets (contract_session): a redirect is the answer,
    whatever allow_redirects the caller (Schemathesis) passes."""
    with (
        Recorder() as other,
        Recorder(redirect=status, to=f"http://localhost:{other.port}") as target,
    ):
        session = contract_session(_settings(f"http://127.0.0.1:{target.port}/api/v1"))
        answer = session.get(
            f"http://127.0.0.1:{target.port}/api/v1/Contact/1",
            headers={"SO-AppToken": SECRETS["app_token"], "X-Mine": SECRETS["mine"]},
            allow_redirects=True,
        )
    assert answer.status_code == status
    assert other.seen == []
    assert hostile_environment.seen == []


@pytest.mark.parametrize("status", [307, 302])
def test_preflight_of_a_redirecting_target_is_one_line_and_sends_nothing_elsewhere(
    status: int, hostile_environment: Recorder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Recorder() as other:
        to = f"http://localhost:{other.port}"
        with Recorder(redirect=status, to=to, redirect_probe=True) as target:
            base = f"http://127.0.0.1:{target.port}/api/v1"
            problem = preflight(_settings(base))
            code = main(
                [
                    "run",
                    "--base-url",
                    base,
                    "--username=user",
                    f"--password={SECRETS['password']}",
                    f"--app-token={SECRETS['app_token']}",
                    "--workers",
                    "0",
                    "--report-dir",
                    str(tmp_path / "reports"),
                ]
            )
    expected = (
        f"GET {base}/Contact/0 redirected to {to}/api/v1/Contact/0 ({status}): check --base-url"
    )
    assert problem == expected
    assert code == 4
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines == [f"webapi-contract run: could not run: {expected}"]
    assert other.seen == []
    assert hostile_environment.seen == []
    written = "".join(p.read_text() for p in (tmp_path / "reports").iterdir() if p.is_file())
    assert SECRETS["password"] not in written


def test_an_explicit_proxy_is_used_for_every_request(hostile_environment: Recorder) -> None:
    with Recorder() as target, Recorder() as proxy:
        base = f"http://127.0.0.1:{target.port}/api/v1"
        settings = _settings(base, proxy=f"http://127.0.0.1:{proxy.port}")
        assert preflight(settings) is None
        exchange = ApiClient(settings).get("Contact/1")
        target_facts(settings)
    assert exchange.status == 200
    assert [path for _, path, _ in proxy.seen] == [
        f"{base}/Contact/0",
        f"{base}/Contact/1",
        f"{base}/Contact/0",
    ]
    assert len(target.seen) == 3  # through the proxy
    assert hostile_environment.seen == []


def test_the_proxy_setting_comes_from_the_table() -> None:
    assert resolve({}, {"WEBAPI_PROXY": "http://p.example:3128"}).proxy == "http://p.example:3128"
    assert resolve({}, {}, {"proxy": "http://q.example:3128"}).proxy == "http://q.example:3128"
    settings = resolve({"proxy": f"http://u:{SECRETS['proxy']}@p.example:3128"}, {})
    assert SECRETS["proxy"] in settings.secrets()
    assert SECRETS["proxy"] not in repr(settings)


def _within(seconds: float, call: Any) -> Any:
    """call() in a thread; its result or exception, or a test failure when it still runs after
    `seconds` (a hang fails the test instead of holding it)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"no verdict within {seconds:g} s: the request hangs", pytrace=False)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


# --- Every answer is bounded in time and size --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        (
            "trickle",
            "no complete answer to GET {url} within the request timeout (1 s): 200 answered",
        ),
        ("silent", "no answer to GET {url} within the request timeout (1 s)"),
    ],
)
def test_no_complete_answer_within_the_timeout_is_a_verdict(kind: str, said: str) -> None:
    with hostile.HostileServer(kind) as server:
        client = ApiClient(Settings(base_url=server.base_url, timeout=1))
        started = time.monotonic()
        with pytest.raises(NoAnswer) as raised:
            _within(10, lambda: client.get("Contact/1"))
        took = time.monotonic() - started
    assert str(raised.value).startswith(said.format(url=f"{server.base_url}/Contact/1"))
    assert took < 2.0


@contextmanager
def _trickling_headers() -> Iterator[str]:
    """A server sending its status line and then one header byte every 0.2 s, forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    while not stop.wait(0.2):
                        conn.sendall(b"a")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_headers_trickled_forever_end_at_the_timeout() -> None:
    with _trickling_headers() as base_url:
        client = ApiClient(Settings(base_url=base_url, timeout=1))
        started = time.monotonic()
        with pytest.raises(NoAnswer, match=r"within the request timeout \(1 s\)"):
            _within(10, lambda: client.get("Contact/1"))
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("kind", ["endless", "huge", "gzip-bomb"])
def test_an_answer_over_the_size_cap_is_a_verdict_not_read_into_memory(kind: str) -> None:
    with hostile.HostileServer(kind) as server:
        client = ApiClient(Settings(base_url=server.base_url, timeout=10, max_response_mb=1))
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(NoAnswer) as raised:
                _within(30, lambda: client.get("Contact/1"))
            took = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert str(raised.value) == (
        f"the answer to GET {server.base_url}/Contact/1 (200) is larger than 1 MiB "
        "(the response size cap): reading it stopped"
    )
    assert peak < 16 * 1024 * 1024, peak
    assert took < 5.0
    assert SILENCE.count == 0  # an answer, however large, is an answer


def test_a_throttled_answer_is_not_read_before_the_request_is_sent_again() -> None:
    """A 429 with an endless body: the retry does not wait for the body to end."""
    answered = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            answered.append(self.path)
            if len(answered) == 1:
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for _ in range(200_000):
                        self.wfile.write(b"10000\r\n" + b"z" * 65536 + b"\r\n")
                except OSError:
                    return
                return
            body = b'{"ContactId": 1}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/api/v1"
        started = time.monotonic()
        client = ApiClient(Settings(base_url=base, timeout=20))
        exchange = _within(30, lambda: client.get("Contact/1"))
        took = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert (exchange.status, exchange.retries) == (200, 1)
    assert took < 3.0


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("trickle", "{shown} did not answer within 1 s; check the URL or --request-timeout"),
        ("silent", "{shown} did not answer within 1 s; check the URL or --request-timeout"),
        (
            "huge",
            "{shown} answered GET {shown}/Contact/0 with more than 16 MiB; check --base-url or "
            "--max-response-mb",
        ),
        (
            "gzip-bomb",
            "{shown} answered GET {shown}/Contact/0 with more than 16 MiB; check --base-url or "
            "--max-response-mb",
        ),
    ],
)
def test_preflight_has_the_same_deadline_and_cap(kind: str, said: str) -> None:
    with hostile.HostileServer(kind, probe_too=True) as server:
        started = time.monotonic()
        problem = _within(10, lambda: preflight(Settings(base_url=server.base_url, timeout=1)))
        took = time.monotonic() - started
    assert problem == said.format(shown=server.base_url)
    assert took < 3.0


# --- A target that stops answering stops the run ------------------------------------------------


def test_the_client_stops_sending_once_the_target_stopped_answering() -> None:
    with hostile.HostileServer("silent") as server:
        client = ApiClient(Settings(base_url=server.base_url, timeout=0.5, no_answer_limit=2))
        with pytest.raises(NoAnswer) as first:
            client.get("Contact/1")
        assert not isinstance(first.value, TargetStoppedAnswering)
        with pytest.raises(TargetStoppedAnswering, match=r"^the target stopped answering: 2 "):
            client.get("Contact/2")
        started = time.monotonic()
        with pytest.raises(TargetStoppedAnswering):
            client.get("Contact/3")
        assert time.monotonic() - started < 0.1
    assert server.hostile_requests == 2  # the third was not sent


def test_an_answer_in_between_starts_the_count_again() -> None:
    with hostile.HostileServer("silent") as silent, Recorder() as answering:
        mute = ApiClient(Settings(base_url=silent.base_url, timeout=0.3, no_answer_limit=2))
        talks = ApiClient(Settings(base_url=f"http://127.0.0.1:{answering.port}/api/v1"))
        for _ in range(3):
            with pytest.raises(NoAnswer) as raised:
                mute.get("Contact/1")
            assert not isinstance(raised.value, TargetStoppedAnswering)
            talks.get("Contact/1")
    assert SILENCE.stopped is None
