"""JUnit names and properties as whole runs write them, in-process and under xdist."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from support.junit_runs import _cases, _props

from webapi_contract.reports import junit

GENERATED_NAME = re.compile(
    r"^(GetContact|SaveContactEntity|PatchContact|DeleteContact) \S+ \d+of2$"
)


def _cases_from_bytes(data: bytes):
    return list(ET.fromstring(data).iter("testcase"))


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


def test_renaming_twice_changes_nothing(real_junit, tmp_path):
    path, _ = real_junit
    copy = tmp_path / "junit.xml"
    copy.write_bytes(path.read_bytes())
    assert junit.rename_testcases(copy) is None
    assert copy.read_bytes() == path.read_bytes()
