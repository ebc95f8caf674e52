"""Generated tests never fail a conformant server, and say one cause once (issue #11).

Each test runs the generated tests behind a proxy that makes the mock behave as an independent,
conformant SuperOffice-style server may (tests/unit/support/breakers.py), targeted as a live
server (not the embedded mock), and shows that the situation really arose.
"""

from __future__ import annotations

import pytest
from support import generated_behind_proxy, junit_findings
from support.breakers import AgentsNull, OtherNotFoundBody, RightsIgnored, StrictTenant
from support.breaking_proxy import Breaker

from webapi_contract.mock import MockCredentials, MockServer


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def _run(pytester, mock, breaker, examples, *args):
    result, junit = generated_behind_proxy(pytester, mock, breaker, examples, *args)
    return result, junit_findings(junit)


def _outcomes(result):
    return result.parseoutcomes()


def test_ignored_rights_members_are_no_failure(pytester, mock):
    # vendor-facts.md:26: the server computes TableRight/FieldProperties and may ignore them.
    rights = RightsIgnored()
    selection = "SaveContactEntity-negative or PatchContact-negative"
    result, findings = _run(
        pytester, mock, Breaker("rights-ignored", request=rights), 60, "-k", selection
    )
    output = result.stdout.str()
    assert rights.ignored >= 20, f"too few invalid rights members sent ({rights.ignored})"
    assert _outcomes(result).get("failed", 0) == 0, output[-4000:]
    assert findings, "no generated item recorded its findings"
    assert all(found == [] for found in findings.values()), findings


def test_another_404_body_fails_only_the_404_clause(pytester, mock):
    # The 404 body is the clause "GET of an id that does not exist answers 404 with the
    # documented error body"'s; the generated tests judge the 404 status only.
    rewritten = OtherNotFoundBody()
    result, findings = _run(pytester, mock, Breaker("other-404-body", response=rewritten), 8)
    output = result.stdout.str()
    assert rewritten.rewritten >= 20, rewritten.rewritten
    assert result.ret == 0, output[-4000:]
    assert "ST108" not in output
    assert len(findings) == 21, sorted(findings)
    assert not any(findings.values()), findings


def test_a_strict_live_tenant_gets_only_what_it_allows(pytester, mock):
    # A live target (the proxy, not the embedded mock): valid cases change only plain writable
    # properties, never remove the test contact's mandatory Category, and send documented
    # SO-TimeZone codes only; this tenant refuses anything else with 400, which would fail
    # positive_data_acceptance (a must) for a valid case.
    tenant = StrictTenant()
    selection = "positive or json-patch or merge-patch or linked"
    result, findings = _run(
        pytester,
        mock,
        Breaker("strict-tenant", request=tenant),
        25,
        "-k",
        selection,
        '--webapi-test-contact={"Category": {"Id": 1}}',
    )
    output = result.stdout.str()
    assert result.ret == 0, output[-4000:]
    assert tenant.zones >= 10, f"too few SO-TimeZone headers sent ({tenant.zones})"
    # Invalid cases may well be refused (random headers belong there); a refused valid case
    # would have failed positive_data_acceptance above.
    assert len(findings) == 11, sorted(findings)
    assert not any(findings.values()), findings


def test_agents_null_while_creating_test_data_is_one_clear_line(pytester, mock):
    agents = AgentsNull()
    result, findings = _run(
        pytester,
        mock,
        Breaker("agents-null", request=agents),
        20,
        "-k",
        "GetContact-positive-1of2 or linked",
    )
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "TypeError" not in output
    line = (
        "test data could not be created: the server answered 200 with null (Agents failure); "
        "see --test-contact"
    )
    # Once per test in its own section; the short summary (whole lines where CI=true is set,
    # cut to the terminal's width elsewhere) is not counted.
    sections = output.split("short test summary info")[0]
    assert sections.count(line) == 2, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert "During handling" not in output, output[-3000:]
    for found in findings.values():
        assert [(f["check"], f["level"], f["message"]) for f in found] == [
            ("test_data", "must", line)
        ]


def test_agents_null_for_valid_data_is_the_documented_agents_failure(pytester, mock):
    agents = AgentsNull(after_setup=True)
    selection = "SaveContactEntity"
    result, findings = _run(
        pytester, mock, Breaker("agents-null", request=agents), 20, "-k", selection
    )
    output = result.stdout.str()
    assert agents.nulls >= 5, agents.nulls
    assert "Agents failure: 200 with a null body" in output
    assert "ST108" not in output, output[-3000:]
    assert "TypeError" not in output, output[-3000:]
    for name, found in findings.items():
        checks = {f["check"] for f in found}
        if "negative" in name:  # a null-200 is how Agents refuse invalid data: fine
            assert found == [], found
        else:
            assert checks == {"agents_failure"}, found
            assert {f["level"] for f in found} == {"must"}
