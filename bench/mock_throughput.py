"""PATCH throughput and latency of the reference mock over loopback keep-alive connections.

Starts `python -m webapi_contract.mock` in its own process on a file-backed database, creates one
full ContactEntity per connection, then PATCHes them for a bounded time from an asyncio client
(raw HTTP/1.1, keep-alive; on uvloop, as the server is, unless `--client-loop asyncio`) and prints
requests/s and p50/p99/max latency against the targets (ratio, then PASS or BELOW), and the CPU
time server and client spent per PATCH (the figure that moves least when the machine is busy).
`--profile FILE` runs the server under cProfile (its thread's CPU clock) and prints where its
time goes by part; the profiler's cost per Python call inflates the parts made of many calls.

    .venv/bin/python bench/mock_throughput.py [--duration 10] [--connections 4] [--profile F]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TARGET_RPS, TARGET_P99_MS = 5000, 5.0
STALL_SECONDS = 30.0  # the longest wait for the mock to start, or to answer once PATCHing ends


def full_contact() -> dict[str, Any]:
    """A ContactEntity with every documented group filled, like the doc's sample request."""
    element = {"Value": "v@example.com", "StrippedValue": "v@example.com", "Description": "d"}
    return {
        "ContactId": 0,
        "Name": "Bench Contact",
        "Department": "Sales",
        "OrgNr": "1216394",
        "Number1": "1429858",
        "Number2": "1463982",
        "Emails": [element, element],
        "Urls": [element, element],
        "Phones": [element, element],
        "Faxes": [element, element],
        "Interests": [{"Id": 872, "Name": "Golf", "Selected": True, "Rank": 1}],
        "Description": "Upgradable global info-mediaries",
        "Category": {"Id": 1, "Value": "VIP Customer", "Tooltip": "VIP"},
        "Country": {"CountryId": 578, "Name": "Norway", "TwoLetterISOCountry": "NO"},
        "Business": {"Id": 2, "Value": "IT"},
        "Persons": [
            {"PersonId": 263, "Firstname": "Braeden", "Lastname": "Glover", "Rank": 1},
            {"PersonId": 264, "Firstname": "Joyce", "Lastname": "Pacocha", "Rank": 2},
        ],
        "NoMailing": True,
        "Xstop": False,
        "ActiveInterests": 1,
        "GroupId": 91,
        "Deleted": 0,
        "DbiKey": "molestiae",
        "Source": 822,
        "BounceEmails": ["marlee.jacobs@example.com", "eldred@example.com"],
        "Domains": ["example.com", "example.org"],
        "UserDefinedFields": {"SuperOffice:1": "Lucienne Russel", "SuperOffice:2": "389482166"},
        "ExtraFields": {"ExtraFields1": "voluptatibus", "ExtraFields2": "placeat"},
        "CustomFields": {"CustomFields1": "earum", "CustomFields2": "voluptatibus"},
    }


# Runs `serve` with the uvicorn thread under cProfile (cProfile sees only the thread it runs in),
# timed by the thread's CPU clock: on a busy machine, wall-clock time would charge whatever
# function was running when the scheduler took the core away.
PROFILED_SERVE = """
import cProfile, sys, time, uvicorn
from webapi_contract.mock.command import main
serve_in_thread = uvicorn.Server.run
def profiled(self, sockets=None):
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        serve_in_thread(self, sockets)
    finally:
        profile.disable()
        profile.dump_stats(sys.argv[1])
uvicorn.Server.run = profiled
sys.exit(main(sys.argv[2:]))
"""


# Where the server's CPU time goes, by the file (and for a few, the function) that spends it; a
# built-in (sqlite3's execute, json's C scanner, a socket write) counts for whoever called it.
PARTS = (
    (
        "HTTP protocol (uvicorn, h11/httptools, transport guards)",
        ("uvicorn/", "/h11/", "httptools", "mock/transport.py"),
    ),
    ("Starlette (Request, headers, Response)", ("starlette/",)),
    (
        "body parsing (JSON decode, body checks)",
        (
            "json/decoder.py",
            "json/__init__.py:loads",
            "mock/app.py:_parse_json",
            "mock/app.py:unstorable",
            "mock/app.py:body",
            "mock/app.py:json",
            "mock/app.py:_off_loop_if_large",
        ),
    ),
    (
        "patch engine (JSON Patch, pointers, shape)",
        (
            "mock/superoffice/patching.py",
            "mock/superoffice/pointer.py",
            "jsonpatch",
            "jsonpointer",
            "mock/shape.py",
            "copy.py",
        ),
    ),
    (
        "validation (jsonschema, contract)",
        ("jsonschema", "referencing", "rpds", "mock/contract.py"),
    ),
    ("SQLite (storage)", ("mock/storage.py", "sqlite3")),
    (
        "serialisation (JSON encode, links, render)",
        (
            "json/encoder.py",
            "json/__init__.py:dumps",
            "mock/app.py:_render",
            "routes.py:with_links",
            "email/utils.py",
        ),
    ),
    ("service (stamps, clock)", ("mock/superoffice/service.py", "mock/clock.py")),
    (
        "routing, auth, faults, app glue",
        (
            "mock/app.py",
            "mock/superoffice/routes.py",
            "mock/superoffice/auth.py",
            "mock/auth.py",
            "mock/faults.py",
            "mock/negotiation.py",
            "hmac",
            "secrets.py",
            "contextlib.py",
            "mock/errors.py",
        ),
    ),
    ("event loop, sockets", ("asyncio/", "uvloop", "contextvars", "threading.py", "selectors")),
)


def _part(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for part, markers in PARTS:
        if any(marker in where for marker in markers):
            return part
    return "other"


def profile_split(path: Path, requests: int) -> None:
    """Print the server's CPU time per PATCH by part, from a cProfile dump."""
    import pstats

    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    spent: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, callers) in stats.items():
        if filename == "~":  # a built-in: split among its callers
            for (caller_file, _, caller_name), timing in callers.items():
                part = _part(caller_file, caller_name)
                if part == "other":
                    part = _part(filename, name)
                spent[part] = spent.get(part, 0.0) + timing[2]
            continue
        part = _part(filename, name)
        spent[part] = spent.get(part, 0.0) + own
    total = sum(spent.values())
    print(
        f"server CPU by part (cProfile, thread CPU clock; {total * 1e6 / requests:.0f} us/PATCH "
        "under the profiler):"
    )
    for part, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {seconds * 1e6 / requests:6.0f} us  {part}")


def start_server(db: Path, token: str, profile: Path | None) -> tuple[subprocess.Popen[str], str]:
    """The mock in its own process (so client and server do not share a GIL); its base URL."""
    options = ["--host", "127.0.0.1", "--db", str(db)]
    command = [sys.executable, "-m", "webapi_contract.mock", *options]
    if profile is not None:
        command = [sys.executable, "-c", PROFILED_SERVE, str(profile), *options]
    env = {**os.environ, "WEBAPI_MOCK_TOKEN": token}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    watchdog = threading.Timer(STALL_SECONDS, process.kill)  # no first line: give up
    watchdog.start()
    try:
        first = process.stdout.readline().strip()
    finally:
        watchdog.cancel()
    if "listening on" not in first:
        process.kill()
        raise SystemExit(f"the mock did not start: {first!r}")
    return process, first.rsplit(" ", 1)[1]


class Connection:
    """One keep-alive HTTP/1.1 connection sending raw requests."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.cookies: list[bytes] = []
        self.cookie = b""

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        self.writer.write(head + self.cookie + b"\r\n" + body)
        status_line, *lines = (await self.reader.readuntil(b"\r\n\r\n")).split(b"\r\n")[:-2]
        length = 0
        for line in lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"set-cookie":  # keep the session, as requests.Session would
                self.cookies.append(value.split(b";")[0].strip())
                self.cookie = b"Cookie: " + b"; ".join(self.cookies) + b"\r\n"
        payload = await self.reader.readexactly(length) if length else b""
        return int(status_line.split()[1]), payload


def request_head(method: str, url: str, token: str, length: int, content_type: str) -> bytes:
    parts = urlsplit(url)
    return (
        f"{method} {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n"
    ).encode()


JSON_PATCH = "application/json-patch+json"


def _department_ops(value: str) -> list[dict[str, str]]:
    return [{"op": "replace", "path": "/Department", "value": value}]


async def worker(base: str, token: str, deadline: float, latencies: list[float]) -> int:
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    conn = Connection(reader, writer)
    body = json.dumps(full_contact()).encode()
    save = request_head(
        "POST", f"{base}/Agents/Contact/SaveContactEntity", token, len(body), "application/json"
    )
    status, payload = await conn.request(save, body)
    assert status == 200, payload
    contact_id = json.loads(payload)["ContactId"]
    url = f"{base}/Contact/{contact_id}"
    # The request of PATCH number n, as json.dumps([{"op": "replace", "path": "/Department",
    # "value": f"dept {n}"}]) and request_head(...) would write it, without their cost per
    # request (the client's CPU is taken from the same 2 cores as the server's).
    head_before_length = request_head("PATCH", url, token, 0, JSON_PATCH).rsplit(b" ", 1)[0]
    body_before, body_after = json.dumps(_department_ops("\0")).encode().split(b"\\u0000")
    errors = n = 0
    while (start := time.perf_counter()) < deadline:
        patch = b"%sdept %d%s" % (body_before, n, body_after)
        head = b"%s %d\r\n" % (head_before_length, len(patch))
        status, _ = await conn.request(head, patch)
        latencies.append(time.perf_counter() - start)
        errors += status != 200
        n += 1
    writer.close()
    return errors


async def run(base: str, token: str, duration: float, connections: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    deadline = time.perf_counter() + duration
    workers = asyncio.gather(
        *(worker(base, token, deadline, latencies) for _ in range(connections))
    )
    try:
        errors = await asyncio.wait_for(workers, duration + STALL_SECONDS)
    except TimeoutError:
        raise SystemExit(f"the mock stopped answering ({len(latencies)} answers)") from None
    return latencies, sum(errors)


def client_loop(name: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The client's event loop factory: uvloop (the server's loop too) when asked and
    installed, else asyncio's own."""
    if name == "uvloop":
        try:
            import uvloop
        except ImportError:
            return None
        factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
        return factory
    return None


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time a process has used (Linux /proc; zeros elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of PATCHing")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the server here")
    parser.add_argument(
        "--client-loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="the client's event loop (default uvloop when installed, as the server's is)",
    )
    args = parser.parse_args()
    duration = min(max(args.duration, 0.5), 120.0)  # bounded in time
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="mock-bench-") as folder:
        server, base = start_server(Path(folder) / "bench.sqlite3", token, args.profile)
        try:
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            started = time.perf_counter()
            with asyncio.Runner(loop_factory=client_loop(args.client_loop)) as runner:
                latencies, errors = runner.run(run(base, token, duration, args.connections))
            elapsed = time.perf_counter() - started
            (user, system), (user_before, system_before) = cpu_seconds(server.pid), server_cpu
            server_user, server_system = user - user_before, system - system_before
            client_cpu = time.process_time() - client_cpu
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    latencies.sort()
    count = len(latencies)
    if not count:
        print("no PATCH completed")
        return 1
    rps = count / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(count - 1, int(count * 0.99))] * 1000
    print(
        f"PATCH Contact/{{id}} (full ContactEntity, file-backed SQLite, 1 server process, "
        f"{args.connections} keep-alive connections, {duration:g} s, client on "
        f"{'uvloop' if client_loop(args.client_loop) else 'asyncio'})"
    )
    print(f"  requests: {count}  non-200: {errors}")
    print(f"  throughput: {rps:,.0f} PATCH/s (target >= {TARGET_RPS:,}: {rps / TARGET_RPS:.2f}x)")
    print(
        f"  latency: p50 {p50:.2f} ms  p99 {p99:.2f} ms (target <= {TARGET_P99_MS:g}: "
        f"{p99 / TARGET_P99_MS:.2f}x)  max {latencies[-1] * 1000:.2f} ms"
    )
    print(
        f"  CPU per PATCH: server {(server_user + server_system) * 1e6 / count:.0f} us "
        f"({server_system * 1e6 / count:.0f} in the kernel), client "
        f"{client_cpu * 1e6 / count:.0f} us (2 cores shared by both)"
    )
    met = rps >= TARGET_RPS and p99 <= TARGET_P99_MS and not errors
    print(f"  {'PASS' if met else 'BELOW'}: {rps:,.0f} PATCH/s, p99 {p99:.2f} ms, {errors} non-200")
    if args.profile is not None:
        profile_split(args.profile, count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
