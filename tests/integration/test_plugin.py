"""The pytest plugin: clear one-line stops, readonly selection, the report header."""

from __future__ import annotations

import socket

import pytest

CLAUSE_FILE = """
from webapi_contract.contract import clause

@clause("reads", area="a", doc="superoffice-patch-contact.v1.md", quote="Update a ContactEntity")
def test_reads(api):
    assert api.base_url

@clause("writes", area="a", doc="superoffice-patch-contact.v1.md", quote="Update a ContactEntity",
        mutating=True)
def test_writes(api):
    assert api.base_url
"""


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_base_url_stops_the_run_with_one_line(pytester):
    pytester.makepyfile(test_x=CLAUSE_FILE)
    url = f"http://127.0.0.1:{_closed_port()}/api/v1"
    result = pytester.runpytest_inprocess(
        "--base-url", url, "--webapi-username", "u", "--webapi-password", "p"
    )
    assert result.ret == 4
    output = result.stdout.str() + result.stderr.str()
    assert f"cannot connect to {url}" in output
    assert "Traceback" not in output
    assert "passed" not in output
    assert " failed" not in output


def test_rejected_credentials_stop_the_run(pytester):
    from webapi_contract.mock import MockCredentials, MockServer

    pytester.makepyfile(test_x=CLAUSE_FILE)
    with MockServer(credentials=MockCredentials.generate()) as server:
        result = pytester.runpytest_inprocess(
            "--base-url",
            server.base_url,
            "--webapi-username",
            "nobody",
            "--webapi-password",
            "wrong-secret",
        )
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == 4
    assert "refused the credentials (Basic) with 401" in output
    assert "wrong-secret" not in output


def test_bad_configuration_is_a_usage_error(pytester):
    pytester.makepyfile(test_x=CLAUSE_FILE)
    result = pytester.runpytest_inprocess("--base-url", "ftp://x", "--webapi-readonly")
    assert result.ret == 4
    assert "is not an http(s) URL" in result.stderr.str()


def test_bad_configuration_stops_tests_that_use_the_target_with_one_line(pytester):
    # No --webapi-* option and no shipped suite: the suite is not in play until a test asks for
    # the target; then the same one line, exit 4.
    pytester.makepyfile(test_x=CLAUSE_FILE)
    result = pytester.runpytest_inprocess("--base-url", "ftp://x")
    assert result.ret == 4
    assert "is not an http(s) URL" in result.stdout.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_readonly_skips_mutating_clauses_as_not_run(pytester):
    pytester.makepyfile(test_x=CLAUSE_FILE)
    result = pytester.runpytest_inprocess("--webapi-readonly", "-v", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    assert "test_reads PASSED" in result.stdout.str()
    assert "not run (read-only)" in result.stdout.str()


def test_embedded_mock_is_the_default_target(pytester):
    pytester.makepyfile(test_x=CLAUSE_FILE)
    result = pytester.runpytest_inprocess("-v", "--webapi-request-timeout=20")
    result.assert_outcomes(passed=2)
    assert "target embedded mock" in result.stdout.str()


def test_report_header_shows_target_without_credentials(pytester):
    pytester.makepyfile(test_x="def test_nothing():\n    pass\n")
    result = pytester.runpytest_inprocess(
        "--base-url",
        "https://user:pw@tenant.example/Cust1/api/v1",
        "--webapi-ticket",
        "7T:tick",
        "--collect-only",
    )
    out = result.stdout.str()
    assert "target https://tenant.example/Cust1/api/v1; auth SoTicket, Basic" in out
    assert "7T:tick" not in out
    assert "user:pw" not in out


@pytest.mark.parametrize("workers", ["2"])
def test_embedded_mock_is_shared_by_xdist_workers(pytester, workers):
    pytester.makepyfile(
        test_x="""
def test_a(api):
    open("urls-a.txt", "w").write(api.base_url)

def test_b(api):
    open("urls-b.txt", "w").write(api.base_url)
"""
    )
    result = pytester.runpytest_subprocess(
        "-n", workers, "-p", "no:randomly", "--webapi-request-timeout=20"
    )
    result.assert_outcomes(passed=2)
    first = (pytester.path / "urls-a.txt").read_text()
    assert first == (pytester.path / "urls-b.txt").read_text()


def test_a_session_without_the_suite_is_left_alone(pytester, monkeypatch):
    # pytest-base-url's --base-url at a closed port, xdist, a bad WEBAPI_* variable: a session
    # whose tests never ask for the contract target gets no preflight, no mock and no header,
    # nor the generated tests' imports (Schemathesis' OpenAPI support: half a second of start-up).
    pytester.makepyfile(
        test_app="""
            import sys

            def test_app(base_url):
                assert base_url.endswith('/app')
                assert 'webapi_contract.generated' not in sys.modules
        """
    )
    url = f"http://127.0.0.1:{_closed_port()}/app"
    monkeypatch.setenv("WEBAPI_TIMEOUT", "soon")
    result = pytester.runpytest_subprocess("--base-url", url, "-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    out = result.stdout.str() + result.stderr.str()
    assert "webapi-contract" not in out.replace("webapi-contract-", "")  # the plugins line only


def test_the_suite_overrides_pytest_base_urls_fixture_with_its_target(pytester):
    # The suite's own base_url (pytest-base-url's convention for a harness that starts its
    # server): the embedded mock's URL, so pytest-base-url's --verify-base-url checks that.
    from webapi_contract.suites import suite_dir

    suite = suite_dir("superoffice")
    result = pytester.runpytest_subprocess(
        str(suite / "test_read.py"),
        "-k",
        "missing_contact",
        "--verify-base-url",
        "-p",
        "no:cacheprovider",
        "--setup-show",
    )
    out = result.stdout.str()
    assert result.ret == 0, out[-2000:]
    assert "SETUP    S base_url (fixtures used: contract_settings)" in out
