"""A fork server for selfcheck's runs: one process imports pytest, the plugin and the suite once,
then forks one child per run, which calls `pytest.main` with that run's arguments, environment
and output file.

A `python -m pytest` process spends most of a short run importing (pytest rewrites the asserts of
every module of a package with a `pytest11` entry point: ours, Schemathesis' and Hypothesis'),
so a run forked from a warmed-up process starts in a fraction of the time. `ForkServer` starts
the server as `python -c BOOTSTRAP <this file>`: it imports nothing of this package before pytest
does, so the plugin and the suite are imported (and rewritten) by pytest, as in `python -m
pytest`. Its warm-up is a `--collect-only` session of the suite. The server stays
single-threaded (it forks); the mocks run in the selfcheck process.

Protocol: one JSON object a line on the server's stdin and stdout.

    -> {"warm": [pytest args]}            the first line: the warm-up
    <- {"ready": true}
    -> {"run": ID, "args": [...], "env": {...}, "cwd": DIR, "output": PATH}
    <- {"exited": ID, "code": N}         N: pytest's exit code; -S when killed by signal S
    -> {"kill": ID}                      a run past its timeout: it is killed

At the end of its stdin the server kills the children still running and exits.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["BOOTSTRAP", "ForkServer", "ForkServerError"]

# Runs this file as __main__ without importing its package first (see the module docstring).
BOOTSTRAP = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
INTERNAL_ERROR = 3  # pytest's exit code for an internal error
_KILL_GRACE = 10.0  # seconds to wait for a killed run to be reaped


class ForkServerError(RuntimeError):
    """The fork server could not start, or stopped."""


def _child(request: dict[str, Any], keep: Sequence[int]) -> int:
    """In the forked child: become the run (its folder, output, environment), run pytest."""
    import random

    import pytest

    for fd in keep:
        os.close(fd)
    os.chdir(request["cwd"])
    output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()  # a fresh process's state, not the server's copy
    code = pytest.main(list(request["args"]))
    return int(code)


def _fork(request: dict[str, Any], keep: Sequence[int], interrupt: Any) -> int:
    """Start one run in a child process; the child's pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = INTERNAL_ERROR
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # Ctrl-C reaches the run (it shares the terminal's process group) as it would reach
        # `python -m pytest` started by selfcheck
        signal.signal(signal.SIGINT, interrupt)
        code = _child(request, keep)
    except BaseException:  # the child must never return into the server's loop
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _warm_up(request: dict[str, Any]) -> None:
    """Import pytest, the plugin and the suite through a --collect-only session (in the
    environment the server was started with)."""
    import pytest

    try:
        pytest.main(list(request["warm"]))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def serve() -> int:
    """The server's loop (stdin: requests, stdout: replies; see the module docstring)."""
    # Ctrl-C is for the runs; the server ends when its stdin does (selfcheck ended)
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN) or signal.SIG_DFL
    commands, replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # what the warm-up prints goes to the server's stderr, never to the replies

    def reply(message: dict[str, Any]) -> None:
        os.write(replies, (json.dumps(message) + "\n").encode())

    pending = b""

    def read_lines() -> list[dict[str, Any]] | None:
        nonlocal pending
        chunk = os.read(commands, 1 << 16)
        if not chunk:
            return None
        pending += chunk
        *lines, pending = pending.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    first: list[dict[str, Any]] | None = []
    while first == []:
        first = read_lines()
    if first is None:
        return 0
    _warm_up(first[0])
    # What the warm-up imported stays for every child: out of the collector's sight, a child's
    # gc.collect (pytest runs several at the end of a session) need not walk it
    gc.collect()
    gc.freeze()
    reply({"ready": True})
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    keep = (commands, replies, wake_read, wake_write)
    running: dict[int, str] = {}
    selector = selectors.DefaultSelector()
    selector.register(commands, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    requests = list(first[1:])
    open_ = True
    while open_ or running:
        for request in requests:
            if "run" in request:
                pid = _fork(request, keep, interrupt)
                running[pid] = str(request["run"])
            elif "kill" in request:
                for pid, run in running.items():
                    if run == str(request["kill"]):
                        _kill(pid)
        requests = []
        for key, _ in selector.select(timeout=1.0):
            if key.fd == wake_read:
                while True:
                    try:
                        if not os.read(wake_read, 512):
                            break
                    except BlockingIOError:
                        break
            elif open_:
                lines = read_lines()
                if lines is None:
                    open_ = False
                    selector.unregister(commands)
                    for pid in running:
                        _kill(pid)
                else:
                    requests = lines
        while running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in running:
                reply({"exited": running.pop(pid), "code": os.waitstatus_to_exitcode(status)})
    return 0


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


class _Run:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.code: int | None = None


class ForkServer:
    """The selfcheck side: starts the server, hands it runs (from several threads), stops it."""

    def __init__(self, cwd: Path, warm_args: Sequence[str], warm_env: dict[str, str]) -> None:
        self.cwd = cwd
        self.warm_args = list(warm_args)
        self.warm_env = dict(warm_env)
        self._process: subprocess.Popen[bytes] | None = None
        self._runs: dict[str, _Run] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._problem: str | None = None
        self._log: IO[bytes] | None = None

    def start(self, log: Path, timeout: float) -> None:
        """Start the server and wait for its warm-up (what it prints goes to log)."""
        self._log = log.open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-c", BOOTSTRAP, __file__],
            cwd=self.cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=self.warm_env,
        )
        self._send({"warm": self.warm_args})
        ready = threading.Event()
        reader = threading.Thread(target=self._read, args=(ready,), daemon=True)
        reader.start()
        if not ready.wait(timeout) or self._problem is not None:
            self.close()
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-10:]
            said = f": {' / '.join(tail)}" if tail else ""
            raise ForkServerError(f"the fork server did not get ready within {timeout:g} s{said}")

    def _send(self, message: dict[str, Any]) -> None:
        process = self._process
        if process is None or process.stdin is None:
            raise ForkServerError("the fork server is not running")
        with self._lock:
            try:
                process.stdin.write((json.dumps(message) + "\n").encode())
                process.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise ForkServerError(f"the fork server stopped ({exc})") from None

    def _read(self, ready: threading.Event) -> None:
        process = self._process
        assert process is not None
        assert process.stdout is not None
        for line in process.stdout:
            message = json.loads(line)
            if message.get("ready"):
                ready.set()
            elif "exited" in message:
                with self._lock:
                    run = self._runs.pop(str(message["exited"]), None)
                if run is not None:
                    run.code = int(message["code"])
                    run.done.set()
        with self._lock:
            self._problem = f"the fork server stopped (exit status {process.wait()})"
            orphans, self._runs = list(self._runs.values()), {}
        ready.set()
        for run in orphans:
            run.done.set()

    def run(
        self, args: Sequence[str], env: dict[str, str], output: Path, timeout: float
    ) -> int | None:
        """Run pytest with args in a forked child; its exit code, None when it took longer than
        timeout seconds (it is then killed). ForkServerError when the server stopped."""
        ident = str(next(self._ids))
        run = _Run()
        with self._lock:
            if self._problem is not None:
                raise ForkServerError(self._problem)
            self._runs[ident] = run
        request = {"run": ident, "args": list(args), "env": env, "output": str(output)}
        self._send({**request, "cwd": str(self.cwd)})
        if run.done.wait(timeout):
            if run.code is None:
                raise ForkServerError(self._problem or "the fork server stopped")
            return run.code
        self._send({"kill": ident})
        run.done.wait(_KILL_GRACE)
        return None

    def close(self) -> None:
        """Stop the server (it kills any run still going) and wait for it."""
        process = self._process
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
            try:
                process.wait(timeout=_KILL_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()


if __name__ == "__main__":
    raise SystemExit(serve())
