"""Faults of the mock: registered, wired into the clean code path once each, and switchable."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

import pytest
import requests

from webapi_contract import cli
from webapi_contract.config import basic
from webapi_contract.contract import cite
from webapi_contract.mock import KNOWN_FAULTS, MockCredentials, MockServer, faults
from webapi_contract.suites import suite_dir

MOCK_SOURCES = Path(faults.__file__).resolve().parent
SAVE = "Agents/Contact/SaveContactEntity"
JSON_PATCH = {"Content-Type": "application/json-patch+json"}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


class Probe:
    """Plain HTTP against one mock, bearer-authenticated, with a contact to work on."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.base = server.base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.credentials.token}"

    def create(self, **fields):
        body = {"ContactId": 0, "Name": "Probe", "Department": "Sales", **fields}
        sent = self.session.post(f"{self.base}/{SAVE}", json=body)
        assert sent.status_code == 200, sent.text
        return sent.json()

    def path(self, entity, query=""):
        return f"{self.base}/Contact/{entity['ContactId']}{query}"

    def get(self, entity, query="", **kwargs):
        return self.session.get(self.path(entity, query), **kwargs)

    def patch(self, entity, body, headers=JSON_PATCH, query=""):
        return self.session.patch(self.path(entity, query), json=body, headers=headers)

    def missing(self):
        entity = self.create()
        assert self.session.delete(self.path(entity)).status_code == 204
        return entity


def _replace(path, value="changed"):
    return [{"op": "replace", "path": path, "value": value}]


def _failing_test():
    return [{"op": "test", "path": "/Department", "value": "certainly not"}]


def _stale(probe, entity):
    second = int(datetime.fromisoformat(entity["UpdatedDate"]).timestamp())
    return {**MERGE_PATCH, "If-Unmodified-Since": formatdate(second - 5, usegmt=True)}


def _media(response):
    return response.headers.get("Content-Type", "").split(";")[0]


def _not_atomic(p):
    entity = p.create()
    p.patch(entity, [*_replace("/Number1", "kept?"), *_failing_test()])
    return p.get(entity).json()["Number1"]


def _not_persisted(p):
    entity = p.create()
    p.patch(entity, _replace("/Department", "stored?"))
    return p.get(entity).json()["Department"]


def _updated_moves(p):
    entity = p.create()
    return p.patch(entity, _replace("/Number2")).json()["UpdatedDate"] != entity["UpdatedDate"]


def _stamped_utc(p):
    stamp = datetime.fromisoformat(p.create()["UpdatedDate"])
    return abs((stamp - datetime.now(UTC)).total_seconds()) < 60


def _zone_keeps_dates(p):
    entity = p.create()
    zoned = p.get(entity, headers={"SO-TimeZone": "US-NY"}).json()
    return zoned["UpdatedDate"] == p.get(entity).json()["UpdatedDate"]


def _not_modified(p):
    entity = p.create()
    since = p.get(entity).headers["Last-Modified"]
    return p.get(entity, headers={"If-Modified-Since": since}).status_code


def _save_update(p):
    entity = p.create()
    saved = p.session.post(f"{p.base}/{SAVE}", json={**entity, "Department": "updated"})
    return saved.json()["ContactId"] == entity["ContactId"]


def _stale_write(p):
    entity = p.create()
    return p.patch(entity, {"Department": "x"}, _stale(p, entity)).status_code


def _selected_on_patch(p):
    sent = p.patch(p.create(), _replace("/Number1"), query="?$select=name")
    return sent.json().get("Department")


def _auth_status(p, authorization):
    entity = p.create()
    headers = {"Authorization": authorization} if authorization else {}
    return requests.get(p.path(entity), headers=headers).status_code


def _xsrf_status(p):
    creds = p.server.credentials
    headers = {"X-XSRF-TOKEN": creds.xsrf_token, "Cookie": creds.xsrf_cookie}
    return requests.get(p.path(p.create()), headers=headers).status_code


def _merged_emails(p, merge):
    entity = p.create(Emails=[{"Value": "a@example.com"}])
    return [e["Value"] for e in p.patch(entity, {"Emails": merge}, MERGE_PATCH).json()["Emails"]]


def _zoned_other_date(p):
    entity = p.create(DbiLastModified="2024-01-15T10:30:00Z")
    zoned = p.get(entity, headers={"SO-TimeZone": "NO, includeTZOffset"})
    return zoned.json()["DbiLastModified"]


# fault -> an observation of the behaviour it breaks; the clean mock and the faulty one differ.
PROBES = {
    "paths-case-sensitive": lambda p: p.patch(p.create(), _replace("/department")).status_code,
    "leading-slash-required": lambda p: p.patch(p.create(), _replace("Department")).status_code,
    "updateddate-not-bumped": _updated_moves,
    "test-op-ignored": lambda p: p.patch(p.create(), _failing_test()).status_code,
    "move-accepted": lambda p: (
        p.patch(p.create(), [{"op": "move", "from": "/Department", "path": "/Number2"}]).status_code
    ),
    "remove-ignored": lambda p: (
        p.patch(p.create(), [{"op": "remove", "path": "/Department"}]).json().get("Department")
    ),
    "add-to-end-replaces": lambda p: len(
        p.patch(
            p.create(Emails=[{"Value": "a@example.com"}]),
            [{"op": "add", "path": "/Emails/-", "value": {"Value": "b@example.com"}}],
        ).json()["Emails"]
    ),
    "merge-null-ignored": lambda p: (
        p.patch(p.create(), {"Department": None}, MERGE_PATCH).json().get("Department")
    ),
    "merge-object-replaces-array": lambda p: _merged_emails(p, {"Value": "b@example.com"}),
    "merge-array-appends": lambda p: _merged_emails(p, [{"Value": "b@example.com"}]),
    "patch-not-atomic": _not_atomic,
    "404-wrong-error-body": lambda p: (_media(r := p.get(p.missing())), r.json().get("ErrorType")),
    "missing-contact-200-null": lambda p: p.get(p.missing()).status_code,
    "patch-missing-200-null": lambda p: p.patch(p.missing(), _replace("/Number1")).status_code,
    "test-conflict-400": lambda p: p.patch(p.create(), _failing_test()).status_code,
    "412-ignored": _stale_write,
    "if-unmodified-since-local-time": _stale_write,
    "select-omits-instead-of-null": lambda p: (
        "Department" in p.get(p.create(), "?$select=name").json()
    ),
    "select-ignored-on-get": lambda p: p.get(p.create(), "?$select=name").json()["Department"],
    "select-ignored-on-patch": _selected_on_patch,
    "save-update-creates-new": _save_update,
    "save-create-echoes-zero-id": lambda p: p.create()["ContactId"] > 0,
    "save-without-id-refused": lambda p: (
        p.session.post(f"{p.base}/{SAVE}", json={"Name": "no ContactId"}).status_code
    ),
    "patch-not-persisted": _not_persisted,
    "ticket-scheme-rejected": lambda p: _auth_status(p, f"SoTicket {p.server.credentials.ticket}"),
    "wrong-password-accepted": lambda p: _auth_status(p, "Basic bW9jazp3cm9uZw=="),  # mock:wrong
    "anonymous-get-allowed": lambda p: _auth_status(p, None),
    "anonymous-write-allowed": lambda p: (
        requests.patch(
            p.path(p.create()), json=_replace("/Number1"), headers=JSON_PATCH
        ).status_code
    ),
    "xsrf-ignored": _xsrf_status,
    "xml-accept-ignored": lambda p: _media(p.get(p.create(), headers={"Accept": "text/xml"})),
    "text-json-406": lambda p: p.get(p.create(), headers={"Accept": "text/json"}).status_code,
    "json-as-text-plain": lambda p: _media(p.get(p.create())),
    "json-without-content-type": lambda p: "Content-Type" in p.get(p.create()).headers,
    "charset-param-415": lambda p: (
        p.patch(
            p.create(), {"Department": "x"}, {"Content-Type": "application/json; charset=utf-8"}
        ).status_code
    ),
    "merge-patch-415": lambda p: p.patch(p.create(), {"Department": "x"}, MERGE_PATCH).status_code,
    "save-xml-form-415": lambda p: (
        p.session.post(
            f"{p.base}/{SAVE}",
            data=b"<ContactEntity><Name>x</Name></ContactEntity>",
            headers={"Content-Type": "application/xml"},
        ).status_code
    ),
    "save-text-json-415": lambda p: (
        p.session.post(
            f"{p.base}/{SAVE}", data=b'{"Name": "t"}', headers={"Content-Type": "text/json"}
        ).status_code
    ),
    "contactid-as-string": lambda p: type(p.get(p.create()).json()["ContactId"]).__name__,
    "booleans-as-numbers": lambda p: json.dumps(p.get(p.create(Xstop=False)).json()["Xstop"]),
    "interests-omitted": lambda p: "Interests" in p.get(p.create()).json(),
    "patch-answer-without-links": lambda p: (
        "_Links" in p.patch(p.create(), _replace("/Number1")).json()
    ),
    "save-answer-omits-nulls": lambda p: "Description" in p.create(),
    "dates-local-time": _stamped_utc,
    "timezone-header-shifts-dates": _zone_keeps_dates,
    "zoned-dates-labelled-utc": _zoned_other_date,
    "so-language-500": lambda p: p.get(p.create(), headers={"SO-Language": "de"}).status_code,
    "if-modified-since-ignored": _not_modified,
    "malformed-json-500": lambda p: (
        p.session.patch(p.path(p.create()), data="[{", headers=JSON_PATCH).status_code
    ),
    "wrong-type-500": lambda p: p.patch(p.create(), _replace("/Source", "many")).status_code,
}


@pytest.fixture(scope="module")
def clean():
    with MockServer() as server:
        yield Probe(server)


def test_there_are_enough_faults_over_every_area():
    assert len(faults.FAULTS) >= 20
    assert tuple(faults.FAULTS) == KNOWN_FAULTS
    areas = {fault.area for fault in faults.FAULTS.values()}
    for area in ("PATCH semantics", "JSON Patch ops", "merge patch", "atomicity", "404", "409"):
        assert area in areas
    for area in ("412", "$select", "SaveContactEntity", "persistence", "auth", "robustness"):
        assert area in areas
    for area in ("content negotiation", "content types", "schema drift", "date formats"):
        assert area in areas
    assert "header handling" in areas


@pytest.mark.parametrize("fault", list(faults.FAULTS.values()), ids=list(faults.FAULTS))
def test_each_fault_cites_the_doc_line_it_breaks(fault):
    assert cite(fault.doc, fault.quote).line > 0
    assert fault.summary
    assert "\n" not in fault.summary


def _consulted(sources) -> Counter[str]:
    used: Counter[str] = Counter()
    for source in sources:
        used.update(re.findall(r'faults\.active\(\s*"([^"]+)"\s*\)', source.read_text()))
    return used


@pytest.mark.parametrize("vendor", faults.vendors())
def test_each_fault_is_one_switch_in_the_clean_code_path(vendor):
    shared = _consulted(MOCK_SOURCES.glob("*.py"))
    own = _consulted((MOCK_SOURCES / vendor).rglob("*.py"))
    catalogue = faults.catalogue(vendor)
    assert set(shared) == faults.SHARED  # the shared switches, declared as such
    assert set(own) <= set(catalogue), "a vendor's mock consults only its own catalogue"
    assert not set(own) & faults.SHARED, "a shared switch lives in the shared machinery"
    offered = Counter({name: count for name, count in shared.items() if name in catalogue})
    used = own + offered
    assert sorted(used) == sorted(catalogue)
    assert {name: count for name, count in used.items() if count != 1} == {}


def test_both_vendors_have_a_mock_and_a_catalogue():
    assert faults.vendors() == ["odyssee", "superoffice"]
    assert len(faults.catalogue("odyssee")) >= 12
    assert faults.catalogue() is faults.FAULTS is faults.catalogue("superoffice")


_STATIC_VENDOR_IMPORT = re.compile(
    r"^\s*(?:from|import)\s+webapi_contract\.mock\.(\w+)|^\s*from\s+webapi_contract\.mock\s+"
    r"import\s+(\w+)|^\s*from\s+\.+(\w+)",
    re.MULTILINE,
)


def test_shared_mock_code_reaches_vendor_packages_only_by_name():
    vendors = set(faults.vendors())
    for vendor in ("", *vendors):
        folder = MOCK_SOURCES / vendor
        sources = folder.rglob("*.py") if vendor else folder.glob("*.py")
        for source in sources:
            for match in _STATIC_VENDOR_IMPORT.finditer(source.read_text()):
                imported = {name for name in match.groups() if name} & vendors
                assert imported <= {vendor}, f"{source.name} imports {imported} statically"


def test_every_fault_has_a_probe():
    assert set(PROBES) == set(faults.FAULTS)


@pytest.mark.parametrize("fault", list(PROBES))
def test_fault_changes_the_behaviour_it_names(clean, fault):
    with MockServer(fault=fault) as server:
        broken = PROBES[fault](Probe(server))
    assert broken != PROBES[fault](clean), f"{fault} changed nothing the probe sees"


def test_fault_is_per_server_not_per_process(clean):
    with MockServer(fault="text-json-406") as server:
        assert PROBES["text-json-406"](Probe(server)) == 406
        assert PROBES["text-json-406"](clean) == 200


def test_unknown_fault_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown fault 'slow'; known faults: paths-case"):
        MockServer(fault="slow")


def test_consulting_an_unregistered_fault_is_a_bug():
    with pytest.raises(KeyError, match="unregistered fault 'typo'"):
        faults.active("typo")


def test_serve_lists_the_faults_one_line_each(capsys):
    assert cli.main(["serve", "--list-faults"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(faults.FAULTS)
    for line, fault in zip(lines, faults.FAULTS.values(), strict=True):
        assert line.startswith(f"{fault.name} ")
        assert f"[{fault.area}] {fault.summary}" in line


def test_serve_with_an_unknown_fault_exits_2_listing_the_known_ones(capsys):
    assert cli.main(["serve", "--fault", "slow"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown fault 'slow'" in err
    assert all(name in err for name in faults.FAULTS)


def test_wrong_password_is_caught_when_basic_is_given_whole_with_auth(pytester):
    """selfcheck gives user name and password; a whole Basic header (--webapi-auth) is tampered
    with all the same, so the fault is caught there too."""
    creds = MockCredentials.generate()
    whole = basic(creds.username, creds.password).authorization
    with MockServer(credentials=creds, fault="wrong-password-accepted") as server:
        result = pytester.runpytest_inprocess(
            str(suite_dir("superoffice") / "test_auth.py"),
            "-k",
            "wrong_credentials",
            f"--base-url={server.base_url}",
            f"--webapi-auth={whole}",
            "-p",
            "no:cacheprovider",
            "-q",
        )
    output = result.stdout.str()
    assert result.ret == 1, output[-3000:]
    assert "wrong Basic answered 200" in output
