from typing import Any


def plugin_options(creds: Any) -> list[str]:
    """pytest options of the contract plugin giving a mock's credentials, in `--name=value`
    form: a secret may begin with `-`, and `--password -q…` would be read as a flag."""
    from webapi_contract.config import by_name

    given = {
        "username": creds.username,
        "password": creds.password,
        "ticket": creds.ticket,
        "token": creds.token,
    }
    return [f"{by_name(name).pytest_flag}={value}" for name, value in given.items()]


def junit_findings(junit: Any) -> dict[str, Any]:
    """Each test case's webapi_findings (parsed) by the name pytest gave it, from a JUnit XML."""
    import json
    import xml.etree.ElementTree as ET

    from webapi_contract.reports.junit import pytest_name

    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        for prop in case.iter("property"):
            if prop.get("name") == "webapi_findings":
                found[pytest_name(case)] = json.loads(prop.get("value") or "null")
    return found


def generated_behind_proxy(pytester: Any, mock: Any, breaker: Any, examples: int, *args: str):
    """Run the shipped SuperOffice suite's generated tests in-process through a BreakingProxy
    applying `breaker` in front of `mock`, with the mock's credentials; pytest's result and the
    JUnit XML file the run wrote."""
    from support.breaking_proxy import BreakingProxy
    from webapi_contract.config import basic
    from webapi_contract.suites import suite_dir

    creds = mock.credentials
    authorization = basic(creds.username, creds.password).authorization
    junit = pytester.path / "junit.xml"
    with BreakingProxy(mock.base_url, authorization, breaker) as proxy:
        result = pytester.runpytest_inprocess(
            str(suite_dir("superoffice") / "test_generated.py"),
            "--base-url",
            proxy.base_url,
            *plugin_options(creds),
            f"--webapi-generated-examples={examples}",
            f"--junitxml={junit}",
            "-p",
            "no:cacheprovider",
            "-q",
            *args,
        )
    return result, junit
