"""Hostile and failing targets (loopback servers this module starts): no credential leaves the
target's origin, nothing comes from the environment, every answer is bounded in time and size,
and a target that stops answering stops the run (exit 4, reports written)."""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

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


@pytest.fixture(autouse=True)
def _fresh_silence() -> Iterator[None]:
    """Requests without an answer are counted per process: each test starts afresh."""
    SILENCE.reset()
    yield
    SILENCE.reset()


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
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


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


def _leaked(seen: list[tuple[str, str, dict[str, str]]]) -> list[str]:
    text = json.dumps(seen)
    return [name for name, secret in SECRETS.items() if secret in text]


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


@pytest.mark.slow
def test_clauses_fail_on_a_redirect_and_the_run_sends_nothing_elsewhere(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(
        f"machine 127.0.0.1 login n password {SECRETS['netrc']}\n"
        f"machine localhost login n password {SECRETS['netrc']}\n"
    )
    netrc.chmod(0o600)
    with (
        Recorder() as other,
        Recorder() as env_proxy,
        Recorder(redirect=307, to=f"http://localhost:{other.port}") as target,
    ):
        proxy_url = f"http://p:{SECRETS['proxy']}@127.0.0.1:{env_proxy.port}"
        outcome = hostile.measure_run(
            f"http://127.0.0.1:{target.port}/api/v1",
            tmp_path / "reports",
            request_timeout=5,
            environment={"NETRC": str(netrc), "HTTP_PROXY": proxy_url, "HTTPS_PROXY": proxy_url},
            extra=(f"--app-token={SECRETS['app_token']}",),
        )
    assert outcome.exit_code == 1, outcome.output[-3000:]
    assert "answered 307" in outcome.output, outcome.output[-3000:]
    assert other.seen == []
    assert env_proxy.seen == []
    assert len(target.seen) > 2
    assert _leaked(target.seen) == ["app_token"]  # the Basic password travels base64-encoded


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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
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


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2])
def test_a_target_that_stops_answering_ends_the_run_with_exit_4(
    workers: int, tmp_path: Path
) -> None:
    with hostile.HostileServer("silent") as server:
        outcome = hostile.run_against(
            server, tmp_path / "reports", request_timeout=1, workers=workers, limit_s=120
        )
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert outcome.exit_code == 4, outcome.output[-3000:]
    assert lines[-1].startswith(
        "webapi-contract run: could not finish: the target stopped answering: 3 requests in a "
        "row got no answer"
    ), lines[-1]
    assert outcome.seconds < 60
    for name in ("conformance.html", "conformance.json", "junit.xml", "history.jsonl"):
        assert (outcome.report_dir / name).is_file(), name
    data = json.loads((outcome.report_dir / "conformance.json").read_text())
    assert "the target stopped answering" in json.dumps(data)
    assert server.hostile_requests <= 3 * max(workers, 1) + workers


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "exit_code", "verdict"),
    [
        ("trickle", 4, "200 answered, its body still incomplete"),
        ("endless", 1, "is larger than 16 MiB (the response size cap): reading it stopped"),
        ("huge", 1, "is larger than 16 MiB (the response size cap): reading it stopped"),
        ("gzip-bomb", 1, "is larger than 16 MiB (the response size cap): reading it stopped"),
    ],
)
def test_a_hostile_answer_costs_a_bounded_time_and_memory(
    kind: str, exit_code: int, verdict: str, tmp_path: Path
) -> None:
    timeout = 2.0
    with hostile.HostileServer(kind) as server:
        outcome = hostile.run_against(server, tmp_path / "reports", request_timeout=timeout)
        durations = list(server.durations)
    assert outcome.exit_code == exit_code, outcome.output[-3000:]
    assert verdict in outcome.output, outcome.output[-3000:]
    assert outcome.requests >= 3
    # each answer ends within 2 x the timeout (the server sees the client go at its next write)
    assert max(durations) < 2 * timeout + 1.5, durations
    assert outcome.seconds < STARTUP_S + 2 * timeout * outcome.requests, outcome.line()
    # measured (a Python process with pytest loaded holds more than 30 MiB), and bounded
    assert 30 < outcome.peak_rss_mib < 300, outcome.line()
    assert (outcome.report_dir / "conformance.html").is_file()


# What a run costs before its first request (interpreter, pytest, the suite's imports), loaded.
STARTUP_S = 30.0
