"""`webapi-contract merge`: shards of one run become that run, several targets a fleet."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from support.merging import _merge, _what_it_found

from webapi_contract.cli import main
from webapi_contract.reports.conformance import Collector, could_not_run, write_json

DOC = "docs/vendor/superoffice-patch-contact.v1.md"


# ---------------------------------------------------------------- hand-made run documents


def _clause(name: str, outcome: str, *, level: str = "must", area: str = "reads", n: int = 0):
    """One case of a clause test: (nodeid, outcome, properties, generated)."""
    props = [
        ("clause", f"clause {name}"),
        ("clause_level", level),
        ("clause_area", area),
        ("clause_doc", f"{DOC}:{10 + len(name)}"),
        ("clause_quote", f"quote of {name}"),
    ]
    if outcome == "failed":
        props += [
            ("clause_expected", "status 404"),
            ("clause_received", "status 200"),
            ("clause_curl", f"curl -X PATCH http://h/{name}"),
        ]
    return (f"t.py::test_{name}[{n}]", outcome, props, False)


def _generated(name: str, statuses: dict[str, int], findings: list[dict[str, Any]] = ()):
    level = "should" if findings and all(f["level"] == "should" for f in findings) else "must"
    props = [
        ("generated_statuses", statuses),
        ("webapi_findings", json.dumps(list(findings))),
        ("webapi_level", level),
    ]
    return (f"g.py::test_generated[{name}]", "failed" if findings else "passed", props, True)


def _finding(check: str, operation: str, *, level: str = "must", status: int = 200):
    return {
        "check": check,
        "level": level,
        "status": status,
        "location": "/properties/Name",
        "operation": operation,
        "message": f"{check} broken in {operation}",
        "curl": f"curl http://h/{operation}",
    }


CASES = [
    _clause("reads", "passed"),
    _clause("reads", "passed", n=1),
    _clause("patch", "failed", area="patch"),
    _clause("patch", "passed", area="patch", n=1),
    _clause("nicety", "failed", level="should", area="style"),
    _clause("skips", "skipped"),
    _generated("GET-1of2", {"200": 3, "404": 1}),
    _generated("GET-2of2", {"200": 2}, [_finding("schema", "GET", level="should")]),
    _generated("PATCH-1of2", {"200": 4}, [_finding("status", "PATCH")]),
    _generated("PATCH-2of2", {"200": 1, "400": 2}, [_finding("status", "PATCH")]),
    ("t.py::test_other", "passed", [], False),
]


def _document(
    cases,
    *,
    key: str = "tenant-a",
    run_id: str | None = "r1",
    shard: tuple[int, int] | None = None,
    strict: bool = False,
    started: str = "2026-02-01T02:00:00Z",
    duration: float = 10.0,
) -> dict[str, Any]:
    collector = Collector()
    for nodeid, outcome, props, generated in cases:
        message = (
            "it broke" if outcome == "failed" else ("Skipped: no" if outcome != "passed" else None)
        )
        collector.add(nodeid, "setup", "passed", duration=0.5)
        collector.add(
            nodeid,
            "call",
            outcome,
            duration=1.25,
            message=message,
            properties=props,
            generated=generated,
        )
    data = collector.build(
        target={"key": key, "label": key, "url": f"https://{key}.example/api/v1"},
        started=started,
        duration=duration,
        exit_status=1,
        strict=strict,
    )
    data["finished"] = started.replace("02:00:00", "02:05:00")
    stamp = None if shard is None else {"index": shard[0], "total": shard[1]}
    return {"vendor": "superoffice", **data, "run": {"id": run_id, "shard": stamp}}


def _folder(base: Path, name: str, data: dict[str, Any]) -> Path:
    folder = base / name
    write_json(folder / "conformance.json", data)
    return folder


def test_a_run_document_rebuilds_into_the_same_run():
    """from_conformance + build is the identity on what a run found: the ground of merging."""
    for strict in (False, True):
        data = _document(CASES, strict=strict)
        again = Collector.from_conformance(data).build(
            target=data["target"],
            started=data["started"],
            duration=data["duration_s"],
            exit_status=data["exit_status"],
            strict=strict,
        )
        assert _what_it_found({**again, "vendor": "superoffice"}) == _what_it_found(data)


def test_two_shards_merge_into_the_run_an_unsharded_run_gives(tmp_path, capsys):
    whole = _document(CASES)
    first = _document(CASES[::2], shard=(1, 2), duration=7.5)
    second = _document(CASES[1::2], shard=(2, 2), started="2026-02-01T01:59:00Z", duration=9.0)
    out = tmp_path / "out"
    code, stdout, stderr = _merge(
        capsys, _folder(tmp_path, "s2", second), _folder(tmp_path, "s1", first), "--out", out
    )
    assert code == 1, stderr  # a must clause failed
    merged = json.loads((out / "conformance.json").read_text())
    assert _what_it_found(merged) == _what_it_found(whole)
    assert merged["format"] == "webapi-contract/conformance/1"
    assert merged["exit_status"] == 1
    # the shards ran side by side: the run took as long as the longest
    assert merged["duration_s"] == 9.0
    assert merged["started"] == "2026-02-01T01:59:00Z"
    assert merged["finished"] == "2026-02-01T02:05:00Z"
    assert merged["run"]["shard"] is None
    assert merged["run"]["id"] == "r1"
    assert merged["run"]["shards_duration_s"] == [7.5, 9.0]
    assert [m["shard"]["index"] for m in merged["run"]["merged_from"]] == [1, 2]
    assert merged["run"]["merged_from"][0]["dir"].endswith("s1")
    # the generated findings are grouped across the shards as in one run
    groups = {(g["check"], g["count"]) for g in merged["generated"]["findings"]}
    assert groups == {("status", 2), ("schema", 1)}
    assert "webapi-contract run: FAILED" in stdout
    assert (out / "conformance.html").is_file()
    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert [h["target"] for h in history] == ["tenant-a"]


def test_only_should_failures_do_not_fail_the_merged_run_unless_strict(tmp_path, capsys):
    cases = [c for c in CASES if c[0] != "t.py::test_patch[0]" and "PATCH" not in c[0]]
    for strict, expected in ((False, 0), (True, 1)):
        parts = [
            _document(cases[:3], shard=(1, 2), strict=strict, run_id=f"r-{strict}"),
            _document(cases[3:], shard=(2, 2), strict=strict, run_id=f"r-{strict}"),
        ]
        folders = [_folder(tmp_path / str(strict), f"s{i}", d) for i, d in enumerate(parts)]
        code, _, stderr = _merge(capsys, *folders, "--out", tmp_path / f"out-{strict}")
        merged = json.loads((tmp_path / f"out-{strict}" / "conformance.json").read_text())
        assert (code, merged["exit_status"]) == (expected, expected), stderr
        assert merged["status"] == ("failed" if strict else "passed")


@pytest.mark.parametrize(
    ("shards", "said"),
    [
        ([(1, 3), (3, 3)], "run r1 on tenant-a: shard 2/3 missing"),
        ([(1, 3)], "run r1 on tenant-a: shard 2/3, 3/3 missing"),
        ([(1, 2), (1, 2), (2, 2)], "run r1 on tenant-a: shard 1/2 given more than once"),
        ([(1, 2), (2, 3)], "run r1 on tenant-a: shards of different splits"),
        ([None, None], "run r1 on tenant-a: given more than once"),
        ([None, (1, 1)], "run r1 on tenant-a: given more than once"),
    ],
)
def test_shards_that_are_not_one_whole_run_are_refused(tmp_path, capsys, shards, said):
    folders = [
        _folder(tmp_path, f"d{i}", _document(CASES[i : i + 1], shard=shard))
        for i, shard in enumerate(shards)
    ]
    code, stdout, stderr = _merge(capsys, *folders, "--out", tmp_path / "out")
    assert code == 4
    assert said in stderr
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    assert stdout == ""
    assert not (tmp_path / "out").exists()


def test_shards_that_disagree_on_strict_are_refused(tmp_path, capsys):
    folders = [
        _folder(tmp_path, "a", _document(CASES[:2], shard=(1, 2), strict=True)),
        _folder(tmp_path, "b", _document(CASES[2:], shard=(2, 2), strict=False)),
    ]
    code, _, stderr = _merge(capsys, *folders, "--out", tmp_path / "out")
    assert code == 4
    assert "run r1 on tenant-a: shards disagree on strict (1/2 strict=True, 2/2 strict=False)" in (
        stderr
    )


def test_overlapping_shards_are_refused(tmp_path, capsys):
    folders = [
        _folder(tmp_path, "a", _document(CASES[:3], shard=(1, 2))),
        _folder(tmp_path, "b", _document(CASES[2:], shard=(2, 2))),
    ]
    code, _, stderr = _merge(capsys, *folders, "--out", tmp_path / "out")
    assert code == 4
    assert "ran in shard 1/2 and 2/2 (the shards overlap)" in stderr


def test_a_shard_that_could_not_run_makes_the_run_one_that_could_not_run(tmp_path, capsys):
    broken = could_not_run(
        target={"key": "tenant-a", "label": "tenant-a"},
        started="2026-02-01T02:00:00Z",
        problem="401 Unauthorized: the credentials were refused",
    )
    broken = {**broken, "run": {"id": "r1", "shard": {"index": 2, "total": 2}}}
    folders = [
        _folder(tmp_path, "a", _document(CASES[:2], shard=(1, 2), strict=True)),
        _folder(tmp_path, "b", broken),  # says strict false: it never read its settings
    ]
    code, stdout, _ = _merge(capsys, *folders, "--out", tmp_path / "out")
    merged = json.loads((tmp_path / "out" / "conformance.json").read_text())
    assert code == 4
    assert merged["status"] == "could not run"
    assert merged["exit_status"] == 4
    assert merged["problem"] == "shard 2/2: 401 Unauthorized: the credentials were refused"
    assert merged["totals"]["passed"] == 1  # what shard 1 judged is kept
    assert merged["strict"] is True
    assert "COULD NOT RUN — shard 2/2: 401 Unauthorized" in stdout


def _junit(path: Path, cases: list[tuple[str, str | None]], name: str = "webapi-contract") -> None:
    suite = "".join(
        f'<testcase classname="superoffice.reads" name="{n}" time="0.5">'
        + (f"<{kind} message='x'/>" if kind else "")
        + "</testcase>"
        for n, kind in cases
    )
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="{name}" '
        f'tests="{len(cases)}" timestamp="2026-02-01T02:00:00"><properties>'
        f'<property name="vendor" value="superoffice"/></properties>{suite}</testsuite>'
        "</testsuites>"
    )


def test_two_targets_make_a_fleet_with_a_matrix_and_a_junit_suite_each(tmp_path, capsys):
    clean = [c for c in CASES if c[1] != "failed" and c[0] != "t.py::test_skips[0]"]
    a = _folder(tmp_path, "a", _document(CASES, key="tenant-a"))
    b = _folder(tmp_path, "b", _document(clean, key="tenant-b", run_id="r7"))
    _junit(a / "junit.xml", [("clause reads", None), ("clause patch", "failure")])
    _junit(b / "junit.xml", [("clause reads", None), ("x", "skipped"), ("y", "error")])
    out = tmp_path / "out"
    code, stdout, stderr = _merge(capsys, b, a, "--out", out)
    assert code == 1, stderr
    fleet = json.loads((out / "conformance.json").read_text())
    assert fleet["format"] == "webapi-contract/fleet/1"
    assert fleet["status"] == "failed"
    assert fleet["exit_status"] == 1
    assert [t["target"]["key"] for t in fleet["targets"]] == ["tenant-a", "tenant-b"]
    matrix = fleet["matrix"]
    assert [c["id"] for c in matrix["clauses"]] == [c["id"] for c in _document(CASES)["clauses"]]
    assert set(matrix["clauses"][0]) == {"id", "title", "area", "level", "doc"}
    assert matrix["verdicts"]["tenant-a"] == {
        "t.py::test_patch": "failed",
        "t.py::test_reads": "passed",
        "t.py::test_skips": "skipped",
        "t.py::test_nicety": "failed",
    }
    assert matrix["verdicts"]["tenant-b"] == {
        "t.py::test_patch": "passed",
        "t.py::test_reads": "passed",
    }
    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assert sorted(h["target"] for h in history) == ["tenant-a", "tenant-b"]
    assert (out / "conformance.html").is_file()
    root = ET.parse(out / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["tenant-a", "tenant-b"]
    assert {k: suites["tenant-b"].get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "3",
        "failures": "0",
        "errors": "1",
        "skipped": "1",
    }
    assert suites["tenant-a"].get("failures") == "1"
    assert (root.get("tests"), root.get("time")) == ("5", "2.500")
    assert "tenant-a" in stdout
    assert "FAILED" in stdout
    assert "clause patch" in stdout


def test_one_target_keeps_one_junit_suite_with_every_testcase(tmp_path, capsys):
    a = _folder(tmp_path, "a", _document(CASES[:4], shard=(1, 2)))
    b = _folder(tmp_path, "b", _document(CASES[4:], shard=(2, 2)))
    _junit(a / "junit.xml", [("one", None), ("two", "failure")])
    _junit(b / "junit.xml", [("three", None)])
    code, _, _ = _merge(capsys, a, b, "--out", tmp_path / "out")
    assert code == 1
    root = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "webapi-contract"
    assert [c.get("name") for c in suite.iter("testcase")] == ["one", "two", "three"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("time")) == ("3", "1", "1.500")
    assert len(suite.findall("properties/property")) == 1


def test_a_folder_without_junit_is_merged_with_a_note(tmp_path, capsys):
    a = _folder(tmp_path, "a", _document(CASES[:4], shard=(1, 2)))
    b = _folder(tmp_path, "b", _document(CASES[4:], shard=(2, 2)))
    _junit(a / "junit.xml", [("one", None)])
    code, _, stderr = _merge(capsys, a, b, "--out", tmp_path / "out")
    assert code == 1
    assert f"note: {b}: no junit.xml" in stderr
    assert ET.parse(tmp_path / "out" / "junit.xml").getroot().find("testsuite").get("tests") == "1"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "conformance.json: not readable JSON"),
        ("[1, 2]", "not a conformance report (a JSON list)"),
        ('{"format": "allure/2"}', "format 'allure/2', expected 'webapi-contract/conformance/1'"),
        ('{"format": "webapi-contract/fleet/1"}', "is a merged fleet report"),
        ('{"format": "webapi-contract/conformance/1", "clauses": {}}', "not a run as"),
        (None, "no conformance.json (not a webapi-contract report folder)"),
    ],
)
def test_what_is_no_report_folder_exits_4_with_one_line(tmp_path, capsys, content, said):
    good = _folder(tmp_path, "good", _document(CASES))
    bad = tmp_path / "bad"
    bad.mkdir()
    if content is not None:
        (bad / "conformance.json").write_text(content)
    code, stdout, stderr = _merge(capsys, good, bad, "--out", tmp_path / "out")
    assert code == 4
    assert stderr.startswith("webapi-contract merge: could not merge: ")
    assert said in stderr
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    assert stdout == ""


def test_a_malformed_shard_exits_4_naming_it(tmp_path, capsys):
    data = _document(CASES[:4], shard=(1, 2))
    data["clauses"][0]["results"] = [{"outcome": "passed"}]  # no id
    a = _folder(tmp_path, "a", data)
    b = _folder(tmp_path, "b", _document(CASES[4:], shard=(2, 2)))
    code, _, stderr = _merge(capsys, a, b, "--out", tmp_path / "out")
    assert code == 4
    assert f"{a / 'conformance.json'}: not a run's conformance data" in stderr
    assert stderr.count("\n") == 1


def test_unreadable_junit_exits_4_naming_the_file(tmp_path, capsys):
    a = _folder(tmp_path, "a", _document(CASES))
    (a / "junit.xml").write_text("<testsuites><testsuite>")
    code, _, stderr = _merge(capsys, a, "--out", tmp_path / "out")
    assert code == 4
    assert f"{a / 'junit.xml'}: not readable JUnit XML" in stderr
    assert not (tmp_path / "out").exists()


def _exit_of(argv: list[str]) -> int | str | None:
    try:
        return main(argv)
    except SystemExit as stopped:
        return stopped.code


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([], "the following arguments are required: DIR, --out"),
        (["{a}"], "the following arguments are required: --out"),
        (["{a}", "--out", "{a}"], "--out is one of the folders merged"),
        (["{a}", "{a}", "--out", "{out}"], "given twice"),
    ],
)
def test_bad_options_exit_4_with_one_line(tmp_path, capsys, args, said):
    a = _folder(tmp_path, "a", _document(CASES))
    argv = [arg.format(a=a, out=tmp_path / "out") for arg in args]
    assert _exit_of(["merge", *argv]) == 4
    stderr = capsys.readouterr().err
    assert said in stderr
    assert "Traceback" not in stderr


def test_relative_doc_links_still_point_at_the_docs_from_the_merged_folder(tmp_path, capsys):
    data = _document(CASES)
    data["clauses"][0]["doc"]["url"] = "../../docs/x.md#L3"
    data["clauses"][1]["doc"]["url"] = "https://vendor.example/docs#x"
    a = _folder(tmp_path / "jobs", "a", data)
    out = tmp_path / "merged"
    _merge(capsys, a, "--out", out)
    merged = json.loads((out / "conformance.json").read_text())
    assert merged["clauses"][0]["doc"]["url"] == "../docs/x.md#L3"  # the same file
    assert (out / "../docs/x.md").resolve() == (a / "../../docs/x.md").resolve()
    assert merged["clauses"][1]["doc"]["url"] == "https://vendor.example/docs#x"


# ---------------------------------------------------------------- real runs, merged
