"""A conformant tenant that differs from the mock fails no clause: the suite runs behind a proxy
doing what a real server may do otherwise (dates without an offset or at +01:00, camelCase keys,
a null UpdatedDate, soft delete, a required app token or test-contact fields), and a request
that gets no answer is one readable line. That the suite fails a broken server is selfcheck's
proof, over the mock's fault catalogue."""

from __future__ import annotations

import re
import time

import pytest
from support import plugin_options
from support.breakers import _map_json, camel_case_keys, naive_dates, updated_date_at_plus_one
from support.breaking_proxy import Answer, Breaker, BreakingProxy

from webapi_contract.config import basic
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.suites import suite_dir

CONTRACT = suite_dir("superoffice")


@pytest.fixture(scope="module")
def mock():
    with MockServer(credentials=MockCredentials.generate()) as server:
        yield server


def _run(pytester, mock, breaker, *args):
    creds = mock.credentials
    with BreakingProxy(
        mock.base_url, basic(creds.username, creds.password).authorization, breaker
    ) as proxy:
        return pytester.runpytest_inprocess(
            str(CONTRACT),
            "--base-url",
            proxy.base_url,
            *plugin_options(creds),
            # every generated test judges real answers through the proxy; their depth is
            # test_generated_catch_faults.py's and test_generated_false_alarms.py's concern
            "--webapi-generated-examples=2",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *args,
        )


def test_dates_without_an_offset_fail_no_clause(pytester, mock):
    """Also the proof that the proxy itself breaks nothing: a whole run through it passes."""
    result = _run(pytester, mock, Breaker("naive-dates", response=naive_dates), "-q")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert outcomes.get("passed", 0) >= 40
    assert "failed" not in outcomes


def test_an_updated_date_at_another_offset_is_left_to_the_utc_stamps_clause(pytester, mock):
    """UpdatedDate written as the same instant at +01:00 (and no Last-Modified): the 304 clause
    converts it to GMT for If-Modified-Since (it used to crash: `usegmt` wants UTC) and passes;
    no other clause judges the offset, only the instant."""
    result = _run(pytester, mock, updated_date_at_plus_one, "-q", "-rA", "-k", "not generated")
    output = result.stdout.str()
    assert result.ret == 0, output[-3000:]
    for judged in ("test_read.py::test_if_modified_since", "test_save.py::test_stamps_of_a_new"):
        assert re.search(rf"^PASSED \S*{judged}", output, re.MULTILINE), output[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 40


def test_keys_in_another_case_are_documented_properties_all_the_same(pytester, mock):
    result = _run(pytester, mock, camel_case_keys, "-q", "-k", "every_documented_property")
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) == 3


class _UnchangedHaveNoUpdatedDate:
    """A server that leaves UpdatedDate null until a contact's first change (undocumented
    either way), also when a GET reads it."""

    def __init__(self):
        self.fresh: set[int] = set()
        self.response = _map_json(self._rewrite)

    def _rewrite(self, call, body):
        cid = body.get("ContactId")
        if not isinstance(cid, int):
            return body
        try:
            sent = call.json()
        except ValueError:
            sent = None  # an XML or form save
        if call.method == "POST" and isinstance(sent, dict) and not sent.get("ContactId"):
            self.fresh.add(cid)
        elif call.method == "PATCH":
            self.fresh.discard(cid)
        return {**body, "UpdatedDate": None} if cid in self.fresh else body


def test_a_null_updated_date_before_the_first_change_fails_no_clause(pytester, mock):
    breaker = Breaker("unchanged-no-updated-date", response=_UnchangedHaveNoUpdatedDate().response)
    result = _run(pytester, mock, breaker, "-q", "-p", "no:xdist")
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 40


def _app_token_required(call, upstream):
    """401 unless the request carries the app token the tenant issued (SuperOffice Online)."""
    if call.header("SO-AppToken") != "issued-app-token-42":
        return Answer(401, {"Content-Type": "application/json"}, b"{}")
    return call


def test_a_tenant_requiring_its_app_token_fails_no_header_clause(pytester, mock):
    breaker = Breaker("app-token-required", request=_app_token_required)
    result = _run(
        pytester, mock, breaker, "-q", "-k", "tuning", "--webapi-app-token=issued-app-token-42"
    )
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 9


def _soft_delete(call, upstream):
    """DELETE answers 204 but the contact stays readable (a soft-deleting server)."""
    if call.method == "DELETE":
        return Answer(204, {}, b"")
    return call


def test_a_soft_deleting_server_fails_no_404_clause(pytester, mock):
    result = _run(
        pytester, mock, Breaker("soft-delete", request=_soft_delete), "-q", "-k", "missing"
    )
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 3


class _BusinessMandatory:
    """A tenant where Business is a mandatory field: a save without it is refused (400). It
    notes the request types of the saves that carried it (JSON, XML and form bodies)."""

    def __init__(self):
        self.carried: set[str] = set()

    def __call__(self, call, upstream):
        if call.method == "POST" and "savecontactentity" in call.path.lower():
            if b"Business" not in call.body:
                return Answer(400, {"Content-Type": "application/json"}, b'{"Error": true}')
            self.carried.add((call.header("Content-Type") or "").split(";")[0])
        return call


def test_test_contact_fields_reach_every_contact_the_suite_creates(pytester, mock):
    mandatory = _BusinessMandatory()
    breaker = Breaker("business-mandatory", request=mandatory)
    fields = '--webapi-test-contact={"Business": {"Id": 2, "Value": "Retail"}}'
    result = _run(pytester, mock, breaker, "-q", "-k", "save or replace", fields)
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert result.parseoutcomes().get("passed", 0) >= 4
    every = {"application/json", "text/json", "application/xml", "text/xml"}
    every.add("application/x-www-form-urlencoded")
    assert mandatory.carried == every
    refused = _run(pytester, mock, breaker, "-q", "-k", "replace")
    assert refused.ret == 1
    assert "test data could not be created" in refused.stdout.str()


def _patch_hangs(call, upstream):
    """PATCH gets no answer in time (the proxy holds it past the client's timeout)."""
    if call.method == "PATCH":
        time.sleep(1.5)
    return call


def test_no_answer_is_one_readable_line_not_a_library_traceback(pytester, mock):
    breaker = Breaker("patch-hangs", request=_patch_hangs)
    result = _run(pytester, mock, breaker, "-k", "replace_answers", "--webapi-request-timeout=0.5")
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "NoAnswer: no answer to PATCH http://127.0.0.1:" in output
    assert "within the request timeout (0.5 s)" in output
    assert "urllib3" not in output, output[-3000:]
    assert "site-packages" not in output, output[-3000:]
