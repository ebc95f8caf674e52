"""JUnit names for CI viewers: clause titles, generated operations and modes, the nodeid kept."""

from __future__ import annotations

import stat

import pytest
from support.junit_runs import _cases, _props

from webapi_contract.reports import junit

HAND_MADE = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="webapi-contract" tests="7">
<testcase classname="src.webapi_contract.suites.superoffice.test_save" name="test_x[text/xml]">
<properties><property name="clause" value="saves [XML] bodies" />
<property name="clause_area" value="SaveContactEntity" /></properties>
<failure message="Clause broken">details &amp; more</failure></testcase>
<testcase classname="tests.contract.test_mine" name="test_own_clause">
<properties><property name="clause" value="my own clause" />
<property name="clause_area" value="mine" /></properties></testcase>
<testcase classname="tests.contract.test_mine" name="test_plain" />
<testcase classname="tests.contract.test_other" name="test_generated_cases_conform[A-b-1of2]" />
<testcase classname="x.suites.acme.test_generated"
 name="test_generated_cases_conform[Op-json-patch-2of3]">
<skipped type="pytest.skip" message="nothing left" /></testcase>
<testcase classname="x.suites.acme.test_generated" name="test_linked_sequences_conform" />
<testcase classname="x.suites.acme.test_generated" name="test_something_else" />
</testsuite></testsuites>
"""


def test_hand_made_report_covers_custom_suites_and_odd_names(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(HAND_MADE, encoding="utf-8")
    path.chmod(0o644)
    assert junit.rename_testcases(path) is None
    cases = _cases(path)
    got = [(c.get("classname"), c.get("name")) for c in cases]
    assert got == [
        ("superoffice.SaveContactEntity", "saves [XML] bodies [text/xml]"),
        ("custom.mine", "my own clause"),
        ("tests.contract.test_mine", "test_plain"),
        ("tests.contract.test_other", "test_generated_cases_conform[A-b-1of2]"),
        ("acme.generated", "Op json-patch 2of3"),
        ("acme.generated", "linked sequences (stateful)"),
        ("x.suites.acme.test_generated", "test_something_else"),
    ]
    nodeids = [_props(c).get("nodeid") for c in cases]
    assert nodeids[0] == "src.webapi_contract.suites.superoffice.test_save::test_x[text/xml]"
    assert [nodeids[2], nodeids[3], nodeids[6]] == [None, None, None]  # names kept
    assert cases[0].find("failure").text == "details & more"
    assert cases[4].find("skipped") is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by a CI uploader, as before
    once = path.read_bytes()
    assert junit.rename_testcases(path) is None
    assert path.read_bytes() == once


def test_read_testcases_names_them_without_touching_the_file(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(HAND_MADE, encoding="utf-8")
    cases = junit.read_testcases(path)
    assert cases[0].get("name") == "saves [XML] bodies [text/xml]"
    assert path.read_text(encoding="utf-8") == HAND_MADE
    (tmp_path / "bad.xml").write_text("<testsuites><testcase", encoding="utf-8")
    with pytest.raises(junit.JunitError, match="not well-formed XML"):
        junit.read_testcases(tmp_path / "bad.xml")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ("", "not well-formed XML"),
        ("<testsuites><testcase name='x'>", "not well-formed XML"),
        ("<html><body>502 Bad Gateway</body></html>", "is not a JUnit report"),
        (
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><testsuites>&a;</testsuites>',
            "has a DOCTYPE",
        ),
        (b"\xff\xfe<testsuites/>", "not well-formed XML"),
    ],
    ids=["absent", "empty", "truncated", "not-junit", "doctype", "bad-encoding"],
)
def test_a_bad_file_is_left_alone_and_named_as_the_problem(tmp_path, content, problem):
    path = tmp_path / "junit.xml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    before = path.read_bytes() if path.exists() else None
    found = junit.rename_testcases(path)
    assert found is not None
    assert problem in found
    assert str(path) in found
    assert "\n" not in found
    assert (path.read_bytes() if path.exists() else None) == before
    assert [p.name for p in tmp_path.iterdir()] == ([] if before is None else ["junit.xml"])


def test_a_failed_write_leaves_the_file_and_no_temporary_behind(tmp_path, monkeypatch):
    path = tmp_path / "junit.xml"
    path.write_text(HAND_MADE, encoding="utf-8")

    def refuse(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(junit.os, "replace", refuse)
    found = junit.rename_testcases(path)
    assert found == f"junit names left as they are: {path}: cannot write (No space left on device)"
    assert path.read_text(encoding="utf-8") == HAND_MADE
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]
