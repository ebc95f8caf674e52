"""Generated findings as whole runs record them: in the JUnit XML, and a should-only failure fails
its item with level should."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from support import generated_behind_proxy
from support.breakers import _map_json, _string_ids
from support.breaking_proxy import Answer, Breaker, Call, Upstream

from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports.junit import pytest_name


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def _run(pytester, mock, breaker, *args):
    result, junit = generated_behind_proxy(pytester, mock, breaker, 20, *args)
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        failed = case.find("failure") is not None or case.find("error") is not None
        cases[pytest_name(case)] = (failed, properties)
    return result, cases


def _item(name):
    return f"test_generated_cases_conform[{name}]"


def _crashes_on_bad_patches(call: Call, upstream: Upstream) -> Call | Answer:
    """The server fails with 500 where it should refuse a bad PATCH body with 400."""
    if call.method != "PATCH":
        return call
    answer = upstream.send(call)
    if answer.status == 400:
        return Answer(500, {"Content-Type": "application/json"}, b'{"Error": true}')
    return answer


def test_a_broken_server_leaves_findings_in_the_junit_xml(pytester, mock):
    breaker = Breaker("contactid-as-string", response=_map_json(_string_ids))
    selection = "PatchContact-merge-patch-1of2 or GetContact-positive-1of2"
    result, cases = _run(pytester, mock, breaker, "-k", selection)
    assert result.ret == 1, result.stdout.str()[-3000:]
    failed, properties = cases[_item("PatchContact-merge-patch-1of2")]
    assert failed
    assert properties["webapi_level"] == "must"
    (finding,) = json.loads(properties["webapi_findings"])
    assert finding["check"] == "response_schema_conformance"
    assert finding["level"] == "must"
    assert finding["operation"] == "PATCH /Contact/{id}"
    assert finding["status"] == 200
    assert finding["location"].endswith("/properties/ContactId/type"), finding
    assert finding["location"].startswith("/components/schemas/"), finding
    assert "\n" not in finding["message"]
    assert "violates schema" in finding["message"]
    assert finding["curl"].startswith("curl -X PATCH")
    creds = mock.credentials
    assert creds.password not in finding["curl"]
    secret = basic(creds.username, creds.password).authorization.split(" ", 1)[1]
    assert secret not in properties["webapi_findings"]
    failed, properties = cases[_item("GetContact-positive-1of2")]
    assert not failed
    assert json.loads(properties["webapi_findings"]) == []
    assert "webapi_level" not in properties


def test_a_should_only_failure_fails_the_item_with_level_should(pytester, mock):
    # No 5xx on malformed input is good practice the docs do not promise: a should, and one
    # failure (a 500 is not also an undocumented status).
    breaker = Breaker("500-on-bad-patch", request=_crashes_on_bad_patches)
    result, cases = _run(pytester, mock, breaker, "-k", "PatchContact-malformed-1of2")
    failed, properties = cases[_item("PatchContact-malformed-1of2")]
    assert failed, result.stdout.str()[-3000:]
    assert properties["webapi_level"] == "should"
    findings = json.loads(properties["webapi_findings"])
    assert [(f["check"], f["level"], f["status"]) for f in findings] == [
        ("not_a_server_error", "should", 500)
    ]
    assert "Level: should" in result.stdout.str()
