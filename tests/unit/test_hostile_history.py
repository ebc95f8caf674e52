"""A corrupted history.jsonl (restored from elsewhere, edited, cut short) costs one warning:
its bad lines are skipped, the run's verdict and exit code are its own, conformance.html is
written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webapi_contract.reports import CONFORMANCE_HTML, could_not_run, publish
from webapi_contract.reports.history import HISTORY_FILE, MAX_LINE_BYTES, load, read

GOOD = {"time": "2026-01-01T02:00:00Z", "status": "passed", "passed": 3, "failed": 0}
LATER = {**GOOD, "time": "2026-01-02T02:00:00Z", "clauses": {"a.py::t": "failed"}}
CORRUPTIONS = {
    "invalid-utf8": b'{"time": "\xff\xfe", "passed": 1}',
    "deep-nesting": b'{"time": "x", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deep-nesting-alone": b"[" * 100_000 + b"]" * 100_000,
    "clauses-oops": b'{"time": "2026-01-01T03:00:00Z", "passed": 1, "clauses": "oops"}',
    "a-list": b"[1, 2, 3]",
    "counts-text": b'{"time": "x", "passed": "many"}',
    "huge-line": b'{"time": "x", "target": "' + b"h" * (3 * MAX_LINE_BYTES) + b'"}',
}


def _history(folder: Path, bad: bytes) -> Path:
    """A history with a good run, the bad line, another good run."""
    path = folder / HISTORY_FILE
    lines = [json.dumps(GOOD).encode(), bad, json.dumps(LATER).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("bad", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_bad_line_is_skipped_with_one_warning(bad, tmp_path, capsys):
    path = _history(tmp_path, bad)
    runs = load(path)
    assert runs == [GOOD, LATER]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"webapi-contract: warning: {path}: skipped 1 unreadable or malformed line(s) of the "
        "run history"
    ]


def test_every_bad_line_is_counted_once_and_dropped_from_the_file(tmp_path, capsys):
    path = tmp_path / HISTORY_FILE
    path.write_bytes(b"\n".join([*CORRUPTIONS.values(), json.dumps(GOOD).encode()]))  # no EOL
    assert read(path) == ([GOOD], len(CORRUPTIONS))
    publish(tmp_path, could_not_run(target={}, started="2026-01-03T00:00:00Z", problem="p"))
    assert f"skipped {len(CORRUPTIONS)} unreadable" in capsys.readouterr().err
    assert (tmp_path / CONFORMANCE_HTML).is_file()
    runs, skipped = read(path)
    assert (len(runs), skipped) == (2, 0)  # the good run and this one, nothing else kept


def test_a_history_that_cannot_be_written_still_gives_the_page(tmp_path, capsys):
    (tmp_path / HISTORY_FILE).mkdir()  # not a file at all
    publish(tmp_path, could_not_run(target={}, started="2026-01-03T00:00:00Z", problem="p"))
    err = capsys.readouterr().err
    assert "the run history was not updated" in err
    assert (tmp_path / CONFORMANCE_HTML).is_file()


# The ways of the issue, each in a whole run (the others are read above).
RUN_WAYS = ("invalid-utf8", "deep-nesting", "clauses-oops", "a-list", "huge-line")


@pytest.mark.slow
@pytest.mark.parametrize("way", RUN_WAYS)
def test_a_run_over_a_corrupted_history_passes_with_one_warning(way, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    path = _history(reports, CORRUPTIONS[way])
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "webapi_contract",
            "run",
            "--report-dir",
            str(reports),
            "--workers",
            "0",
            "--no-allure-report",
            "--",
            "-k",
            "test_get_answers_a_valid_contact",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert warnings == [
        f"webapi-contract: warning: {path}: skipped 1 unreadable or malformed line(s) of the "
        "run history"
    ]
    page = (reports / CONFORMANCE_HTML).read_text()
    assert "Trend over 3 run(s)" in page
    data = json.loads((reports / "conformance.json").read_text())
    assert data["status"] == "passed"
