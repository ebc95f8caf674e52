"""`webapi-contract selfcheck` against the mocks: faults detected and named by the clauses that
caught them, missed faults, a failing clean run, timeouts, a process per run vs the fork server,
selfcheck.json and the kill rate, secrets never shown."""

from __future__ import annotations

import json

import pytest

from webapi_contract import selfcheck
from webapi_contract.mock import MockCredentials, faults

FIXED = MockCredentials(
    username="selfcheck-user",
    password="pw-never-shown-1234",
    ticket="7T:ticket-never-shown",
    token="token-never-shown-5678",
)


@pytest.fixture
def fixed_credentials(monkeypatch):
    monkeypatch.setattr(MockCredentials, "generate", classmethod(lambda cls, username="m": FIXED))


def _run(capsys, *args):
    code = selfcheck.main(list(args))
    out = capsys.readouterr().out
    return code, out, out.splitlines()


def _checked(capsys, tmp_path, *args):
    """selfcheck with --json: exit code, printed output, selfcheck.json."""
    path = tmp_path / "selfcheck.json"
    code, out, _ = _run(capsys, *args, "--json", str(path))
    return code, out, json.loads(path.read_text(encoding="utf-8"))


def _fault(result, name):
    return next(entry for entry in result["faults"] if entry["fault"] == name)


def _row(lines, name):
    return next(line for line in lines if line.startswith(f"{name} "))


def _suite(tmp_path, body):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_tiny.py").write_text(body)
    return suite


@pytest.mark.usefixtures("fixed_credentials")
def test_subset_of_faults_is_detected_and_named_by_the_clauses_that_caught_them(capsys, tmp_path):
    code, out, result = _checked(
        capsys,
        tmp_path,
        "--faults",
        "test-op-ignored,404-wrong-error-body",
        "--suite-args=-k 'failing_test or missing_contact_answers'",
    )
    assert code == 0, out
    assert result["format"] == selfcheck.FORMAT
    assert result["passed"] is True
    assert result["runner"] == "a fork server"
    assert [entry["fault"] for entry in result["faults"]] == [
        "test-op-ignored",
        "404-wrong-error-body",
    ]
    caught = _fault(result, "test-op-ignored")
    assert caught["result"] == "detected"
    assert caught["exit_status"] == 1
    assert caught["seconds"] > 0
    assert caught["only_should"] is False
    [failed] = caught["failed"]
    assert failed["kind"] == "clause"
    assert failed["level"] == "must"
    assert failed["clause"] == (
        "a failing test answers 409 and applies nothing, not even earlier operations"
    )
    assert failed["doc"].startswith("docs/vendor/superoffice-patch-contact")
    assert "test_patch_conditions.py::test_failing_test" in failed["test"]
    assert [f["clause"] for f in _fault(result, "404-wrong-error-body")["failed"]] == [
        "GET of an id that does not exist answers 404 with the documented error body"
    ]
    assert result["clean"]["result"] == "passed"
    assert result["clean"]["failed"] == []
    assert result["clean"]["tests"] >= 2
    assert result["totals"] == {
        "faults": 2,
        "detected": 2,
        "by_must": 2,
        "only_by_should": 0,
        "missed": 0,
        "errors": 0,
        "kill_rate": 1.0,
        "clean": "passed",
    }
    # the printed table says the same
    lines = out.splitlines()
    assert " detected " in _row(lines, "test-op-ignored")
    assert failed["clause"] in _row(lines, "test-op-ignored")
    assert " passed " in _row(lines, selfcheck.CLEAN)
    assert (
        lines[-1]
        == "kill rate: 2/2 faults detected (2 by a must, 0 only by a should), clean run passed"
    )
    assert any(line.startswith("selfcheck took ") for line in lines)
    for secret in (FIXED.password, FIXED.ticket, FIXED.token):
        assert secret not in out
        assert secret not in json.dumps(result)


@pytest.mark.usefixtures("fixed_credentials")
def test_a_process_per_run_gives_the_verdicts_of_the_fork_server(capsys, tmp_path):
    args = ["--faults", "remove-ignored", "--suite-args=-k 'remove_clears or save_with_id'"]
    forked = _checked(capsys, tmp_path, *args)[2]
    _, out, alone = _checked(capsys, tmp_path, *args, "--no-fork")
    assert alone["runner"] == "a process per run"
    assert "(a process per run;" in out

    def verdicts(result):
        runs = [result["clean"], *result["faults"]]
        return [(r["result"], r["tests"], [f["clause"] for f in r["failed"]]) for r in runs]

    assert verdicts(alone) == verdicts(forked)
    assert alone["totals"] == forked["totals"]
    assert alone["totals"]["detected"] == 1


@pytest.mark.usefixtures("fixed_credentials")
def test_a_fault_only_a_should_clause_catches_is_detected_and_told_apart(capsys, tmp_path):
    code, out, result = _checked(
        capsys, tmp_path, "--faults", "malformed-json-500", "--suite-args=-k bad_body"
    )
    assert code == 0, out
    caught = _fault(result, "malformed-json-500")
    assert caught["result"] == "detected"
    assert caught["only_should"] is True
    assert {f["level"] for f in caught["failed"]} == {"should"}
    assert any("a 4xx, never a 5xx" in f["clause"] for f in caught["failed"])
    assert result["totals"]["by_must"] == 0
    assert result["totals"]["only_by_should"] == 1
    assert out.splitlines()[-1] == (
        "kill rate: 1/1 faults detected (0 by a must, 1 only by a should), clean run passed"
    )


def test_fault_the_suite_cannot_see_is_missed_and_fails_the_check(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(
        faults.FAULTS, "no-op", faults.Fault("no-op", "none", "changes nothing at all", "x", "y")
    )
    code, out, result = _checked(
        capsys, tmp_path, "--faults", "no-op", "--suite-args=-k failing_test"
    )
    assert code == 1, out
    missed = _fault(result, "no-op")
    assert missed["result"] == "missed"
    assert missed["summary"] == "changes nothing at all"
    assert missed["failed"] == []
    assert result["passed"] is False
    assert result["totals"]["missed"] == 1
    assert result["totals"]["kill_rate"] == 0.0
    lines = out.splitlines()
    assert " missed " in _row(lines, "no-op")
    assert "changes nothing at all" in _row(lines, "no-op")
    assert "missed (add the clause that catches each): no-op" in out


def test_fault_whose_clause_is_left_out_is_missed(capsys, tmp_path):
    code, out, result = _checked(
        capsys,
        tmp_path,
        "--faults",
        "select-omits-instead-of-null",
        "--suite-args=-k failing_test",
    )
    assert code == 1, out
    assert _fault(result, "select-omits-instead-of-null")["result"] == "missed"
    assert result["totals"]["clean"] == "passed"


@pytest.mark.usefixtures("fixed_credentials")
def test_failing_clean_run_fails_the_check_with_secrets_masked(tmp_path, capsys):
    leak = "'pw=' + os.environ['WEBAPI_PASSWORD'] + ' t=' + os.environ['WEBAPI_TOKEN']"
    suite = _suite(tmp_path, f"import os\n\n\ndef test_leaks():\n    assert False, {leak}\n")
    code, out, result = _checked(
        capsys, tmp_path, "--suite", str(suite), "--faults", "remove-ignored"
    )
    assert code == 1
    clean = result["clean"]
    assert clean["result"] == "failed"
    [failed] = clean["failed"]
    assert failed["kind"] == "test"
    assert failed["test"].endswith("test_tiny.py::test_leaks")
    assert "pw=*** t=***" in failed["message"]
    assert result["totals"]["clean"] == "failed"
    assert " FAILED " in _row(out.splitlines(), selfcheck.CLEAN)
    assert "test_tiny.py::test_leaks" in out
    assert "pw=*** t=***" in out
    for secret in (FIXED.password, FIXED.token):
        assert secret not in out
        assert secret not in json.dumps(result)


def test_suite_that_checks_nothing_misses_every_fault(tmp_path, capsys):
    suite = _suite(tmp_path, "def test_nothing():\n    pass\n")
    code, _, result = _checked(
        capsys, tmp_path, "--suite", str(suite), "--faults", "remove-ignored,412-ignored",
        "--workers", "3",
    )  # fmt: skip
    assert code == 1
    assert [entry["result"] for entry in result["faults"]] == ["missed", "missed"]
    assert result["totals"]["detected"] == 0
    assert result["clean"]["result"] == "passed"


def test_a_run_past_its_timeout_is_killed_and_cannot_be_judged(tmp_path, capsys):
    suite = _suite(tmp_path, "import time\n\n\ndef test_slow():\n    time.sleep(60)\n")
    code, out, result = _checked(
        capsys, tmp_path, "--suite", str(suite), "--faults", "remove-ignored", "--timeout", "2"
    )
    assert code == 1
    for run in (result["clean"], _fault(result, "remove-ignored")):
        assert run["result"] == "error"
        assert run["problem"] == "the run did not finish within 2 s"
        assert run["seconds"] < 30
    assert result["totals"]["errors"] == 1
    assert "the run did not finish within 2 s" in _row(out.splitlines(), "remove-ignored")


def test_a_suite_that_cannot_run_is_an_error_with_pytests_output(tmp_path, capsys):
    suite = _suite(tmp_path, "import no_such_module_here\n\n\ndef test_a():\n    pass\n")
    code, out, result = _checked(
        capsys, tmp_path, "--suite", str(suite), "--faults", "remove-ignored"
    )
    assert code == 1
    assert result["clean"]["result"] == "error"
    assert result["clean"]["exit_status"] == 2
    assert _fault(result, "remove-ignored")["result"] == "error"
    assert "(the run could not be judged)" in result["clean"]["problem"]
    assert "No module named 'no_such_module_here'" in out


ODYSSEE_FIXED = MockCredentials(
    username="selfcheck-user",
    password="pw-never-shown-odyssee",
    ticket="7T:ticket-unused",
    token="token-unused-5678",
    domain="corp-never-shown",
)


def test_odyssee_faults_run_against_the_odyssee_suite_and_mock(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(
        MockCredentials, "generate", classmethod(lambda cls, *a, **k: ODYSSEE_FIXED)
    )
    code, out, result = _checked(
        capsys,
        tmp_path,
        "--vendor",
        "odyssee",
        "--faults",
        "lastname-not-required,auth-without-domain-accepted",
        "--suite-args=-m 'not generated' -k 'lastname_required or right_domain'",
    )
    assert code == 0, out
    assert result["vendor"] == "odyssee"
    assert result["suite"].endswith("suites/odyssee")
    lastname = _fault(result, "lastname-not-required")
    [failed] = lastname["failed"]
    assert failed["level"] == "must"
    assert "a contact without lastname is refused" in failed["clause"]
    # a login without the right @domain refused is a should (the pages give the scheme only)
    assert _fault(result, "auth-without-domain-accepted")["only_should"] is True
    assert result["totals"]["by_must"] == 1
    assert result["totals"]["only_by_should"] == 1
    assert result["clean"]["result"] == "passed"
    assert "suites/odyssee against the clean odyssee mock and 2 faulty ones" in out
    assert ODYSSEE_FIXED.password not in out
    assert ODYSSEE_FIXED.password not in json.dumps(result)
