"""Every generated check has a level, every generated item records its findings (issue #11).

Invalid requests are judged by what the docs say is refused (generated/violations.py); each
item's findings reach the JUnit XML as a `webapi_findings` property, with `webapi_level` when the
item failed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from support import plugin_options
from support.breakers import _map_json, _string_ids
from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call, Upstream

from webapi_contract.config import basic
from webapi_contract.generated.findings import Finding, findings_of
from webapi_contract.generated.violations import entity_violations, patch_violations
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.reports.junit import pytest_name
from webapi_contract.suites import suite_dir

GENERATED = suite_dir("superoffice") / "test_generated.py"
# The stamps, and the rights members (vendor-facts.md:26) the server computes: never judged.
STAMPED = {"CreatedDate", "UpdatedDate", "TableRight", "FieldProperties"}
JSON_PATCH = "application/json-patch+json"


def _levels(violations):
    return [("must" if v.documented else "should") for v in violations]


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        # vendor-facts.md:26: rights members are the server's, members of carriers too
        ({"TableRight": {"Mask": 5}}, []),
        ({"FieldProperties": {"Name": 7}}, []),
        ({"Business": {"Id": "x", "FieldProperties": {"Id": 1}}}, []),
        ({"Emails": [{"Value": 5, "TableRight": "all"}]}, []),
        ({"CreatedDate": 5}, []),  # stamped: valid requests never send it either
        # the documented refusal: a wrong JSON type for a top-level scalar
        ({"Source": "many"}, ["must"]),
        ({"Department": {"a": 1}}, ["must"]),
        ({"NoMailing": "maybe"}, ["must"]),
        ({"ContactId": [1]}, ["must"]),
        # what a lenient reader converts, and what the docs leave open: a should
        ({"Department": 5}, ["should"]),
        ({"Source": "12"}, ["should"]),
        ({"Source": 2**40}, ["should"]),
        ({"Business": "x"}, ["should"]),
        ({"Emails": 5}, ["should"]),
        ({"Emails": [5]}, ["should"]),
        ({"CustomFields": {"a": [1]}}, ["should"]),
        ([1], ["should"]),
        ({"Department": "x", "Source": 3}, []),
    ],
)
def test_an_invalid_entity_is_judged_by_what_the_docs_refuse(body, levels):
    assert (
        _levels(entity_violations("ContactEntity", body, STAMPED, vendor="superoffice")) == levels
    )


@pytest.mark.parametrize(
    ("body", "media_type", "levels"),
    [
        ([{"op": "move", "from": "/Name", "path": "/Department"}], JSON_PATCH, ["must"]),
        ([{"op": "copy", "from": "/Name", "path": "/Department"}], JSON_PATCH, ["must"]),
        ([{"op": "merge", "path": "/Name", "value": 1}], JSON_PATCH, ["must"]),
        # how a server reads a malformed operation the page does not say (ASP.NET's JsonPatch
        # reads a missing value as null): a should; an op spelled in another case is an op
        ([{"op": "replace", "value": 1}], JSON_PATCH, ["should"]),
        ([{"op": "add", "path": "/Name"}], JSON_PATCH, ["should"]),
        ([1], JSON_PATCH, ["should"]),
        ([{"op": "Replace", "path": "/Department", "value": "x"}], JSON_PATCH, []),
        ([{"op": "add", "path": "/TableRight"}], JSON_PATCH, []),
        ({"op": "replace", "path": "/Name", "value": "x"}, JSON_PATCH, ["must"]),
        ("patch", "application/json", ["must"]),
        ([{"op": "replace", "path": "source", "value": "many"}], JSON_PATCH, ["must"]),
        ([{"op": "replace", "path": "/NoSuchThing", "value": "x"}], JSON_PATCH, ["should"]),
        ([{"op": "replace", "path": "/TableRight", "value": 5}], JSON_PATCH, []),
        ([{"op": "remove", "path": "/Department"}], "application/json", []),
        ({"Phones": {"Value": "1"}}, "application/merge-patch+json", []),  # appended
        ({"Business": {"FieldProperties": 5}}, "application/merge-patch+json", []),
        ({"Source": "many"}, "application/merge-patch+json", ["must"]),
        ([], "application/merge-patch+json", ["should"]),
    ],
)
def test_an_invalid_patch_is_judged_by_what_the_docs_refuse(body, media_type, levels):
    found = patch_violations("ContactMergePatch", body, media_type, STAMPED, vendor="superoffice")
    assert _levels(found) == levels


def test_findings_are_distinct_and_errors_of_the_harness_count_as_must():
    one = Finding("response_schema_conformance", True, "GET /Contact/{id}", 200, "/x", "m", "c")
    group = ExceptionGroup("two", [ValueError("a"), ValueError("b")])
    group.webapi_findings = [one, one]  # as the runner attaches them
    assert findings_of(group) == [one]
    (harness,) = findings_of(RuntimeError("no answer\nfrom the server"), "GET /Contact/{id}")
    assert (harness.check, harness.documented, harness.message) == (
        "RuntimeError",
        True,
        "no answer",
    )
    record = one.record("must", "should")
    assert list(record) == ["check", "level", "operation", "status", "location", "message", "curl"]
    assert record["level"] == "must"


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def _run(pytester, mock, breaker, *args):
    creds = mock.credentials
    authorization = basic(creds.username, creds.password).authorization
    junit = pytester.path / "junit.xml"
    with BreakingProxy(mock.base_url, authorization, breaker) as proxy:
        result = pytester.runpytest_inprocess(
            str(GENERATED),
            "--base-url",
            proxy.base_url,
            *plugin_options(creds),
            "--webapi-generated-examples=20",
            f"--junitxml={junit}",
            "-p",
            "no:cacheprovider",
            "-q",
            *args,
        )
    cases = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        failed = case.find("failure") is not None or case.find("error") is not None
        cases[pytest_name(case)] = (failed, properties)
    return result, cases


def _item(name):
    return f"test_generated_cases_conform[{name}]"


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


def _crashes_on_bad_patches(call: Call, upstream: Upstream) -> Call | Answer:
    """The server fails with 500 where it should refuse a bad PATCH body with 400."""
    if call.method != "PATCH":
        return call
    answer = upstream.send(call)
    if answer.status == 400:
        return Answer(500, {"Content-Type": "application/json"}, b'{"Error": true}')
    return answer


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
