"""Whole runs against hostile targets (stopping to answer, trickling, endless or bomb answers,
redirects): each ends in a bounded time with a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.hostile import SECRETS, Recorder, _leaked, hostile

# What a run costs before its first request (interpreter, pytest, the suite's imports), loaded.
STARTUP_S = 30.0


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
