"""Odyssee's generated tests in whole runs: the clean mock passes every one, stored nulls are a
must finding, negative cases carry the configured credentials."""

from __future__ import annotations

import pytest
from schemathesis import GenerationMode
from support import junit_findings

from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.suites import suite_dir
from webapi_contract.suites.odyssee.entity_api import ODYSSEE_CONTACT as API

GENERATED = suite_dir("odyssee") / "test_generated.py"


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
