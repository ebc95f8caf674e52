"""Sharded and multi-target runs merged: what one unsharded run finds, one page per fleet."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from support import browser
from support.merging import _merge, _what_it_found

from webapi_contract.mock import MockCredentials, MockServer


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    """`webapi-contract ARGS` in a process of its own (runs go side by side, as CI jobs do),
    with nothing from the caller's WEBAPI_* environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    return subprocess.Popen(
        [sys.executable, "-m", "webapi_contract", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(started: list[subprocess.Popen[str]], timeout: int = 600) -> list[tuple[int, str]]:
    done = []
    for process in started:
        output, _ = process.communicate(timeout=timeout)
        done.append((process.returncode, output))
    return done


def _without_durations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_durations(v) for k, v in value.items() if k != "duration_s"}
    if isinstance(value, list):
        return [_without_durations(v) for v in value]
    return value


FLEET_USER = "fleet-user"


FLEET_SECRETS = {
    "password": "s3cret-Fleet-PW",
    "ticket": "7T:fleet-Ticket-4471bd",
    "token": "fleet-Token-9d2e77aa",
}


MERGED_PART = "test_read or test_select or test_patch_conditions or test_save or GetContact"
MERGED_PART += " or DeleteContact or linked"


FAULTS = {"tenant-b": "404-wrong-error-body", "tenant-c": "merge-null-ignored"}


@pytest.mark.slow
def test_three_shards_merge_into_what_one_unsharded_run_finds(tmp_path, capsys):
    """Done when: the suite against the embedded mock as 3 shards, merged, gives the clause
    verdicts, generated case counts and totals of one unsharded run.

    A part of the suite: clauses of four modules (musts and a should), generated tests of two
    operations and the linked sequences, which every shard shares in (the merge is the subject
    here; that the shards of the whole suite cover it once is test_shard_runs.py's)."""
    # 2: every generated test's two halves draw a case (with 1, the second half skips)
    common = ["--no-allure-report", "--generated-examples", "2", "--workers", "0"]
    common += ["--", "-k", MERGED_PART]
    runs = [
        _start(
            tmp_path,
            "run",
            "--report-dir",
            str(tmp_path / f"shard{i}"),
            "--shard",
            f"{i}/3",
            "--run-id",
            "nightly-7",
            *common,
        )
        for i in (1, 2, 3)
    ]
    runs.append(
        _start(tmp_path, "run", "--report-dir", str(tmp_path / "whole"), "--run-id", "n8", *common)
    )
    for code, output in _wait(runs):
        assert code == 0, output[-3000:]
    shards = [
        json.loads((tmp_path / f"shard{i}" / "conformance.json").read_text()) for i in (1, 2, 3)
    ]
    assert [s["run"] for s in shards] == [
        {"id": "nightly-7", "shard": {"index": i, "total": 3}} for i in (1, 2, 3)
    ]
    assert all(s["totals"]["clauses"] > 0 for s in shards)  # each shard judged some clauses

    out = tmp_path / "merged"
    code, stdout, stderr = _merge(
        capsys, *(tmp_path / f"shard{i}" for i in (3, 1, 2)), "--out", out
    )
    assert code == 0, stderr
    merged = json.loads((out / "conformance.json").read_text())
    whole = json.loads((tmp_path / "whole" / "conformance.json").read_text())

    assert {c["id"]: c["verdict"] for c in merged["clauses"]} == {
        c["id"]: c["verdict"] for c in whole["clauses"]
    }
    assert {i["id"]: i["cases"] for i in merged["generated"]["items"]} == {
        i["id"]: i["cases"] for i in whole["generated"]["items"]
    }
    assert merged["totals"] == whole["totals"]
    assert merged["totals"]["generated_cases"] > 0
    # and everything else it found, but for when it ran and how long each test took
    assert _without_durations(_what_it_found({**merged, "target": None})) == _without_durations(
        _what_it_found({**whole, "target": None})
    )
    assert merged["run"]["id"] == "nightly-7"
    assert merged["duration_s"] == max(s["duration_s"] for s in shards)
    assert "PASSED" in stdout
    junit = ET.parse(out / "junit.xml").getroot()
    assert junit.get("tests") == str(whole["totals"]["tests"])
    assert len(junit.findall("testsuite")) == 1


@pytest.mark.slow
def test_three_targets_merge_into_one_page_showing_what_fails_where(tmp_path, capsys):
    """Done when: the clean mock and two mocks with different faults, merged: per target exactly
    the clauses failing there, no credential in any merged file, the page renders."""
    credentials = MockCredentials(username=FLEET_USER, **FLEET_SECRETS)
    common = ["--no-allure-report", "--generated-examples", "1", "--run-id", "fleet-1"]
    common += ["--workers", "0"]  # three runs at once already; no xdist under each
    # the modules of the two faults' clauses (and of many passing ones): the merge is the subject
    common += ["--", "-k", "test_read or test_patch_operations"]
    given = [
        f"--username={FLEET_USER}",
        *(f"--{name}={value}" for name, value in FLEET_SECRETS.items()),
    ]
    with (
        MockServer(credentials=credentials, fault=FAULTS["tenant-b"]) as b,
        MockServer(credentials=credentials, fault=FAULTS["tenant-c"]) as c,
    ):
        runs = [
            _start(
                tmp_path,
                "run",
                "--report-dir",
                str(tmp_path / "a"),
                "--target-name",
                "tenant-a",
                *common,
            ),
            *(
                _start(
                    tmp_path,
                    "run",
                    "--report-dir",
                    str(tmp_path / key[-1]),
                    "--target-name",
                    key,
                    "--base-url",
                    mock.base_url,
                    *given,
                    *common,
                )
                for key, mock in (("tenant-b", b), ("tenant-c", c))
            ),
        ]
        done = _wait(runs)
    assert [code for code, _ in done] == [0, 1, 1], [output[-2000:] for _, output in done]
    own = {
        key: json.loads((tmp_path / key[-1] / "conformance.json").read_text())
        for key in ("tenant-a", "tenant-b", "tenant-c")
    }
    failing = {
        key: {c["id"] for c in data["clauses"] if c["verdict"] == "failed"}
        for key, data in own.items()
    }
    assert failing["tenant-a"] == set()
    assert failing["tenant-b"]
    assert failing["tenant-c"]
    assert failing["tenant-b"] != failing["tenant-c"]

    out = tmp_path / "merged"
    code, stdout, stderr = _merge(capsys, *(tmp_path / d for d in "cab"), "--out", out)
    assert code == 1, stderr
    fleet = json.loads((out / "conformance.json").read_text())
    assert fleet["format"] == "webapi-contract/fleet/1"
    assert (fleet["status"], fleet["exit_status"]) == ("failed", 1)
    assert [t["target"]["key"] for t in fleet["targets"]] == ["tenant-a", "tenant-b", "tenant-c"]
    verdicts = fleet["matrix"]["verdicts"]
    for key, data in own.items():
        assert verdicts[key] == {c["id"]: c["verdict"] for c in data["clauses"]}
        assert {i for i, v in verdicts[key].items() if v == "failed"} == failing[key]
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["tenant-a", "tenant-b", "tenant-c"]
    assert [int(s.get("failures")) > 0 for s in suites] == [False, True, True]
    for line in stdout.splitlines()[3:6]:
        assert line.split()[0] in own

    # no credential in any file of the merged folder, nor on the console
    basic = base64.b64encode(f"{FLEET_USER}:{FLEET_SECRETS['password']}".encode()).decode()
    searched = [*FLEET_SECRETS.values(), basic]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"conformance.json", "conformance.html", "junit.xml"}
    hits = [(p.name, s) for p in files for s in searched if s.encode() in p.read_bytes()]
    assert hits == []
    assert [s for s in searched if s in stdout + stderr] == []

    # the page: per target exactly the clauses failing there, as Chromium renders it
    dom = browser.dump_dom(out / "conformance.html")
    shown = {
        key: set(
            re.findall(rf'data-target="{key}" data-clause-id="([^"]+)" data-verdict="failed"', dom)
        )
        for key in own
    }
    assert shown == failing
