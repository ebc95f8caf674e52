"""--readonly on a production tenant: every clause judged by reading runs, nothing is written.

The mock runs as its own server on a file database with the seed contacts, behind a proxy that
notes every request; `webapi-contract run --readonly` must leave the database exactly as it was,
send nothing but reads, and report what it did not run as "not run (read-only)".
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from support.breaking_proxy import Breaker, BreakingProxy

from webapi_contract.cli import main
from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports import render_summary
from webapi_contract.reports.conformance import NOT_RUN
from webapi_contract.suites import suite_dir

SUITE = suite_dir("superoffice")
READS = {"GET", "HEAD", "OPTIONS"}
# The clauses judged by reading (file::function): they run under --readonly with a contact named.
READ_ONLY_CLAUSES = {
    "test_read.py::test_get_answers_a_valid_contact",
    "test_read.py::test_get_answers_every_documented_property",
    "test_read.py::test_missing_contact_answers_documented_404",
    "test_read.py::test_if_modified_since_answers_not_modified",
    "test_select.py::test_select_on_get",
    "test_select.py::test_select_nested_path_on_get",
    "test_select.py::test_select_names_ignore_case",
    "test_negotiation.py::test_json_accept_gives_json",
    "test_negotiation.py::test_xml_accept_gives_same_values",
    "test_headers.py::test_tuning_headers_are_accepted",
    "test_headers.py::test_time_zone_keeps_created_and_updated_instants",
    "test_headers.py::test_time_zone_offsets_keep_every_instant",
    "test_headers.py::test_content_type_declared_and_dates_iso",
    "test_auth.py::test_each_configured_scheme_authenticates",
    "test_auth.py::test_no_credentials_read_is_unauthorized",
    "test_auth.py::test_wrong_credentials_are_unauthorized",
    "test_auth.py::test_xsrf_token_with_its_cookie_authenticates",
    "test_latency.py::test_reads_stay_under_threshold",
}
# ... of which these need no contact: they read an id confirmed absent.
WITHOUT_A_CONTACT = {"test_read.py::test_missing_contact_answers_documented_404"}
NEEDS_CONTACT = "not run (read-only: name a contact with --readonly-contact-id)"


def _dump(db: Path) -> list[str]:
    """The whole database as SQL (rows, and the AUTOINCREMENT counter a create would move)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        return list(connection.iterdump())


def _short(clause_id: str) -> str:
    return clause_id.rsplit("/", 1)[-1]


class _Recorder:
    """A proxy breaker that breaks nothing: it notes the method and path of every request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, call, upstream):
        self.seen.append((call.method, call.path))
        return call


@pytest.fixture
def seeded(tmp_path):
    """A seeded mock on a file database: (server, database, id of a seed contact)."""
    db = tmp_path / "contacts.sqlite"
    with MockServer(db_path=db, seed=True, credentials=MockCredentials.generate()) as server:
        with closing(sqlite3.connect(db)) as connection:
            (first,) = connection.execute("SELECT MIN(id) FROM entity").fetchone()
        yield server, db, int(first)


def _run(base_url: str, creds: MockCredentials, reports: Path, *extra: str) -> int:
    return main(
        [
            "run",
            "--base-url",
            base_url,
            f"--username={creds.username}",
            f"--password={creds.password}",
            f"--xsrf-token={creds.xsrf_token}",
            f"--xsrf-cookie={creds.xsrf_cookie}",
            "--readonly",
            "--generated-examples",
            "6",
            "--no-allure-report",
            "--report-dir",
            str(reports),
            *extra,
        ]
    )


def test_readonly_with_a_contact_runs_every_reading_clause_and_writes_nothing(
    seeded, tmp_path, capsys
):
    server, db, contact_id = seeded
    before = _dump(db)
    recorder = _Recorder()
    authorization = basic(server.credentials.username, server.credentials.password).authorization
    reports = tmp_path / "reports"
    with BreakingProxy(
        server.base_url, authorization, Breaker("record", request=recorder)
    ) as proxy:
        code = _run(
            proxy.base_url,
            server.credentials,
            reports,
            f"--readonly-contact-id={contact_id}",
            "--workers",
            "2",
        )
    out = capsys.readouterr().out
    assert code == 0, out[-4000:]
    assert _dump(db) == before
    writes = [seen for seen in recorder.seen if seen[0] not in READS]
    assert writes == []
    assert any(f"/Contact/{contact_id}" in path for _, path in recorder.seen)

    data = json.loads((reports / "conformance.json").read_text())
    assert data["readonly"] is True
    verdicts = {_short(c["id"]): c["verdict"] for c in data["clauses"]}
    passed = {clause for clause, verdict in verdicts.items() if verdict == "passed"}
    assert passed == READ_ONLY_CLAUSES
    assert len(passed) >= 15
    others = {clause: verdict for clause, verdict in verdicts.items() if clause not in passed}
    assert len(others) >= 20
    assert set(others.values()) == {NOT_RUN}
    totals = data["totals"]
    assert (totals["run"], totals["passed"], totals["failed"]) == (len(passed), len(passed), 0)
    assert totals["not_run"] == len(others)
    assert totals["clauses"] == len(passed) + len(others)
    # generated reads ran, on the named contacts too (200); generated writes are not run
    generated = {
        item["id"].rsplit("::", 1)[-1]: item["outcome"] for item in data["generated"]["items"]
    }
    reads = {name: outcome for name, outcome in generated.items() if "[GetContact-" in name}
    assert len(reads) >= 2
    assert set(reads.values()) == {"passed"}
    not_run = {name: outcome for name, outcome in generated.items() if name not in reads}
    assert len(not_run) >= 8
    assert set(not_run.values()) == {NOT_RUN}
    assert "200" in data["generated"]["statuses"]

    summary = render_summary(data)
    assert f"{len(passed)} of {totals['clauses']} clauses ran: {len(passed)} passed, 0 failed" in (
        summary
    )
    assert f"read-only {len(others)} clauses not run (read-only)" in summary
    assert all(line in out for line in summary.splitlines()[2:4])
    page = (reports / "conformance.html").read_text()
    assert page.count('class="clause verdict-not-run"') == len(others)
    assert page.count('class="clause verdict-passed"') == len(passed)
    ran = len(passed)
    assert f"PASSED — {ran} of {ran} clauses run passed; {len(others)} not run (read-only)" in page


def test_readonly_without_a_contact_runs_what_needs_none_and_says_what_it_did_not(
    seeded, tmp_path, capsys
):
    server, db, _ = seeded
    before = _dump(db)
    reports = tmp_path / "reports"
    code = _run(server.base_url, server.credentials, reports, "--workers", "0")
    out = capsys.readouterr().out
    assert code == 0, out[-4000:]
    assert _dump(db) == before
    data = json.loads((reports / "conformance.json").read_text())
    clauses = {_short(c["id"]): c for c in data["clauses"]}
    passed = {name for name, c in clauses.items() if c["verdict"] == "passed"}
    assert passed == WITHOUT_A_CONTACT
    assert {c["verdict"] for name, c in clauses.items() if name not in passed} == {NOT_RUN}
    for name in READ_ONLY_CLAUSES - WITHOUT_A_CONTACT:
        reasons = {r["message"] for r in clauses[name]["results"]}
        assert reasons == {
            "Skipped: not run (read-only: name a contact with --readonly-contact-id)"
        }
    assert data["totals"]["failed"] == 0
    assert data["totals"]["tests_passed"] >= 1  # so `run` did not say "nothing was checked"
    page = (reports / "conformance.html").read_text()
    assert "name a contact with --readonly-contact-id" in page


def test_a_named_contact_that_cannot_be_read_fails_in_one_line(seeded, tmp_path, capsys):
    server, db, _ = seeded
    before = _dump(db)
    reports = tmp_path / "reports"
    code = _run(
        server.base_url,
        server.credentials,
        reports,
        "--readonly-contact-id=987654",
        "--workers",
        "0",
        "--",
        "-k",
        "valid_contact or select_on_get",
    )
    out = capsys.readouterr().out
    assert code == 1
    assert _dump(db) == before
    said = "the contact named for read-only clauses cannot be read: GET Contact/987654 answered 404"
    assert said in out
    data = json.loads((reports / "conformance.json").read_text())
    failed = [c for c in data["clauses"] if c["verdict"] == "failed"]
    assert {_short(c["id"]) for c in failed} == {
        "test_read.py::test_get_answers_a_valid_contact",
        "test_select.py::test_select_on_get",
    }


def _unskip_writes(items):
    """A broken selection: the tests that write run under --readonly after all."""
    for item in items:
        item.own_markers[:] = [m for m in item.own_markers if m.name != "skip"]


class _BrokenSelection:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        _unskip_writes(items)


def test_even_a_clause_that_writes_sends_nothing_under_readonly(seeded, pytester, monkeypatch):
    server, db, _ = seeded
    before = _dump(db)
    recorder = _Recorder()
    creds = server.credentials
    authorization = basic(creds.username, creds.password).authorization
    with BreakingProxy(server.base_url, authorization, Breaker("record", request=recorder)) as p:
        monkeypatch.setenv("WEBAPI_USERNAME", creds.username)
        monkeypatch.setenv("WEBAPI_PASSWORD", creds.password)
        result = pytester.runpytest_inprocess(
            str(SUITE),
            "--base-url",
            p.base_url,
            "--webapi-readonly",
            "-k",
            "missing_contact_is_not_found or save_with_id_zero",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-q",
            plugins=[_BrokenSelection()],
        )
    output = result.stdout.str()
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 3, output[-3000:]
    assert "passed" not in outcomes, output[-3000:]
    assert "harness bug: PATCH Contact/" in output
    assert "under --readonly (not sent)" in output
    assert "harness bug: a clause that creates data ran under --readonly" in output
    assert [seen for seen in recorder.seen if seen[0] not in READS] == []
    assert _dump(db) == before
