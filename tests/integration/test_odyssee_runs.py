"""The Odyssee suite in whole runs: read-only it writes nothing, the e_password it sends never
reaches a report, and a conformant tenant that is not our mock passes. (That the clean mock
passes and that every fault of the catalogue fails the suite is `selfcheck --vendor odyssee`.)"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from support.breaking_proxy import Answer, Breaker, BreakingProxy, Call

from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.suites import suite_dir

CONTRACT = suite_dir("odyssee")
# The clauses only: the generated tests have their own harness tests.
CLAUSES_ONLY = ("-m", "not generated", f"--ignore={CONTRACT / 'test_generated.py'}")


def _options(base_url: str, creds: MockCredentials, *more: str) -> tuple[str, ...]:
    """The plain pytest options of a run against base_url as the Odyssee vendor, with the
    mock's user, password and domain (the plugin preflights it, as it would a tenant)."""
    return (
        f"--base-url={base_url}",
        "--webapi-vendor=odyssee",
        f"--webapi-username={creds.username}",
        f"--webapi-password={creds.password}",
        f"--webapi-domain={creds.domain}",
        *more,
    )


def _run(pytester: pytest.Pytester, options: tuple[str, ...], *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        str(CONTRACT),
        *CLAUSES_ONLY,
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *options,
        *args,
    )


@pytest.fixture(scope="module")
def mock():
    with MockServer(vendor="odyssee", credentials=MockCredentials.generate()) as server:
        yield server


def test_readonly_sends_no_write(pytester, mock):
    """Under --readonly the mutating clauses are skipped and nothing but reads is sent."""
    methods: list[str] = []

    def note(call: Call, upstream: object) -> Call:
        methods.append(call.method)
        return call

    creds = mock.credentials
    authorization = basic(creds.username, f"{creds.password}@{creds.domain}").authorization
    with BreakingProxy(mock.base_url, authorization, Breaker("spy", request=note)) as proxy:
        result = _run(pytester, _options(proxy.base_url, creds, "--webapi-readonly"), "-q")
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 3
    assert methods
    assert set(methods) <= {"GET", "HEAD", "OPTIONS"}, methods


def _echoing(sent: set[str]) -> Breaker:
    """A tenant that echoes every e_password it gets outside the e_password member: a PUT or
    POST carrying one is answered 422 with the value in the error message (so the clauses
    fail and report the exchange), and any answer holding a value repeats it, plain and in
    base64, under other names."""

    def request(call: Call, upstream: object) -> Call:
        try:
            body = call.json()
        except ValueError:
            return call
        value = body.get("e_password") if isinstance(body, dict) else None
        if isinstance(value, str) and value:
            sent.add(value)
        return call

    def response(call: Call, answer: Answer) -> Answer:
        try:
            body = call.json()
        except ValueError:
            body = None
        value = body.get("e_password") if isinstance(body, dict) else None
        if isinstance(value, str) and value:
            message = f"e_password {value} ({base64.b64encode(value.encode()).decode()}) refused"
            error = {"error": {"code": "Invalid", "message": message}}
            return Answer(422, {"Content-Type": "application/json"}, json.dumps(error).encode())
        text = answer.body.decode("utf-8", "replace")
        for known in sorted(sent):
            if known in text and answer.headers.get("Content-Type", "").startswith("application"):
                try:
                    data = answer.json()
                except ValueError:
                    break
                if isinstance(data, dict):
                    data["remark"] = f"holds {known}"
                    data["remark_b64"] = base64.b64encode(known.encode()).decode()
                    answer.set_json(data)
                break
        return answer

    return Breaker("echo-e-password", request=request, response=response)


def _texts(folder: Path) -> list[tuple[Path, str]]:
    return [
        (path, path.read_bytes().decode("utf-8", "replace"))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def test_e_password_never_reaches_a_report(pytester, mock, tmp_path):
    """The values of e_password the suite sent, echoed back by the tenant outside the
    e_password member, appear in no file of junit.xml, conformance.json, the report folder or
    allure-results, nor on the console."""
    sent: set[str] = set()
    creds = mock.credentials
    authorization = basic(creds.username, f"{creds.password}@{creds.domain}").authorization
    out = tmp_path / "out"
    with BreakingProxy(mock.base_url, authorization, _echoing(sent)) as proxy:
        options = _options(proxy.base_url, creds, f"--webapi-report-dir={out / 'report'}")
        result = _run(
            pytester,
            options,
            "-rA",
            "-vv",
            "--showlocals",
            f"--junitxml={out / 'junit.xml'}",
            f"--alluredir={out / 'allure-results'}",
            "-k",
            "max_length or put_persists",
        )
    console = result.stdout.str() + result.stderr.str()
    assert result.ret == 1, console[-3000:]
    assert "test_max_length[e_password] FAILED" in console or "e_password" in console
    assert sent, "the suite sent no e_password"
    files = _texts(out)
    names = {path.name for path, _ in files}
    assert {"junit.xml", "conformance.json"} <= names, names
    assert any(path.parent.name == "allure-results" for path, _ in files)
    assert any("***" in text for path, text in files if path.name == "junit.xml")
    for value in sent:
        forms = {value, value[:40], base64.b64encode(value.encode()).decode()}
        for path, text in [*files, (Path("console"), console)]:
            found = [form for form in forms if form in text]
            assert not found, f"the e_password sent is in {path}"


_DATE = re.compile(r'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{3})Z"')


def _conformant_tenant() -> Breaker:
    """What a real Odyssee tenant may do that our mock does not, and the pages allow: extra
    members (and in another order), dates with 7 fraction digits and `+00:00` (the help page's own
    sample), guids in upper case, 400 where the mock says 422, another error body, 204 without a
    body for a PUT."""

    def reorder(value: Any) -> Any:
        if isinstance(value, dict):
            members = {k: reorder(v) for k, v in reversed(list(value.items()))}
            return {"odata.etag": 'W/"1"', **members} if "id" in members else members
        if isinstance(value, list):
            return [reorder(v) for v in value]
        if isinstance(value, str) and re.fullmatch(r"[0-9a-f-]{36}", value):
            return value.upper()
        return value

    def answer(call: Call, found: Answer) -> Answer:
        if found.status == 422:
            found.status = 400
            found.set_json({"Message": "The request is invalid."})
            return found
        if call.method == "PUT" and found.status == 200:
            return Answer(
                204, {k: v for k, v in found.headers.items() if k.lower() != "content-type"}, b""
            )
        if "json" not in found.headers.get("content-type", "") or not found.body:
            return found
        found.set_json(reorder(found.json()))
        found.body = _DATE.sub(rb'"\1.\g<2>0000+00:00"'.decode(), found.body.decode()).encode()
        return found

    return Breaker("conformant-tenant", response=answer)


def test_a_conformant_tenant_that_is_not_our_mock_passes(pytester, mock):
    """Never fail a conformant tenant: every `must` passes behind the proxy; only the exact
    `.fffZ` date form of vendor-facts (a `should`) is reported, and the run passes."""
    creds = mock.credentials
    authorization = basic(creds.username, f"{creds.password}@{creds.domain}").authorization
    with BreakingProxy(mock.base_url, authorization, _conformant_tenant()) as proxy:
        result = _run(pytester, _options(proxy.base_url, creds), "-q", "-rf")
    output = result.stdout.str()
    assert result.ret == 0, output[-4000:]
    failed = {
        line.split()[1].split("::")[-1].split("[")[0]
        for line in result.stdout.lines
        if line.startswith("FAILED ")
    }
    assert failed == {"test_dates_in_the_exact_documented_format"}, output[-4000:]
