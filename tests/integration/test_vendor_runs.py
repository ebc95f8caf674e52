"""Runs of another vendor's suite: against its embedded mock, and against a URL with only the base
URL and credentials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.odyssee_runs import _cli

from webapi_contract.mock import MockCredentials, MockServer


def _files(folder: Path) -> str:
    return "".join(
        p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()
    )


# The clauses: the generated tests judge the derived document and the mock, not the plumbing.
CLAUSES = ("--", "-m", "not generated", "-p", "no:randomly")


@pytest.fixture
def fresh_odyssee():
    """An Odyssee mock of this test alone: what other tests left on the module's mock (a company
    the run then finds rather than adds) would change which live-safe cases can run."""
    with MockServer(vendor="odyssee", credentials=MockCredentials.generate()) as server:
        yield server


def test_run_against_the_embedded_odyssee_mock(tmp_path):
    reports = tmp_path / "reports"
    # no Allure HTML: the run against a URL below builds it and searches it for the password
    args = ["--vendor", "odyssee", "--report-dir", str(reports), "--no-allure-report", *CLAUSES]
    done = _cli("run", *args, cwd=tmp_path)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-3000:]
    assert "embedded mock, named odyssee: embedded mock" in said
    data = json.loads((reports / "conformance.json").read_text())
    assert data["vendor"] == "odyssee"
    assert data["target"]["key"] == "odyssee: embedded mock"
    assert data["totals"]["failed"] == 0
    assert len(data["clauses"]) >= 20
    not_passed = [(c["id"], c["verdict"]) for c in data["clauses"] if c["verdict"] != "passed"]
    assert not_passed == [], said[-3000:]
    assert any("test_auth" in c["id"] or "Contact" in c["id"] for c in data["clauses"])
    history = [json.loads(line) for line in (reports / "history.jsonl").read_text().splitlines()]
    assert [(h["vendor"], h["target"]) for h in history] == [("odyssee", "odyssee: embedded mock")]
    assert (reports / "junit.xml").is_file()
    assert (reports / "conformance.html").is_file()


def test_run_against_a_url_needs_only_the_base_url_and_credentials(tmp_path, fresh_odyssee):
    odyssee = fresh_odyssee
    creds = odyssee.credentials
    reports = tmp_path / "reports"
    done = _cli(
        "run",
        "--vendor",
        "odyssee",
        "--base-url",
        odyssee.base_url,
        "--username",
        creds.username,
        "--domain",
        creds.domain,
        "--report-dir",
        str(reports),
        # one session: with xdist workers against a URL, the worker that did not add the run's
        # company skips the embedded-company clause ("not run on a live tenant"), by schedule
        "--workers",
        "0",
        *CLAUSES,
        cwd=tmp_path,
        env={"WEBAPI_PASSWORD": creds.password},
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-3000:]
    data = json.loads((reports / "conformance.json").read_text())
    assert (data["vendor"], data["target"]["url"]) == ("odyssee", odyssee.base_url)
    not_passed = [(c["id"], c["verdict"]) for c in data["clauses"] if c["verdict"] != "passed"]
    assert not_passed == [], said[-3000:]
    for text in (said, _files(reports)):
        assert creds.password not in text
