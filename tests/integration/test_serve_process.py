"""`webapi-contract serve` as a process: its URL and credentials, Ctrl-C and SIGTERM, a busy port,
kill -9 under write load."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import requests

SAVE = "Agents/Contact/SaveContactEntity"


def _ctrl_c_as_at_a_terminal() -> None:
    # A shell's background job starts with SIGINT ignored, and Python then installs no Ctrl-C
    # handler: the served mock must see SIGINT as it would at a terminal, however pytest runs.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def serve(*args, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "webapi_contract.mock", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )


def test_serve_prints_url_uses_env_credentials_and_stops_on_ctrl_c(tmp_path):
    env = {"WEBAPI_MOCK_USER": "dev", "WEBAPI_MOCK_PASSWORD": "pw", "WEBAPI_MOCK_TOKEN": "tok"}
    process = serve("--db", str(tmp_path / "db.sqlite3"), "--ticket", "7T:t", env=env)
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("webapi-contract mock listening on http://127.0.0.1:")
        base = first.rsplit(" ", 1)[1]
        assert base.endswith("/api/v1")
        for header in ("Bearer tok", "SoTicket 7T:t"):
            sent = requests.get(f"{base}/Contact/1", headers={"Authorization": header})
            assert sent.status_code == 404
        assert requests.get(f"{base}/Contact/1", auth=("dev", "pw")).status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "generated" not in out
    assert "Traceback" not in err


def test_serve_prints_generated_credentials_once():
    process = serve()
    try:
        process.stdout.readline()
        line = process.stdout.readline()
        assert line.startswith("generated credentials: username=mock, password=")
        assert "ticket=7T:" in line
        assert "token=" in line
        xsrf = process.stdout.readline()
        assert xsrf.startswith("without Authorization: X-XSRF-TOKEN: ")
        assert " with Cookie: webapi_mock_session=" in xsrf
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_serve_on_a_busy_port_is_one_line_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = serve("--port", str(port))
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_sigterm_stops_serve_cleanly_with_the_database_closed(tmp_path):
    db = tmp_path / "db.sqlite3"
    process = serve("--db", str(db), env={"WEBAPI_MOCK_TOKEN": "tok"})
    try:
        base = process.stdout.readline().strip().rsplit(" ", 1)[1]
        sent = requests.post(
            f"{base}/{SAVE}", json={"Name": "Kept"}, headers={"Authorization": "Bearer tok"}
        )
        assert sent.status_code == 200
        assert db.with_name("db.sqlite3-wal").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert err.strip().endswith("webapi-contract mock stopped"), err
    assert "Traceback" not in err
    assert not db.with_name("db.sqlite3-wal").exists()  # closed: the WAL is checkpointed


def test_kill_9_under_write_load_loses_no_acknowledged_write(tmp_path):
    db = tmp_path / "db.sqlite3"
    process = serve("--db", str(db), env={"WEBAPI_MOCK_TOKEN": "tok"})
    acknowledged: dict[int, str] = {}
    stop = threading.Event()
    try:
        base = process.stdout.readline().strip().rsplit(" ", 1)[1]

        def writer(n):
            with requests.Session() as session:
                session.headers["Authorization"] = "Bearer tok"
                count = 0
                while not stop.is_set():
                    name = f"writer {n} #{count}"
                    try:
                        sent = session.post(f"{base}/{SAVE}", json={"Name": name}, timeout=10)
                    except requests.RequestException:
                        return
                    if sent.status_code == 200:
                        acknowledged[sent.json()["ContactId"]] = name
                    count += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.kill()  # SIGKILL in the middle of the writes
        process.wait(10)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)
    for thread in threads:
        thread.join(20)
    assert len(acknowledged) >= 200
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(connection.execute("SELECT id, json_extract(body, '$.Name') FROM entity"))
    lost = {cid: name for cid, name in acknowledged.items() if stored.get(cid) != name}
    assert not lost
