"""`webapi-contract selfcheck` without running a suite: verdicts read from conformance.json,
selfcheck.json and the printed table from given outcomes, the run's arguments and environment,
usage errors. Runs against the mocks: tests/integration/test_selfcheck_runs.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webapi_contract import cli, selfcheck
from webapi_contract.mock import MockCredentials, faults
from webapi_contract.selfcheck.command import _runner, _Table
from webapi_contract.selfcheck.forkserver import ForkServer, ForkServerError
from webapi_contract.selfcheck.runs import SubprocessRunner
from webapi_contract.suites import suite_dir

CONTRACT = suite_dir("superoffice")
FIXED = MockCredentials(
    username="selfcheck-user",
    password="pw-never-shown-1234",
    ticket="7T:ticket-never-shown",
    token="token-never-shown-5678",
)
CONFORMANCE = {
    "totals": {"tests": 5},
    "clauses": [
        {
            "title": "a failing test answers 409",
            "level": "must",
            "doc": {"file": "docs/vendor/superoffice-patch-contact.v1.md", "line": 93},
            "results": [
                {"id": "suite/test_patch.py::test_failing_test[a]", "outcome": "passed"},
                {
                    "id": "suite/test_patch.py::test_failing_test[b]",
                    "outcome": "failed",
                    "message": "ContractViolation: 200 answered with pw-never-shown-1234",
                },
            ],
        },
        {
            "title": "a bad body answers 4xx",
            "level": "should",
            "doc": {"file": "docs/vendor/x.md", "line": 7},
            "results": [{"id": "suite/test_robust.py::test_bad_body", "outcome": "failed"}],
        },
    ],
    "generated": {
        "items": [
            {
                "id": "suite/test_generated.py::test_generated_cases_conform[get-positive-0]",
                "outcome": "failed",
                "level": "must",
                "message": "Generated case failed",
                "found": [
                    {"check": "status_code_conformance"},
                    {"check": "response_schema_conformance"},
                    {"check": "status_code_conformance"},
                ],
            },
            {"id": "suite/test_generated.py::test_linked", "outcome": "passed", "found": []},
        ]
    },
    "other_tests": [{"id": "suite/test_plain.py::test_plain", "outcome": "failed"}],
}


def test_conformance_failures_are_read_with_their_clause_level_and_checks(tmp_path):
    report = tmp_path / "conformance.json"
    report.write_text(json.dumps(CONFORMANCE))
    tests, failures = selfcheck.read_conformance(report, [FIXED.password])
    assert tests == 5
    assert [(f.kind, f.level, f.clause, f.checks) for f in failures] == [
        ("clause", "must", "a failing test answers 409", ()),
        ("clause", "should", "a bad body answers 4xx", ()),
        ("generated", "must", None, ("status_code_conformance", "response_schema_conformance")),
        ("test", "must", None, ()),
    ]
    assert failures[0].test == "suite/test_patch.py::test_failing_test[b]"
    assert failures[0].doc == "docs/vendor/superoffice-patch-contact.v1.md:93"
    assert failures[0].message == "ContractViolation: 200 answered with ***"
    assert [f.label for f in failures[2:]] == [
        "test_generated::test_generated_cases_conform[get-positive-0] "
        "(status_code_conformance, response_schema_conformance)",
        "test_plain::test_plain",
    ]


def test_a_report_that_is_no_conformance_data_is_refused(tmp_path):
    report = tmp_path / "conformance.json"
    report.write_text(json.dumps({"totals": {"tests": 1}}))
    with pytest.raises(ValueError, match=r"conformance\.json is not a run's report"):
        selfcheck.read_conformance(report)


def _clause(title, level="must"):
    return selfcheck.Failure(f"suite/test_x.py::{title[:8]}", "clause", level, title, "d.md:1")


def selfcheck_faults():
    return faults.catalogue("superoffice")


def _plan():
    return selfcheck.Plan(suite=CONTRACT, root=CONTRACT.parents[3])


def test_the_document_tells_detected_by_a_must_from_only_by_a_should():
    clean = selfcheck.Outcome(None, returncode=0, seconds=8.0, tests=107)
    faulty = [
        selfcheck.Outcome("412-ignored", 1, 2.5, 40, [_clause("412 answered", "must")]),
        selfcheck.Outcome(
            "malformed-json-500",
            1,
            3.0,
            60,
            [_clause("a 4xx, never a 5xx", "should"), _clause("another", "should")],
        ),
        selfcheck.Outcome("remove-ignored", 0, 1.0, 107),
        selfcheck.Outcome("paths-case-sensitive", None, 300.0, problem="did not finish"),
    ]
    result = selfcheck.document(_plan(), clean, faulty, workers=4, seconds=20.0, runner="r")
    assert result["format"] == "webapi-contract/selfcheck/1"
    assert result["passed"] is False
    assert result["totals"] == {
        "faults": 4,
        "detected": 2,
        "by_must": 1,
        "only_by_should": 1,
        "missed": 1,
        "errors": 1,
        "kill_rate": 0.5,
        "clean": "passed",
    }
    assert [(f["fault"], f["result"], f["only_should"]) for f in result["faults"]] == [
        ("412-ignored", "detected", False),
        ("malformed-json-500", "detected", True),
        ("remove-ignored", "missed", False),
        ("paths-case-sensitive", "error", False),
    ]
    caught = result["faults"][0]
    assert caught["summary"] == selfcheck_faults()["412-ignored"].summary
    assert caught["failed"] == [
        {
            "kind": "clause",
            "level": "must",
            "clause": "412 answered",
            "doc": "d.md:1",
            "checks": [],
            "test": "suite/test_x.py::412 answ",
            "message": "",
        }
    ]
    assert result["faults"][3]["problem"] == "did not finish"
    assert result["clean"] == {
        "result": "passed",
        "seconds": 8.0,
        "tests": 107,
        "exit_status": 0,
        "problem": None,
        "failed": [],
    }


def test_a_failed_or_broken_clean_run_fails_the_document():
    failed = selfcheck.Outcome(None, 1, 9.0, 107, [_clause("GET answers 200")])
    broken = selfcheck.Outcome(None, 4, 1.0, problem="pytest exited 4")
    caught = [selfcheck.Outcome("412-ignored", 1, 2.5, 40, [_clause("412 answered")])]
    for clean, said in ((failed, "failed"), (broken, "error")):
        result = selfcheck.document(_plan(), clean, caught, workers=2, seconds=5.0, runner="r")
        assert result["clean"]["result"] == said
        assert result["totals"]["clean"] == said
        assert result["totals"]["kill_rate"] == 1.0
        assert result["passed"] is False


def test_the_table_names_the_clauses_that_failed_and_what_a_missed_fault_breaks():
    table = _Table(["412-ignored", "remove-ignored"])
    caught = selfcheck.Outcome(
        "412-ignored", 1, 2.5, 40, [_clause("412 answered"), _clause("412 answered")]
    )
    assert table.row(caught) == ("412-ignored     detected    2.5s  412 answered")
    missed = table.row(selfcheck.Outcome("remove-ignored", 0, 1.0, 107))
    assert missed.startswith("remove-ignored  missed      1.0s  nothing failed; no clause checks: ")
    clean = table.row(selfcheck.Outcome(None, 1, 9.0, 107, [_clause("GET answers 200")]))
    assert clean == "(clean mock)    FAILED      9.0s  107 tests, 1 failed"
    assert table.header() == "fault           result      time  failed clauses"


def test_a_generated_failure_is_named_by_its_test_and_checks():
    failure = selfcheck.Failure(
        "src/suites/superoffice/test_generated.py::test_generated_cases_conform[get-0]",
        "generated",
        "must",
        checks=("status_code_conformance",),
    )
    assert failure.label == (
        "test_generated::test_generated_cases_conform[get-0] (status_code_conformance)"
    )


def test_a_faulty_run_stops_at_its_first_failure_and_writes_its_report():
    plan = selfcheck.Plan(suite=CONTRACT, root=CONTRACT, suite_args=("-k", "remove"))
    faulty = plan.arguments(Path("/r"), stop_at_first_failure=True)
    assert faulty[:3] == [str(CONTRACT), "-x", "--webapi-report-dir=/r"]
    assert faulty[-2:] == ["-k", "remove"]
    assert "-x" not in plan.arguments(Path("/r"), stop_at_first_failure=False)
    warm = plan.arguments(None, stop_at_first_failure=False)
    assert warm[1] == "--collect-only"
    assert not any(arg.startswith("--webapi-report-dir") for arg in warm)


def test_selfcheck_json_is_written_where_asked(tmp_path):
    path = tmp_path / "out" / "selfcheck.json"
    selfcheck.write_result(path, {"format": selfcheck.FORMAT})
    assert json.loads(path.read_text(encoding="utf-8")) == {"format": selfcheck.FORMAT}
    assert [p.name for p in path.parent.iterdir()] == ["selfcheck.json"]


def test_unknown_fault_is_a_usage_error_listing_the_known_ones(capsys):
    assert cli.main(["selfcheck", "--faults", "test-op-ignored,slow"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown fault(s) slow; known faults: paths-case-sensitive," in err


def test_missing_suite_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["selfcheck", "--suite", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert f"no contract suite (a folder of test_*.py files) at {tmp_path / 'nowhere'}" in err


def test_the_shipped_suite_is_found_through_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert selfcheck.find_suite() == CONTRACT
    assert (CONTRACT / "conftest.py").is_file()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "test_a.py").write_text("")
    assert selfcheck.find_suite(tmp_path / "mine") == (tmp_path / "mine").resolve()
    assert (selfcheck.project_root(CONTRACT) / "pyproject.toml").is_file()


ODYSSEE_FIXED = MockCredentials(
    username="selfcheck-user",
    password="pw-never-shown-odyssee",
    ticket="7T:ticket-unused",
    token="token-unused-5678",
    domain="corp-never-shown",
)


def test_the_odyssee_environment_carries_its_credentials_only():
    env = selfcheck.environment("http://127.0.0.1:1/api", ODYSSEE_FIXED, 3, "odyssee")
    assert env["WEBAPI_VENDOR"] == "odyssee"
    assert env["WEBAPI_DOMAIN"] == ODYSSEE_FIXED.domain
    assert env["WEBAPI_PASSWORD"] == ODYSSEE_FIXED.password
    assert not {"WEBAPI_TICKET", "WEBAPI_TOKEN", "WEBAPI_XSRF_TOKEN"} & set(env)
    superoffice = selfcheck.environment("http://127.0.0.1:1/api/v1", FIXED, 3, "superoffice")
    assert superoffice["WEBAPI_VENDOR"] == "superoffice"
    assert superoffice["WEBAPI_TICKET"] == FIXED.ticket
    assert "WEBAPI_DOMAIN" not in superoffice


def test_an_unknown_odyssee_fault_lists_the_odyssee_ones(capsys):
    assert cli.main(["selfcheck", "--vendor", "odyssee", "--faults", "412-ignored"]) == 2
    err = capsys.readouterr().err
    assert "unknown fault(s) 412-ignored; known faults: maxlength-not-enforced," in err
    assert "serve --vendor odyssee --list-faults" in err


def test_an_unknown_vendor_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["selfcheck", "--vendor", "acme"])
    assert stopped.value.code == 2
    assert "no mock for vendor 'acme'; known: odyssee, superoffice" in capsys.readouterr().err


def test_each_vendors_shipped_suite_is_found():
    assert selfcheck.find_suite(vendor="odyssee") == suite_dir("odyssee")


def test_without_a_fork_server_every_run_is_a_process_of_its_own(monkeypatch):
    def cannot_start(self, log, timeout):
        raise ForkServerError("the fork server did not get ready within 300 s")

    monkeypatch.setattr(ForkServer, "start", cannot_start)
    said = []
    with _runner(_plan(), True, said.append) as runner:
        assert isinstance(runner, SubprocessRunner)
    assert said == [
        "the fork server did not get ready within 300 s; every run starts its own pytest "
        "process instead"
    ]
    with _runner(_plan(), False, said.append) as runner:
        assert isinstance(runner, SubprocessRunner)
    assert len(said) == 1
