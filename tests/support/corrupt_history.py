"""History lines a run must survive: good ones and corrupted ones."""

from __future__ import annotations

import json
from pathlib import Path

from webapi_contract.reports.history import HISTORY_FILE, MAX_LINE_BYTES

GOOD = {"time": "2026-01-01T02:00:00Z", "status": "passed", "passed": 3, "failed": 0}


LATER = {**GOOD, "time": "2026-01-02T02:00:00Z", "clauses": {"a.py::t": "failed"}}


CORRUPTIONS = {
    "invalid-utf8": b'{"time": "\xff\xfe", "passed": 1}',
    "deep-nesting": b'{"time": "x", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deep-nesting-alone": b"[" * 100_000 + b"]" * 100_000,
    "clauses-oops": b'{"time": "2026-01-01T03:00:00Z", "passed": 1, "clauses": "oops"}',
    "a-list": b"[1, 2, 3]",
    "counts-text": b'{"time": "x", "passed": "many"}',
    "huge-line": b'{"time": "x", "target": "' + b"h" * (3 * MAX_LINE_BYTES) + b'"}',
}


def _history(folder: Path, *bad: bytes) -> Path:
    """A history with a good run, the bad lines, another good run."""
    path = folder / HISTORY_FILE
    lines = [json.dumps(GOOD).encode(), *bad, json.dumps(LATER).encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path
