"""Odyssee's generated tests: guid ids, PUT bodies, the company every contact needs, max lengths
(issue #13). The generated layer is vendor-neutral; Odyssee is only its EntityApi."""

from __future__ import annotations

import pytest
from schemathesis import GenerationMode
from support import junit_findings

from webapi_contract.generated import variants
from webapi_contract.generated.entity import entity_key
from webapi_contract.generated.loading import request_document
from webapi_contract.generated.violations import entity_violations
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.schemastore import openapi
from webapi_contract.suites import suite_dir
from webapi_contract.suites.odyssee.entity_api import ODYSSEE_CONTACT as API

GENERATED = suite_dir("odyssee") / "test_generated.py"
GUID = "9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d"


@pytest.mark.parametrize(
    "value",
    [GUID, GUID.upper(), f"guid'{GUID}'", f"'{GUID}'", f"{{{GUID}}}", GUID.replace("-", "")],
)
def test_any_spelling_of_a_guid_names_the_same_contact(value):
    assert entity_key(value, "uuid") == GUID
    assert API.addresses(value)


@pytest.mark.parametrize("value", ["abc", "", None, 42, GUID[:-1], f"guid'{GUID}", [GUID]])
def test_values_no_contact_can_have(value):
    assert entity_key(value, "uuid") is None


def test_the_tag_fits_the_lastname_limit_unless_the_name_is_the_violation():
    tag = "wc-261201180114-afbcc5 gen"
    assert len(API.tagged(tag, "x" * 40)) == 50
    assert API.tagged(tag, "pool 0") == f"{tag} pool 0"
    assert len(API.tagged(tag, "x" * 51, invalid=True)) > 51


def test_every_operation_in_both_modes_put_drawn_like_a_create():
    found = {(v.operation_id, v.mode, v.body) for v in variants(API)}
    ops = ("listContacts", "getContact", "createContact", "updateContact", "deleteContact")
    assert found == {(op, mode, None) for op in ops for mode in GenerationMode}
    assert {v.operation_id for v in variants(API) if v.mutating} == set(API.mutating)


def test_generated_bodies_are_json_only():
    document = request_document(openapi("odyssee"), API, closed=True)
    content = document["paths"]["/Contact"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/json"}


def _levels(body, schema="OdysseeContactCreate"):
    found = entity_violations(schema, body, {"modified_dateutc"}, vendor="odyssee", **NULLS)
    return sorted("must" if v.documented else "should" for v in found)


NULLS = {"null_is_default": True}
VALID = {"lastname": "x", "company_code": "ACME"}


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        (VALID, []),
        ({**VALID, "firstname": None, "archived": None}, []),  # no nulls stored: the default
        ({**VALID, "lastname": "x" * 50, "functions": "y" * 64}, []),
        # help.txt: "Required Max length: 50", functions "Max length: 64"
        ({**VALID, "lastname": "x" * 51}, ["must"]),
        ({**VALID, "functions": "y" * 65}, ["must"]),
        ({"company_code": "ACME"}, ["must"]),  # lastname required
        ({"company_code": "ACME", "lastname": None}, ["must"]),
        ({"lastname": "x"}, ["must"]),  # none of company_id, company_code, company
        ({**VALID, "archived": "maybe"}, ["must"]),  # a wrong JSON type
        ({**VALID, "firstname": 5}, ["should"]),  # a lenient reader converts it
    ],
)
def test_an_invalid_contact_is_judged_by_what_the_docs_refuse(body, levels):
    assert _levels(body) == levels


def test_a_put_body_needs_its_id():
    assert _levels(VALID, "OdysseeContact") == ["must"]
    assert _levels({**VALID, "id": GUID}, "OdysseeContact") == []


def _run(pytester, mock, *args):
    creds = mock.credentials
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess(
        str(GENERATED),
        "--base-url",
        mock.base_url,
        "--webapi-vendor=odyssee",
        f"--webapi-username={creds.username}",
        f"--webapi-password={creds.password}",
        f"--webapi-domain={creds.domain}",
        f"--junitxml={junit}",
        "-p",
        "no:cacheprovider",
        "-q",
        *args,
    )
    return result, junit_findings(junit)


def test_the_clean_mock_passes_every_generated_test(pytester):
    with MockServer(vendor="odyssee", credentials=MockCredentials.generate()) as mock:
        result, findings = _run(pytester, mock)
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert findings
    assert not any(findings.values()), findings
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 21, outcomes


def test_stored_nulls_are_found_as_a_must(pytester):
    credentials = MockCredentials.generate()
    with MockServer(vendor="odyssee", credentials=credentials, fault="nulls-stored") as mock:
        result, findings = _run(pytester, mock, "-k", "getContact-positive or linked")
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "Response violates schema" in output
    found = [f for item in findings.values() for f in item]
    assert any(f["check"] == "response_schema_conformance" for f in found), found
    assert {f["level"] for f in found} == {"must"}, found
    assert credentials.password not in output


@pytest.mark.parametrize(
    ("vendor", "entity", "path"),
    [("odyssee", "ODYSSEE_CONTACT", "/Contact({id})"), ("superoffice", None, "/Contact/{id}")],
)
def test_negative_cases_carry_the_configured_credentials(vendor, entity, path):
    """Negative cases are invalid in what they were drawn for, never in their credentials: a
    generated Authorization would make them 401s that never reach the invalid data."""
    from dataclasses import replace

    from hypothesis import given, settings

    from webapi_contract.config import basic, resolve
    from webapi_contract.generated.loading import load_schema
    from webapi_contract.suites.superoffice.entity_api import SUPEROFFICE_CONTACT

    api = API if entity else SUPEROFFICE_CONTACT
    creds = MockCredentials.generate()
    password = f"{creds.password}@{creds.domain}" if vendor == "odyssee" else creds.password
    credential = basic(creds.username, password)
    with MockServer(credentials=creds, vendor=vendor) as server:
        target = replace(
            resolve({}, environ={}), base_url=server.base_url, credentials=(credential,)
        )
        schema = load_schema(target, api, closed=False)
        operation = schema[path]["GET"]
        seen = []

        @settings(max_examples=15, database=None, derandomize=True, deadline=None)
        @given(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def send(case):
            response = case.call()
            seen.append((response.status_code, (case.headers or {}).get("Authorization")))

        send()
    assert len(seen) == 15
    assert {authorization for _, authorization in seen} == {credential.authorization}
    assert 401 not in {status for status, _ in seen}
