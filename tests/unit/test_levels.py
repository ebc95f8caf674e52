"""Levels: a `must` failure fails the run; a `should` failure is reported in full and fails the run
only under --strict. Generated findings are grouped by (check, status, schema location)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from webapi_contract.cli import main
from webapi_contract.contract import SHOULD, Verdict, clause
from webapi_contract.contract.verdict import ContractViolation
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports.conformance import FINDINGS_PROPERTY, Collector
from webapi_contract.reports.summary import render_summary
from webapi_contract.suites.superoffice import test_latency


def _build(collector: Collector, strict: bool = False) -> dict:
    return collector.build(
        target={"url": None}, started="t", duration=1.0, exit_status=0, strict=strict
    )


def _clause_case(collector: Collector, nodeid: str, level: str, outcome: str) -> None:
    props = [("clause", nodeid), ("clause_level", level), ("clause_area", "a")]
    collector.add(nodeid, "call", outcome, properties=props, message="boom")


def test_a_failed_should_is_reported_but_passes_the_run_unless_strict():
    collector = Collector()
    _clause_case(collector, "t.py::test_must", "must", "passed")
    _clause_case(collector, "t.py::test_should", "should", "failed")
    data = _build(collector)
    assert data["status"] == "passed"
    assert data["totals"]["levels"]["should"]["failed"] == 1
    assert data["totals"]["levels"]["must"]["passed"] == 1
    assert data["totals"]["should_failures_tolerated"] == 1
    by_id = {c["id"]: c for c in data["clauses"]}
    assert by_id["t.py::test_should"]["verdict"] == "failed"  # never "passed"
    assert by_id["t.py::test_should"]["level"] == "should"
    summary = render_summary(data)
    assert "must 1/1 passed, 0 failed; should 0/1 passed, 1 failed" in summary
    assert "x [should] t.py::test_should" in summary
    assert _build(collector, strict=True)["status"] == "failed"


def test_a_failed_must_fails_the_run():
    collector = Collector()
    _clause_case(collector, "t.py::test_must", "must", "failed")
    _clause_case(collector, "t.py::test_should", "should", "passed")
    assert _build(collector)["status"] == "failed"


def _finding(check: str, status: int, location: str, operation: str, level: str = "must"):
    return {
        "check": check,
        "level": level,
        "operation": operation,
        "status": status,
        "location": location,
        "message": f"{check} at {location}",
        "curl": f"curl -X GET http://x/{operation}",
    }


def test_generated_findings_are_grouped_across_shards_and_operations():
    collector = Collector()
    one = _finding("response_schema_conformance", 404, "/properties/Error", "GET /Contact/{id}")
    other_op = _finding(
        "response_schema_conformance", 404, "/properties/Error", "PATCH /Contact/{id}"
    )
    should = _finding("not_a_server_error", 500, "", "PATCH /Contact/{id}", level=SHOULD)
    for shard, found in enumerate([[one], [one, other_op], [should]]):
        collector.add(
            f"g.py::test_gen[v-{shard}]",
            "call",
            "failed",
            properties=[(FINDINGS_PROPERTY, json.dumps(found)), ("webapi_level", "must")],
            generated=True,
        )
    findings = _build(collector)["generated"]["findings"]
    assert [(f["check"], f["status"], f["count"]) for f in findings] == [
        ("response_schema_conformance", "404", 3),
        ("not_a_server_error", "500", 1),
    ]
    assert findings[0]["operations"] == ["GET /Contact/{id}", "PATCH /Contact/{id}"]
    assert len(findings[0]["tests"]) == 2
    summary = render_summary(_build(collector))
    assert "generated findings: 2" in summary
    assert "x [must] response_schema_conformance status 404 at /properties/Error: 3x" in summary
    assert "failed tests that are no clause" not in summary  # told once, by the findings


def test_a_clause_level_is_checked():
    with pytest.raises(ValueError, match="level must be one of"):
        clause("t", area="a", doc="superoffice-patch-contact.v1.md", quote="Update", level="may")


def _call(status: int, elapsed_ms: float, retries: int = 0):
    return SimpleNamespace(
        status=status, elapsed_ms=elapsed_ms, retries=retries, method="GET", describe=lambda: ""
    )


def test_latency_over_the_threshold_fails_the_should_clause_not_warns():
    verdict = Verdict(None)
    test_latency._judge([_call(200, 150.0)], verdict)
    with pytest.raises(ContractViolation, match="every call under 2000 ms"):
        test_latency._judge([_call(200, 2500.0)], verdict)
    # a throttled call's time is not its latency; a failed call is its own clause's business
    with pytest.raises(pytest.skip.Exception, match="latency not judged"):
        test_latency._judge([_call(200, 9000.0, retries=1), _call(500, 10.0)], verdict)


@pytest.mark.parametrize(("strict", "code"), [(False, 0), (True, 1)])
def test_a_server_failing_only_a_should_passes_unless_strict(tmp_path, capsys, strict, code):
    # malformed-json-500: a broken body answered 500. Refused and nothing applied (the must
    # clause holds); a 4xx, never a 5xx, is the should that fails.
    creds = MockCredentials.generate()
    with MockServer(credentials=creds, fault="malformed-json-500") as mock:
        args = ["run", "--base-url", mock.base_url, f"--token={creds.token}"]
        args += ["--workers", "0", "--no-allure-report", "--report-dir", str(tmp_path)]
        args += ["--strict"] if strict else []
        assert main([*args, "--", "-k", "bad_body"]) == code
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "conformance.json").read_text())
    verdicts = {c["title"]: (c["level"], c["verdict"]) for c in data["clauses"]}
    assert verdicts["a bad body is refused as the client's fault: a 4xx, never a 5xx"] == (
        "should",
        "failed",
    )
    assert verdicts[
        "a body that is not JSON, or a value of the wrong type, is refused and applies nothing"
    ] == ("must", "passed")
    assert "should 0/1 passed, 1 failed" in out
    assert "x [should] a bad body is refused" in out


def test_a_clause_judged_in_part_is_not_a_pass():
    """A clause with a skipped case (the tenant could not be judged on it) is skipped, never
    passed: a skipped test is not counted as passing."""
    from webapi_contract.reports.conformance import Collector

    collector = Collector()
    meta = [("clause", "t"), ("clause_area", "a"), ("clause_doc", "x.md:1")]
    collector.add("s.py::test_c[1]", "call", "passed", properties=meta)
    collector.add(
        "s.py::test_c[2]", "setup", "skipped", message="Skipped: not judged: …", properties=meta
    )
    collector.add("s.py::test_d[1]", "call", "passed", properties=[("clause", "u"), *meta[1:]])
    data = collector.build(target={}, started="2026-12-01T00:00:00Z", duration=1.0, exit_status=0)
    verdicts = {c["id"]: c["verdict"] for c in data["clauses"]}
    assert verdicts == {"s.py::test_c": "skipped", "s.py::test_d": "passed"}
    assert data["totals"]["passed"] == 1
    assert data["totals"]["skipped"] == 1
