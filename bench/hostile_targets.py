"""What a hostile or failing target costs a run: `webapi-contract run` against loopback servers
that answer the preflight, then trickle a body at 1 byte/s, stream one that never ends, send
500 MB, a gzip bomb (1 MB that inflates to 1 GiB), or stop answering.

Each run is a subprocess; printed per server: wall time, the requests it got (past the
preflight) and the time per request, the run's peak RSS (wait4), and its exit code.

    .venv/bin/python bench/hostile_targets.py [--request-timeout 2] [--kinds trickle,endless]

The tests (tests/unit/test_hostile_transport.py and tests/integration/test_hostile_target_runs.py,
through tests/support/hostile.py) import this module: the servers and the measurement are the
same in both.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

KINDS = ("trickle", "endless", "huge", "gzip-bomb", "silent")
PREFIX = "/api/v1"
PROBE = f"{PREFIX}/Contact/0"  # the preflight's probe: answered properly
HUGE_BYTES = 500 * 1000 * 1000
BOMB_INFLATED = 1 << 30
_CHUNK = b"x" * 65536
# The longest a handler keeps a connection (a run that never reads it cannot hold a thread).
HANDLER_LIMIT_S = 120.0
# The clauses a run selects by default: a few reads, no generated tests.
SUBSET = "test_read"


def gzip_bomb() -> bytes:
    """1 GiB of zeros as gzip, about 1 MB: 1024 gzip members of 1 MiB each (concatenated
    members are one valid gzip stream), built in milliseconds."""
    member = gzip.compress(b"\0" * (1 << 20), compresslevel=9)
    return member * (BOMB_INFLATED >> 20)


@dataclass
class HostileServer:
    """A loopback server: GET of the probe path answers 200 JSON (unless probe_too); every
    other request gets the behaviour of `kind`. Records what it was sent (method, path,
    headers) and how long each hostile answer lasted."""

    kind: str
    probe_too: bool = False
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}: one of {', '.join(KINDS)}")
        self.stop = threading.Event()
        self.bomb = gzip_bomb() if self.kind == "gzip-bomb" else b""
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{PREFIX}"

    @property
    def hostile_requests(self) -> int:
        """Requests that got the hostile behaviour (not the probe)."""
        return sum(1 for _, path, _ in self.seen if path != PROBE or self.probe_too)

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                owner.seen.append((self.command, self.path, dict(self.headers.items())))
                if self.path == PROBE and self.command == "GET" and not owner.probe_too:
                    self._answer(200, b'{"ContactId": 0, "Name": "probe"}')
                    return
                started = time.monotonic()
                try:
                    getattr(self, "_" + owner.kind.replace("-", "_"))()
                except OSError:
                    pass  # the client went away: what a bounded client does
                finally:
                    owner.durations.append(time.monotonic() - started)
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _any

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _head(self, **headers: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.flush()

            def _until(self) -> float:
                return time.monotonic() + HANDLER_LIMIT_S

            def _trickle(self) -> None:
                self._head(Content_Length="1000")
                end = self._until()
                self.wfile.write(b'{"ContactId": 1, "Name": "')
                while time.monotonic() < end and not owner.stop.wait(1.0):
                    self.wfile.write(b"a")
                    self.wfile.flush()

            def _endless(self) -> None:
                self._head(Transfer_Encoding="chunked")
                end = self._until()
                frame = f"{len(_CHUNK):x}\r\n".encode() + _CHUNK + b"\r\n"
                while time.monotonic() < end and not owner.stop.is_set():
                    self.wfile.write(frame)

            def _huge(self) -> None:
                self._head(Content_Length=str(HUGE_BYTES))
                end = self._until()
                left = HUGE_BYTES
                while left > 0 and time.monotonic() < end and not owner.stop.is_set():
                    piece = _CHUNK[: min(left, len(_CHUNK))]
                    self.wfile.write(piece)
                    left -= len(piece)

            def _gzip_bomb(self) -> None:
                self._head(Content_Encoding="gzip", Content_Length=str(len(owner.bomb)))
                view = memoryview(owner.bomb)
                for start in range(0, len(view), len(_CHUNK)):
                    if owner.stop.is_set():
                        return
                    self.wfile.write(view[start : start + len(_CHUNK)])

            def _silent(self) -> None:
                owner.stop.wait(HANDLER_LIMIT_S)  # the connection stays open, unanswered

        return Handler


@dataclass
class Measured:
    """One `webapi-contract run` subprocess: its wall time, exit code, peak RSS and output."""

    seconds: float
    exit_code: int
    peak_rss_mib: float
    output: str
    report_dir: Path


@dataclass
class Outcome(Measured):
    """A run against a hostile server, and the requests that server got."""

    kind: str = ""
    requests: int = 0

    def line(self) -> str:
        per = f"{self.seconds / self.requests:5.1f} s/request" if self.requests else "—"
        return (
            f"{self.kind:10} {self.seconds:6.1f} s  {self.requests:3} requests ({per})  "
            f"peak RSS {self.peak_rss_mib:6.0f} MiB  exit {self.exit_code}"
        )


def measure_run(
    base_url: str,
    report_dir: Path,
    *,
    request_timeout: float = 2.0,
    workers: int = 0,
    subset: str = SUBSET,
    limit_s: float = 300.0,
    environment: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> Measured:
    """`webapi-contract run` against base_url in a subprocess (no WEBAPI_* variable of ours,
    environment added), measured."""
    command = [
        sys.executable,
        "-m",
        "webapi_contract",
        "run",
        "--base-url",
        base_url,
        "--username=hostile-user",
        "--password=hostile-Pw-7311",
        "--request-timeout",
        f"{request_timeout:g}",
        "--workers",
        str(workers),
        "--report-dir",
        str(report_dir),
        "--no-allure-report",
        *extra,
        "--",
        "-k",
        subset,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(environment or {})
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        status, peak_rss_mib = _wait(child, started + limit_s)
        seconds = time.monotonic() - started
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return Measured(
        seconds=seconds,
        exit_code=status,
        peak_rss_mib=peak_rss_mib,
        output=output,
        report_dir=report_dir,
    )


def run_against(server: HostileServer, report_dir: Path, **options: Any) -> Outcome:
    """measure_run against a hostile server (options: those of measure_run)."""
    measured = measure_run(server.base_url, report_dir, **options)
    return Outcome(**vars(measured), kind=server.kind, requests=server.hostile_requests)


def _high_water_mib(pid: int) -> float | None:
    """The peak RSS of pid's current program (VmHWM), None once it is gone. Unlike
    ru_maxrss it does not count what the parent held when it forked the child."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _wait(child: subprocess.Popen[bytes], deadline: float) -> tuple[int, float]:
    """The exit code and peak RSS (MiB) of child (killed at the deadline)."""
    peak = 0.0
    while True:
        seen = _high_water_mib(child.pid)
        if seen is not None:
            peak = max(peak, seen)
        pid, status, _ = os.wait4(child.pid, os.WNOHANG)
        if pid == child.pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, peak
        if time.monotonic() > deadline:
            child.kill()
        time.sleep(0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--request-timeout", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("-k", dest="subset", default=SUBSET, help="the clauses run (pytest -k)")
    args = parser.parse_args(argv)
    print(
        f"webapi-contract run --request-timeout {args.request_timeout:g} --workers "
        f"{args.workers} -- -k {args.subset!r}, against each hostile server:"
    )
    for kind in args.kinds.split(","):
        with tempfile.TemporaryDirectory() as folder, HostileServer(kind) as server:
            outcome = run_against(
                server,
                Path(folder) / "reports",
                request_timeout=args.request_timeout,
                workers=args.workers,
                subset=args.subset,
            )
        print(outcome.line(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
