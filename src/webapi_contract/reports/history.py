"""history.jsonl: one line per run (time, target, clause counts, each clause's verdict), bounded.

A nightly job keeps the report folder between runs (or restores history.jsonl from the previous
run's artefacts); conformance.html then charts the trend and says since when a clause fails.

The file comes from elsewhere (restored artefacts, hand edits, a disk that filled up), so reading
it trusts nothing: a line that is not UTF-8, not JSON, nested too deep, too long, or not a run as
`entry_from` writes it is skipped, with one warning on stderr naming the file and how many lines
were skipped; the run's own verdict and exit code never depend on it.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from webapi_contract.reports.conformance import NOT_RUN

__all__ = [
    "HISTORY_FILE",
    "KEEP",
    "append",
    "entry_from",
    "failing_since",
    "for_target",
    "load",
    "read",
    "target_key",
]

HISTORY_FILE = "history.jsonl"
# Runs kept per target, and targets kept (the most recently run ones) in one file.
KEEP = 100
MAX_TARGETS = 50
# A run's line is a few kB (a verdict per clause); a longer line is not one of ours.
MAX_LINE_BYTES = 1024 * 1024
# The fields of a run's line and the types each may have (None: absent or null).
_TEXT = (str, type(None))
_NUMBER = (int, float, type(None))
_FIELDS: dict[str, tuple[type, ...]] = {
    "time": _TEXT,
    "target": _TEXT,
    "run_id": _TEXT,
    "shard": (dict, type(None)),
    "status": _TEXT,
    "exit_status": (int, type(None)),
    "duration_s": _NUMBER,
    "passed": (int,),
    "failed": (int,),
    "skipped": (int,),
    "not_run": (int,),
    "generated_cases": (int,),
    "clauses": (dict,),
}


def entry_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """The history line of one run, from its conformance data."""
    totals = data.get("totals", {})
    return {
        "time": data.get("started"),
        "target": target_key(data),
        "vendor": data.get("vendor") or data.get("target", {}).get("vendor"),
        "run_id": data.get("run", {}).get("id"),
        "shard": data.get("run", {}).get("shard"),
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


def target_key(data: Mapping[str, Any]) -> str | None:
    """What a run's history line is keyed by: the target's name, else its URL without
    credentials (or "embedded mock"; "<vendor>: embedded mock" for another vendor than the
    default, as target.embedded_facts keys it, so the embedded mocks of two vendors never share
    a trend)."""
    target = data.get("target", {})
    key = target.get("key") or target.get("label") or target.get("url")
    return None if key is None else str(key)


def for_target(runs: Sequence[Mapping[str, Any]], key: str | None) -> list[Mapping[str, Any]]:
    """The runs of one target (all runs when key is None); a line that names no target (written
    before runs were keyed by target) counts for every target."""
    if key is None:
        return list(runs)
    return [run for run in runs if run.get("target") in (key, None)]


def _lines(handle: IO[bytes]) -> Iterator[bytes | None]:
    """The lines of a file, each at most MAX_LINE_BYTES long (None for a longer one, which is
    read past, never held whole)."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield line


def _run_of(line: bytes | None) -> dict[str, Any] | None:
    """The run a line records, its known fields only; None when it records none."""
    if line is None:
        return None
    try:
        entry = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
        return None
    if not isinstance(entry, dict):
        return None
    run: dict[str, Any] = {}
    for name, kinds in _FIELDS.items():
        if name not in entry:
            continue
        value = entry[name]
        if isinstance(value, bool) or not isinstance(value, kinds):
            return None
        run[name] = value
    clauses = run.get("clauses", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in clauses.items()):
        return None
    return run


def read(path: Path, keep: int = KEEP) -> tuple[list[dict[str, Any]], int]:
    """The last `keep` runs recorded in path, oldest first, and how many lines were skipped
    (unreadable or malformed; an unreadable file is one skipped line)."""
    runs: collections.deque[dict[str, Any]] = collections.deque(maxlen=keep)
    skipped = 0
    try:
        with path.open("rb") as handle:
            for line in _lines(handle):
                if line is not None and not line.strip():
                    continue
                run = _run_of(line)
                if run is None:
                    skipped += 1
                else:
                    runs.append(run)
    except FileNotFoundError:
        return [], 0
    except OSError:
        return [], skipped + 1
    return list(runs), skipped


def _warn(message: str) -> None:
    print(f"webapi-contract: warning: {message}", file=sys.stderr)


def load(path: Path, keep: int = KEEP) -> list[dict[str, Any]]:
    """The last `keep` runs recorded in path, oldest first; unreadable or malformed lines are
    skipped, with one warning naming the file and how many."""
    runs, skipped = read(path, keep)
    if skipped:
        _warn(f"{path}: skipped {skipped} unreadable or malformed line(s) of the run history")
    return runs


def append(path: Path, entry: Mapping[str, Any], keep: int = KEEP) -> list[dict[str, Any]]:
    """Add entry to the history in path, keeping the last `keep` runs; the runs kept.

    Skipped lines of the file are not written back. When the file cannot be written, a warning
    says so and the runs are still returned (the run's reports do not depend on it)."""
    runs = _kept([*load(path, keep * MAX_TARGETS), dict(entry)], keep)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        _warn(f"{path}: the run history was not updated ({exc.strerror or exc})")
        return runs
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for run in runs:
                out.write(json.dumps(run, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        _warn(f"{path}: the run history was not updated ({exc.strerror or exc})")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return runs


def _kept(runs: Sequence[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    """The last `keep` runs of each target (of the MAX_TARGETS targets run last), oldest first;
    a run recorded again (same target, run id and shard: a merge repeated into one folder)
    replaces its earlier line."""
    latest: dict[tuple[Any, ...], int] = {}
    for index, run in enumerate(runs):
        if run.get("run_id"):
            latest[(run.get("target"), run["run_id"], json.dumps(run.get("shard")))] = index
    unique = [
        run
        for index, run in enumerate(runs)
        if not run.get("run_id")
        or latest[(run.get("target"), run["run_id"], json.dumps(run.get("shard")))] == index
    ]
    targets = list(dict.fromkeys(run.get("target") for run in reversed(unique)))[:MAX_TARGETS]
    kept: list[dict[str, Any]] = []
    for target in targets:
        kept += [run for run in unique if run.get("target") == target][-keep:]
    order = {id(run): index for index, run in enumerate(unique)}
    return sorted(kept, key=lambda run: order[id(run)])


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
