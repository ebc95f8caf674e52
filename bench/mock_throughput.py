"""PATCH throughput and latency of the reference mock over loopback keep-alive connections.

Starts `python -m webapi_contract.mock` in its own process on a file-backed database, creates one
full ContactEntity per connection, then PATCHes them for a bounded time from an asyncio client
(raw HTTP/1.1, keep-alive) and prints requests/s with p50/p99/max latency.

    .venv/bin/python bench/mock_throughput.py [--duration 10] [--connections 4] [--profile]
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
import time
from pathlib import Path
from urllib.parse import urlsplit

TARGET_RPS, TARGET_P99_MS = 5000, 5.0


def full_contact() -> dict:
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


# Runs `serve` with the uvicorn thread under cProfile (cProfile sees only the thread it runs in).
PROFILED_SERVE = """
import cProfile, sys, uvicorn
from webapi_contract.mock.command import main
serve_in_thread = uvicorn.Server.run
def profiled(self, sockets=None):
    profile = cProfile.Profile()
    profile.enable()
    try:
        serve_in_thread(self, sockets)
    finally:
        profile.disable()
        profile.dump_stats(sys.argv[1])
uvicorn.Server.run = profiled
sys.exit(main(sys.argv[2:]))
"""


def start_server(db: Path, token: str, profile: Path | None) -> tuple[subprocess.Popen, str]:
    """The mock in its own process (so client and server do not share a GIL); its base URL."""
    options = ["--host", "127.0.0.1", "--db", str(db)]
    command = [sys.executable, "-m", "webapi_contract.mock", *options]
    if profile is not None:
        command = [sys.executable, "-c", PROFILED_SERVE, str(profile), *options]
    env = {**os.environ, "WEBAPI_MOCK_TOKEN": token}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
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
        status_line = await self.reader.readuntil(b"\r\n")
        length = 0
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
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
    errors = n = 0
    while (start := time.perf_counter()) < deadline:
        ops = [{"op": "replace", "path": "/Department", "value": f"dept {n}"}]
        patch = json.dumps(ops).encode()
        head = request_head("PATCH", url, token, len(patch), "application/json-patch+json")
        status, _ = await conn.request(head, patch)
        latencies.append(time.perf_counter() - start)
        errors += status != 200
        n += 1
    writer.close()
    return errors


async def run(base: str, token: str, duration: float, connections: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    deadline = time.perf_counter() + duration
    errors = await asyncio.gather(
        *(worker(base, token, deadline, latencies) for _ in range(connections))
    )
    return latencies, sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of PATCHing")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the server here")
    args = parser.parse_args()
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="mock-bench-") as folder:
        server, base = start_server(Path(folder) / "bench.sqlite3", token, args.profile)
        try:
            started = time.perf_counter()
            latencies, errors = asyncio.run(run(base, token, args.duration, args.connections))
            elapsed = time.perf_counter() - started
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    latencies.sort()
    count = len(latencies)
    rps = count / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(count - 1, int(count * 0.99))] * 1000
    print(
        f"PATCH Contact/{{id}} (full ContactEntity, file-backed SQLite, 1 worker, "
        f"{args.connections} keep-alive connections, {args.duration:g} s)"
    )
    print(f"  requests: {count}  non-200: {errors}")
    print(f"  throughput: {rps:,.0f} PATCH/s (target >= {TARGET_RPS:,})")
    print(
        f"  latency: p50 {p50:.2f} ms  p99 {p99:.2f} ms (target <= {TARGET_P99_MS:g})  "
        f"max {latencies[-1] * 1000:.2f} ms"
    )
    met = rps >= TARGET_RPS and p99 <= TARGET_P99_MS
    print(f"  target {'met' if met else 'missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
