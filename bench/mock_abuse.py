"""What abuse costs the reference mock: big merge patches, a GET beside one, a huge header, idle
connections that never finish their headers.

Starts `python -m webapi_contract.mock` in its own process on a file-backed database and prints:

- merge: seconds for a merge patch adding n keys to a CustomFields map of n keys (n = 2k, 4k,
  8k), their ratios (linear work: 4k/2k ~ 2, 8k/2k ~ 4), and a 1 MiB merge patch (every key
  of an 8k map re-spelled in upper case, then new keys up to the body limit);
- get: GET latency p50/max on another connection while that 1 MiB merge patch runs;
- header: the answer to a request with a 16 MiB header (and to one of 8 KiB, which must pass);
- idle: how long the mock keeps connections that send nothing or half a request head.

    .venv/bin/python bench/mock_abuse.py [--parts merge,get,header,idle] [--idle 500]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

PARTS = ("merge", "get", "header", "idle")
SAVE = "Agents/Contact/SaveContactEntity"
MERGE = "application/merge-patch+json"
BODY_LIMIT = 1024 * 1024  # the mock's MAX_BODY


def start_server(db: Path, token: str) -> tuple[subprocess.Popen[str], str]:
    """The mock in its own process (client and server do not share a GIL); its base URL."""
    command = [sys.executable, "-m", "webapi_contract.mock", "--host", "127.0.0.1", "--db", str(db)]
    env = {**os.environ, "WEBAPI_MOCK_TOKEN": token}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if "listening on" not in first:
        process.kill()
        raise SystemExit(f"the mock did not start: {first!r}")
    return process, first.rsplit(" ", 1)[1]


def keys(count: int, stem: str = "field") -> dict[str, str]:
    return {f"{stem}{n:06d}": f"v{n}" for n in range(count)}


def create(session: requests.Session, base: str, custom: dict[str, str]) -> str:
    sent = session.post(f"{base}/{SAVE}", json={"Name": "Abuse", "CustomFields": custom})
    assert sent.status_code == 200, sent.text[:300]
    return f"{base}/Contact/{sent.json()['ContactId']}"


def merge(session: requests.Session, url: str, body: bytes) -> float:
    started = time.perf_counter()
    sent = session.patch(url, data=body, headers={"Content-Type": MERGE}, timeout=300)
    elapsed = time.perf_counter() - started
    assert sent.status_code == 200, sent.text[:300]
    return elapsed


def megabyte_patch(existing: int) -> bytes:
    """A merge patch of CustomFields just under the body limit: every existing key re-spelled
    in upper case (a case-insensitive match each), then new keys."""
    custom = {key.upper(): "W" for key in keys(existing)}
    body = json.dumps({"CustomFields": custom}).encode()
    entry = len(', "new0000000": "n"')
    extra = (BODY_LIMIT - 64 - len(body)) // entry
    custom.update({f"new{n:07d}": "n" for n in range(extra)})
    body = json.dumps({"CustomFields": custom}).encode()
    assert len(body) <= BODY_LIMIT, len(body)
    return body


def bench_merge(session: requests.Session, base: str) -> None:
    print("merge patch: n new keys into a CustomFields map of n keys")
    seconds: dict[int, float] = {}
    for count in (2000, 4000, 8000):
        url = create(session, base, keys(count))
        body = json.dumps({"CustomFields": keys(count, "added")}).encode()
        seconds[count] = merge(session, url, body)
        print(f"  n={count:>5}  body {len(body) / 1024:6.0f} KiB  {seconds[count]:7.3f} s")
    print(
        f"  ratios: 4k/2k {seconds[4000] / seconds[2000]:.1f}  "
        f"8k/2k {seconds[8000] / seconds[2000]:.1f} (linear: 2 and 4; quadratic: 4 and 16)"
    )
    body = megabyte_patch(8000)
    url = create(session, base, keys(8000))
    took = merge(session, url, body)
    print(f"  1 MiB merge patch ({len(body):,} bytes) into 8k keys: {took:.3f} s (target < 1)")


def bench_get(session: requests.Session, base: str, token: str) -> None:
    small = create(session, base, keys(2))
    big = create(session, base, keys(8000))
    body = megabyte_patch(8000)
    took: list[float] = []

    def patcher() -> None:
        with requests.Session() as other:
            other.headers["Authorization"] = f"Bearer {token}"
            took.append(merge(other, big, body))

    thread = threading.Thread(target=patcher)
    latencies: list[float] = []
    thread.start()
    time.sleep(0.02)  # the body is on its way
    while thread.is_alive():
        started = time.perf_counter()
        assert session.get(small, timeout=60).status_code == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.005)
    thread.join()
    print(f"GET beside a 1 MiB merge patch (the patch took {took[0]:.3f} s)")
    if not latencies:
        print("  no GET was sent while the patch ran")
        return
    p50, worst = statistics.median(latencies) * 1000, max(latencies) * 1000
    print(f"  {len(latencies)} GETs: p50 {p50:.1f} ms  max {worst:.1f} ms (target max < 100)")


def head_answer(base: str, header_bytes: int) -> str:
    parts = urlsplit(base)
    started = time.perf_counter()
    head = f"GET {parts.path}/Contact/1 HTTP/1.1\r\nHost: {parts.netloc}\r\nX-Big: ".encode()
    answer = "closed"
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        # An OSError: the mock stopped reading; its answer (if any) is still to be read.
        with contextlib.suppress(OSError):
            sock.sendall(head + b"a" * header_bytes + b"\r\n\r\n")
        try:
            data = sock.recv(4096)
            if data:
                answer = data.split(b"\r\n", 1)[0].decode("latin-1")
        except OSError as exc:
            answer = f"closed ({type(exc).__name__})"
    return f"{answer} after {time.perf_counter() - started:.2f} s"


def bench_header(base: str) -> None:
    print("request header size")
    print(f"  8 KiB header: {head_answer(base, 8 * 1024)}")
    print(f"  16 MiB header: {head_answer(base, 16 * 1024 * 1024)}")


def bench_idle(base: str, count: int, cap: float) -> None:
    parts = urlsplit(base)
    host, port = parts.hostname, parts.port
    assert host is not None
    assert port is not None
    selector = selectors.DefaultSelector()
    opened: dict[socket.socket, tuple[str, float]] = {}
    partial = f"GET {parts.path}/Contact/1 HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode()
    for n in range(count):
        sock = socket.create_connection((host, port))
        kind = "silent" if n % 2 else "half-head"
        if kind == "half-head":
            sock.sendall(partial)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        opened[sock] = (kind, time.monotonic())
    closed: dict[str, list[float]] = {"silent": [], "half-head": []}
    answers: set[str] = set()
    deadline = time.monotonic() + cap
    while opened and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if data:
                answers.add(data.split(b"\r\n", 1)[0].decode("latin-1"))
                continue  # read on until the close
            kind, since = opened.pop(sock)
            closed[kind].append(time.monotonic() - since)
            selector.unregister(sock)
            sock.close()
    for sock in opened:
        sock.close()
    print(f"idle connections ({count}: half send nothing, half half a request head)")
    for kind, after in closed.items():
        shown = ""
        if after:
            shown = f" after p50 {statistics.median(after):.1f} s, max {max(after):.1f} s"
        print(f"  {kind}: {len(after)} closed by the mock{shown}")
    print(f"  still open after {cap:g} s: {len(opened)}; answers seen: {sorted(answers) or '-'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS), help="which parts to run")
    parser.add_argument("--idle", type=int, default=500, help="idle connections to open")
    parser.add_argument("--idle-cap", type=float, default=40.0, help="seconds to watch them")
    args = parser.parse_args()
    chosen = [part.strip() for part in args.parts.split(",") if part.strip()]
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="mock-abuse-") as folder:
        server, base = start_server(Path(folder) / "abuse.sqlite3", token)
        try:
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {token}"
                if "merge" in chosen:
                    bench_merge(session, base)
                if "get" in chosen:
                    bench_get(session, base, token)
            if "header" in chosen:
                bench_header(base)
            if "idle" in chosen:
                bench_idle(base, args.idle, args.idle_cap)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
