"""A whole run over a corrupted history file: it passes with one warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support.corrupt_history import CORRUPTIONS, _history

from webapi_contract.reports import CONFORMANCE_HTML

# The ways of the issue and more, all in one history: one whole run, where a way that broke the
# run would break it, and a way not skipped would change the count (tests/unit/
# test_hostile_history.py reads each way alone).
RUN_WAYS = ("invalid-utf8", "deep-nesting", "clauses-oops", "a-list", "huge-line")


@pytest.mark.slow
def test_a_run_over_a_corrupted_history_passes_with_one_warning(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    path = _history(reports, *(CORRUPTIONS[way] for way in RUN_WAYS))
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
        f"webapi-contract: warning: {path}: skipped {len(RUN_WAYS)} unreadable or malformed "
        "line(s) of the run history"
    ]
    page = (reports / CONFORMANCE_HTML).read_text()
    assert "Trend over 3 run(s)" in page
    data = json.loads((reports / "conformance.json").read_text())
    assert data["status"] == "passed"
