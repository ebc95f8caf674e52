"""Generated tests fail readably, secrets masked, against a server broken in one way."""

from __future__ import annotations

import json

import pytest
from support.breakers import _authorize_anything, _map_json, naive_dates
from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call, Upstream

from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.suites import suite_dir

GENERATED = suite_dir("superoffice") / "test_generated.py"


def _appending_crashes(call: Call, upstream: Upstream) -> Call | Answer:
    """500 for a valid JSON Patch that appends to an array (`/Emails/-`)."""
    if call.method == "PATCH" and "/contact/" in call.path.lower():
        body = call.json()
        if isinstance(body, list) and any(
            isinstance(op, dict) and str(op.get("path", "")).endswith("/-") for op in body
        ):
            return Answer(500, {"Content-Type": "application/json"}, b'{"Error": true}')
    return call


def _string_ids(call: Call, answer: Answer) -> Answer:
    """PATCH answers carry ContactId as a string."""
    if call.method == "PATCH" and answer.status == 200 and answer.body:
        body = answer.json()
        if isinstance(body, dict) and isinstance(body.get("ContactId"), int):
            body["ContactId"] = str(body["ContactId"])
            answer.set_json(body)
    return answer


def _dates_as_words(call: Call, body: dict) -> dict:
    """UpdatedDate of every contact answer is a word, not a date-time."""
    return {**body, "UpdatedDate": "yesterday"} if "UpdatedDate" in body else body


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def _run(pytester, mock, breaker, *args):
    creds = mock.credentials
    authorization = basic(creds.username, creds.password).authorization
    with BreakingProxy(mock.base_url, authorization, breaker) as proxy:
        return pytester.runpytest_inprocess(
            str(GENERATED),
            "--base-url",
            proxy.base_url,
            f"--webapi-username={creds.username}",
            f"--webapi-password={creds.password}",
            "--webapi-generated-examples",
            "20",
            "-p",
            "no:cacheprovider",
            *args,
        )


def test_unbroken_server_passes_generated_tests(pytester, mock):
    result = _run(pytester, mock, Breaker("none"), "-q", "-k", "PatchContact")
    assert result.ret == 0, result.stdout.str()[-3000:]


class _Throttles:
    """Every 4th request is answered 429 with Retry-After, without reaching the server."""

    def __init__(self):
        self.seen = 0
        self.throttled = 0

    def __call__(self, call: Call, upstream: Upstream) -> Call | Answer:
        self.seen += 1
        if self.seen % 4 == 0:
            self.throttled += 1
            return Answer(429, {"Retry-After": "0", "Content-Type": "text/plain"}, b"slow down")
        return call


def test_throttling_is_not_a_failure(pytester, mock, monkeypatch):
    from webapi_contract import client
    from webapi_contract.generated import checks

    monkeypatch.setattr(client, "BACKOFF_FACTOR", 0.0)  # the waits are not under test here
    monkeypatch.setattr(checks, "_PROBE_WAITS_S", (0.0, 0.0, 0.0))
    throttles = _Throttles()
    result = _run(pytester, mock, Breaker("throttled", request=throttles), "-q", "-k", "Patch")
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert throttles.throttled >= 5


def test_dates_without_an_offset_are_conformant(pytester, mock):
    # SuperOffice's default rendering: no offset unless SO-TimeZone asks for includeTZOffset.
    naive = Breaker("naive-dates", response=naive_dates)
    result = _run(pytester, mock, naive, "-q", "-k", "PatchContact or GetContact")
    assert result.ret == 0, result.stdout.str()[-3000:]


@pytest.mark.parametrize(
    ("breaker", "selection", "words"),
    [
        (
            Breaker("append-crashes", request=_appending_crashes),
            "PatchContact-json-patch",
            ["Server error", "500"],
        ),
        (
            Breaker("contactid-as-string", response=_string_ids),
            "PatchContact-merge-patch",
            ["Response violates schema", "ContactId"],
        ),
        (
            Breaker("auth-ignored", request=_authorize_anything),
            "PatchContact-merge-patch",
            ["API accepts requests without authentication"],
        ),
        (
            Breaker("dates-as-words", response=_map_json(_dates_as_words)),
            "PatchContact-merge-patch",
            ["Response value in the wrong format", "UpdatedDate", "date-time"],
        ),
    ],
    ids=[
        "500-on-valid-patch",
        "patch-response-violates-schema",
        "auth-not-enforced",
        "date-not-a-date",
    ],
)
def test_broken_server_fails_with_a_reproducible_report(pytester, mock, breaker, selection, words):
    result = _run(pytester, mock, breaker, "-q", "-k", selection)
    output = result.stdout.str()
    assert result.ret == 1, f"{breaker.name} went unnoticed:\n{output[-3000:]}"
    for word in [*words, "Generated case failed:", "Seed: 0", "Reproduce with:", "curl -X PATCH"]:
        assert word in output, f"{word!r} missing:\n{output[-4000:]}"
    creds = mock.credentials
    secret = basic(creds.username, creds.password).authorization.split(" ", 1)[1]
    assert secret not in output
    assert creds.password not in output
    assert "Falsifying example" not in output  # Hypothesis' repr would show the headers


def test_failure_report_names_the_rerun_command(pytester, mock):
    breaker = Breaker("contactid-as-string", response=_string_ids)
    result = _run(pytester, mock, breaker, "-q", "-k", "PatchContact-merge-patch-1of2")
    assert "--hypothesis-seed=0" in result.stdout.str()
    assert json.dumps("ContactId")[1:-1] in result.stdout.str()


def test_netrc_credentials_never_reach_the_auth_probes(pytester, mock, tmp_path, monkeypatch):
    # Schemathesis sends ignored_auth's probes outside our session; requests would add these.
    netrc = tmp_path / "netrc"
    creds = mock.credentials
    netrc.write_text(f"machine 127.0.0.1 login {creds.username} password {creds.password}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    selection = "PatchContact-merge-patch or linked"
    result = _run(pytester, mock, Breaker("none"), "-q", "-k", selection)
    assert result.ret == 0, result.stdout.str()[-3000:]


def test_linked_sequences_catch_a_server_ignoring_auth(pytester, mock):
    result = _run(
        pytester, mock, Breaker("auth-ignored", request=_authorize_anything), "-k", "linked"
    )
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "ST401 API accepts requests without authentication" in output
