"""JUnit names for CI viewers: clause titles, generated operations and modes, the nodeid kept."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from webapi_contract.reports import junit
from webapi_contract.suites import suite_dir

SUITE = suite_dir("superoffice")
GENERATED_NAME = re.compile(
    r"^(GetContact|SaveContactEntity|PatchContact|DeleteContact) \S+ \d+of2$"
)


def _cases(path):
    return list(ET.parse(path).getroot().iter("testcase"))


def _props(case) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in case.iter("property")}


@pytest.fixture(scope="module")
def real_junit(tmp_path_factory):
    """junit.xml of a small run of the shipped suite against the embedded mock (reads, the
    parametrised negotiation clauses, every generated test), then renamed by rename_testcases;
    and the file as pytest wrote it."""
    folder = tmp_path_factory.mktemp("real-run")
    path = folder / "junit.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    env["WEBAPI_GENERATED_EXAMPLES"] = "1"
    command = [sys.executable, "-m", "pytest", str(SUITE), f"--junitxml={path}", "-q"]
    command += ["-k", "test_read or test_negotiation or test_generated", "-p", "no:cacheprovider"]
    done = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    before = path.read_bytes()
    assert junit.rename_testcases(path) is None
    return path, before


def test_clause_testcases_are_named_by_their_clause_title(real_junit):
    path, _ = real_junit
    clauses = [c for c in _cases(path) if "clause" in _props(c)]
    assert len(clauses) >= 8
    parametrised = 0
    for case in clauses:
        props = _props(case)
        original_name = props["nodeid"].split("::", 1)[1]
        assert case.get("classname") == f"superoffice.{props['clause_area']}"
        param = re.search(r"\[(.*)\]$", original_name)
        if param:
            parametrised += 1
            assert case.get("name") == f"{props['clause']} [{param.group(1)}]"
        else:
            assert case.get("name") == props["clause"]
        assert ".test_" in props["nodeid"].split("::", 1)[0]
    assert parametrised >= 2  # test_negotiation's Accept variants
    names = {c.get("name") for c in clauses}
    assert "Accept: application/json and text/json give JSON [text/json]" in names


def test_generated_testcases_are_named_by_operation_mode_and_shard(real_junit):
    path, _ = real_junit
    generated = [c for c in _cases(path) if c.get("classname") == "superoffice.generated"]
    nodeids = {_props(c)["nodeid"].split("::", 1)[1] for c in generated}
    assert "test_linked_sequences_conform" in nodeids
    assert sum(n.startswith("test_generated_cases_conform[") for n in nodeids) >= 20
    names = [c.get("name") for c in generated]
    assert "linked sequences (stateful)" in names
    assert "PatchContact merge-patch 1of2" in names
    assert "PatchContact json-patch 2of2" in names
    others = [n for n in names if n != "linked sequences (stateful)"]
    assert all(GENERATED_NAME.match(n) for n in others), others
    assert len(set(names)) == len(names)  # every generated test keeps a name of its own


def test_every_renamed_testcase_keeps_its_original_nodeid_and_nothing_else_changes(real_junit):
    path, before = real_junit
    old = _cases_from_bytes(before)
    new = _cases(path)
    assert len(old) == len(new)
    for was, now in zip(old, new, strict=True):
        props = _props(now)
        if "nodeid" in _props(was):  # the plugin already renamed it during the run
            assert (was.get("classname"), was.get("name")) == (
                now.get("classname"),
                now.get("name"),
            )
            continue
        if (was.get("classname"), was.get("name")) != (now.get("classname"), now.get("name")):
            assert props["nodeid"] == f"{was.get('classname')}::{was.get('name')}"
        assert [c.tag for c in now if c.tag != "properties"] == [
            c.tag for c in was if c.tag != "properties"
        ]
        assert {k: v for k, v in props.items() if k != "nodeid"} == _props(was)


def _cases_from_bytes(data: bytes):
    return list(ET.fromstring(data).iter("testcase"))


def test_renaming_twice_changes_nothing(real_junit, tmp_path):
    path, _ = real_junit
    copy = tmp_path / "junit.xml"
    copy.write_bytes(path.read_bytes())
    assert junit.rename_testcases(copy) is None
    assert copy.read_bytes() == path.read_bytes()


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


CLAUSE_TEST = """
from webapi_contract.contract import clause

@clause("reads answer 404 for a missing id", area="GET", doc="superoffice-patch-contact.v1.md",
        quote="Update a ContactEntity")
def test_missing(api, verdict):
    verdict.status(api.get("Contact/0"), 404)
"""

# What the plugin adds (see the report of issue #14): rename once junitxml has written the file.
RENAMING_CONFTEST = """
from pathlib import Path

import pytest

from webapi_contract.reports.junit import rename_testcases


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    xmlpath = session.config.option.xmlpath
    if xmlpath and not hasattr(session.config, "workerinput"):
        problem = rename_testcases(Path(xmlpath))
        assert problem is None, problem
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_a_trylast_sessionfinish_runs_after_junitxml_wrote_the_file(pytester, workers):
    pytester.makepyfile(test_x=CLAUSE_TEST)
    pytester.makeconftest(RENAMING_CONFTEST)
    out = pytester.path / "out" / "junit.xml"
    result = pytester.runpytest_subprocess(*workers, f"--junitxml={out}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    (case,) = _cases(out)
    assert (case.get("classname"), case.get("name")) == (
        "custom.GET",
        "reads answer 404 for a missing id",
    )
    assert _props(case)["nodeid"] == "test_x::test_missing"
