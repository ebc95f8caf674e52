"""history.jsonl keyed by target: each target keeps its own trend, a repeated run one line."""

from __future__ import annotations

import json

from webapi_contract.reports import history
from webapi_contract.reports.conformance import could_not_run
from webapi_contract.reports.publish import publish, stamped


def _run(target: str, run_id: str, n: int, shard=None) -> dict:
    return {
        "time": f"2026-12-01T00:{n // 60:02d}:{n % 60:02d}Z",
        "target": target,
        "run_id": run_id,
        "shard": shard,
        "passed": n,
        "failed": 0,
        "skipped": 0,
        "not_run": 0,
        "generated_cases": 0,
        "clauses": {},
    }


def test_each_target_keeps_its_last_runs(tmp_path):
    path = tmp_path / history.HISTORY_FILE
    for n in range(30):
        history.append(path, _run("busy", f"b{n}", n), keep=10)
        if n % 10 == 0:
            history.append(path, _run("quiet", f"q{n}", n), keep=10)
    runs = history.load(path, 1000)
    busy = history.for_target(runs, "busy")
    quiet = history.for_target(runs, "quiet")
    assert [r["run_id"] for r in busy] == [f"b{n}" for n in range(20, 30)]
    assert [r["run_id"] for r in quiet] == ["q0", "q10", "q20"]  # not pushed out by "busy"
    assert runs == sorted(runs, key=lambda r: r["time"])  # file order: oldest first


def test_a_run_recorded_again_replaces_its_line(tmp_path):
    path = tmp_path / history.HISTORY_FILE
    history.append(path, _run("t", "r1", 1))
    history.append(path, _run("t", "r2", 2))
    history.append(path, _run("t", "r1", 3))  # the same merge, repeated into the folder
    runs = history.load(path)
    assert [(r["run_id"], r["passed"]) for r in runs] == [("r2", 2), ("r1", 3)]
    shards = [_run("t", "r5", 5, {"index": i, "total": 2}) for i in (1, 2)]
    for shard in shards:
        history.append(path, shard)
    assert len(history.load(path)) == 4  # two shards of one run: two lines


def test_the_page_of_a_run_charts_only_its_target(tmp_path):
    for name in ("tenant-a", "tenant-b", "tenant-a"):
        data = could_not_run(
            target={"key": name, "url": f"https://{name}.example/api"},
            started="2026-12-01T00:00:00Z",
            problem="p",
        )
        publish(tmp_path, stamped(data, {"id": f"{name}-{len(name)}", "shard": None}))
    written = json.loads((tmp_path / "conformance.json").read_text())
    assert written["target"]["key"] == "tenant-a"
    assert written["history"]["runs"] == 1  # tenant-a's run, recorded again: one line
    lines = (tmp_path / history.HISTORY_FILE).read_text().splitlines()
    assert sorted(json.loads(line)["target"] for line in lines) == ["tenant-a", "tenant-b"]
