"""history.jsonl: one line per run (time, target, clause counts, each clause's verdict), bounded.

A nightly job keeps the report folder between runs (or restores history.jsonl from the previous
run's artefacts); conformance.html then charts the trend and says since when a clause fails.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from webapi_contract.reports.conformance import NOT_RUN

__all__ = ["HISTORY_FILE", "KEEP", "append", "entry_from", "failing_since", "load"]

HISTORY_FILE = "history.jsonl"
KEEP = 100


def entry_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """The history line of one run, from its conformance data."""
    totals = data.get("totals", {})
    target = data.get("target", {})
    return {
        "time": data.get("started"),
        "target": target.get("label") or target.get("url"),
        "status": data.get("status"),
        "exit_status": data.get("exit_status"),
        "duration_s": data.get("duration_s"),
        "passed": totals.get("passed", 0),
        "failed": totals.get("failed", 0),
        "skipped": totals.get("skipped", 0),
        "not_run": totals.get("not_run", 0),
        "generated_cases": totals.get("generated_cases", 0),
        "clauses": {clause["id"]: clause["verdict"] for clause in data.get("clauses", [])},
    }


def load(path: Path) -> list[dict[str, Any]]:
    """The runs recorded in path, oldest first (unreadable lines are skipped)."""
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            runs.append(entry)
    return runs


def append(path: Path, entry: Mapping[str, Any], keep: int = KEEP) -> list[dict[str, Any]]:
    """Add entry to the history in path, keeping the last `keep` runs; the runs kept."""
    runs = [*load(path), dict(entry)][-keep:]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for run in runs:
                out.write(json.dumps(run, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return runs


def failing_since(runs: Sequence[Mapping[str, Any]], clause_id: str) -> tuple[str | None, int]:
    """When the current streak of failures of a clause began, and how many runs it spans.

    Runs that did not judge the clause (could not run, it was not selected, or --readonly did
    not run it) neither break nor extend the streak.
    """
    since: str | None = None
    streak = 0
    for run in reversed(runs):
        verdict = run.get("clauses", {}).get(clause_id)
        if verdict is None or verdict == NOT_RUN:
            continue
        if verdict != "failed":
            break
        since = run.get("time")
        streak += 1
    return since, streak
