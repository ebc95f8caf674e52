"""`webapi-contract selfcheck`: detected and missed faults, the kill rate, exit codes, secrets."""

from __future__ import annotations

import pytest

from webapi_contract import cli, selfcheck
from webapi_contract.mock import MockCredentials, faults
from webapi_contract.suites import suite_dir

CONTRACT = suite_dir("superoffice")
FIXED = MockCredentials(
    username="selfcheck-user",
    password="pw-never-shown-1234",
    ticket="7T:ticket-never-shown",
    token="token-never-shown-5678",
)
JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.contract.test_patch_conditions" name="test_failing_test">
<failure message="ContractViolation: Clause broken: a failing test answers 409 \
[docs/vendor/superoffice-patch-contact.v1.md:93]&#10;  documented: ...">details</failure>
</testcase>
<testcase classname="tests.contract.test_generated" name="test_generated_cases_conform[x]">
<failure message="Generated case failed: Server error">curl ...</failure></testcase>
<testcase classname="tests.contract.test_save" name="test_save_with_id_updates"/>
<testcase classname="tests.contract.test_read" name="test_missing_contact">
<properties><property name="clause" value="GET of a missing id answers 404" /></properties>
<failure message="AssertionError: assert 200 == 404">plain assert, no clause text</failure>
</testcase>
</testsuite></testsuites>
"""


@pytest.fixture
def fixed_credentials(monkeypatch):
    monkeypatch.setattr(MockCredentials, "generate", classmethod(lambda cls, username="m": FIXED))


def _run(capsys, *args):
    code = selfcheck.main(list(args))
    out = capsys.readouterr().out
    return code, out, out.splitlines()


def _row(lines, name):
    return next(line for line in lines if line.startswith(f"{name} "))


def _suite(tmp_path, body):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_tiny.py").write_text(body)
    return suite


def test_junit_failures_are_named_by_their_clause(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT)
    tests, failures = selfcheck.parse_junit(report)
    assert tests == 4
    assert [f.label for f in failures] == [
        "a failing test answers 409",
        "test_generated::test_generated_cases_conform[x]",
        "GET of a missing id answers 404",
    ]
    assert failures[0].test == "test_patch_conditions::test_failing_test"


@pytest.mark.usefixtures("fixed_credentials")
def test_subset_of_faults_is_detected_and_named_by_the_clauses_that_caught_them(capsys):
    code, out, lines = _run(
        capsys,
        "--faults",
        "test-op-ignored,404-wrong-error-body",
        "--suite-args=-k 'failing_test or missing_contact_answers'",
    )
    assert code == 0, out
    test_row = _row(lines, "test-op-ignored")
    assert " detected " in test_row
    assert "a failing test answers 409 and applies nothing" in test_row
    not_found = _row(lines, "404-wrong-error-body")
    assert "GET of an id that does not exist answers 404 with the documented error body" in (
        not_found
    )
    assert " passed " in _row(lines, selfcheck.CLEAN)
    assert (
        lines[-1]
        == "kill rate: 2/2 faults detected (2 by a must, 0 only by a should), clean run passed"
    )
    assert any(line.startswith("selfcheck took ") for line in lines)
    for secret in (FIXED.password, FIXED.ticket, FIXED.token):
        assert secret not in out


@pytest.mark.usefixtures("fixed_credentials")
def test_a_fault_only_a_should_clause_catches_is_detected_and_told_apart(capsys):
    code, out, lines = _run(capsys, "--faults", "malformed-json-500", "--suite-args=-k bad_body")
    assert code == 0, out
    assert " detected " in _row(lines, "malformed-json-500")
    assert "a 4xx, never a 5xx" in _row(lines, "malformed-json-500")
    assert lines[-1] == (
        "kill rate: 1/1 faults detected (0 by a must, 1 only by a should), clean run passed"
    )


def test_fault_the_suite_cannot_see_is_missed_and_fails_the_check(capsys, monkeypatch):
    monkeypatch.setitem(
        faults.FAULTS, "no-op", faults.Fault("no-op", "none", "changes nothing at all", "x", "y")
    )
    code, out, lines = _run(capsys, "--faults", "no-op", "--suite-args=-k failing_test")
    assert code == 1, out
    assert " missed " in _row(lines, "no-op")
    assert "changes nothing at all" in _row(lines, "no-op")
    assert "missed (add the clause that catches each): no-op" in out
    assert (
        lines[-1]
        == "kill rate: 0/1 faults detected (0 by a must, 0 only by a should), clean run passed"
    )


def test_fault_whose_clause_is_left_out_is_missed(capsys):
    code, out, lines = _run(
        capsys, "--faults", "select-omits-instead-of-null", "--suite-args=-k failing_test"
    )
    assert code == 1, out
    assert " missed " in _row(lines, "select-omits-instead-of-null")
    assert (
        lines[-1]
        == "kill rate: 0/1 faults detected (0 by a must, 0 only by a should), clean run passed"
    )


@pytest.mark.usefixtures("fixed_credentials")
def test_failing_clean_run_fails_the_check_with_secrets_masked(tmp_path, capsys):
    leak = "'pw=' + os.environ['WEBAPI_PASSWORD'] + ' t=' + os.environ['WEBAPI_TOKEN']"
    suite = _suite(tmp_path, f"import os\n\n\ndef test_leaks():\n    assert False, {leak}\n")
    code, out, lines = _run(capsys, "--suite", str(suite), "--faults", "remove-ignored")
    assert code == 1
    assert " FAILED " in _row(lines, selfcheck.CLEAN)
    assert "test_tiny::test_leaks" in out
    assert "pw=*** t=***" in out
    assert FIXED.password not in out
    assert FIXED.token not in out
    assert (
        lines[-1]
        == "kill rate: 1/1 faults detected (1 by a must, 0 only by a should), clean run FAILED"
    )


def test_suite_that_checks_nothing_misses_every_fault(tmp_path, capsys):
    suite = _suite(tmp_path, "def test_nothing():\n    pass\n")
    code, _, lines = _run(
        capsys, "--suite", str(suite), "--faults", "remove-ignored,412-ignored", "--workers", "3"
    )
    assert code == 1
    assert (
        lines[-1]
        == "kill rate: 0/2 faults detected (0 by a must, 0 only by a should), clean run passed"
    )


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


def test_odyssee_faults_run_against_the_odyssee_suite_and_mock(capsys, monkeypatch):
    monkeypatch.setattr(
        MockCredentials, "generate", classmethod(lambda cls, *a, **k: ODYSSEE_FIXED)
    )
    code, out, lines = _run(
        capsys,
        "--vendor",
        "odyssee",
        "--faults",
        "lastname-not-required,auth-without-domain-accepted",
        "--suite-args=-m 'not generated' -k 'lastname_required or right_domain'",
    )
    assert code == 0, out
    assert "suites/odyssee against the clean odyssee mock and 2 faulty ones" in lines[0]
    assert "a contact without lastname is refused" in _row(lines, "lastname-not-required")
    assert " detected " in _row(lines, "auth-without-domain-accepted")
    assert " passed " in _row(lines, selfcheck.CLEAN)
    # a login without the right @domain refused is a should (the pages give the scheme only)
    assert lines[-1] == (
        "kill rate: 2/2 faults detected (1 by a must, 1 only by a should), clean run passed"
    )
    assert ODYSSEE_FIXED.password not in out


def test_the_odyssee_environment_carries_its_credentials_only():
    env = selfcheck._environment("http://127.0.0.1:1/api", ODYSSEE_FIXED, 3, "odyssee")
    assert env["WEBAPI_VENDOR"] == "odyssee"
    assert env["WEBAPI_DOMAIN"] == ODYSSEE_FIXED.domain
    assert env["WEBAPI_PASSWORD"] == ODYSSEE_FIXED.password
    assert not {"WEBAPI_TICKET", "WEBAPI_TOKEN", "WEBAPI_XSRF_TOKEN"} & set(env)
    superoffice = selfcheck._environment("http://127.0.0.1:1/api/v1", FIXED, 3, "superoffice")
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
