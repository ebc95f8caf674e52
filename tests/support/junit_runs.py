"""A real JUnit file from a small run, and readers of its test cases and properties."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from webapi_contract.reports import junit
from webapi_contract.suites import suite_dir

SUITE = suite_dir("superoffice")


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
