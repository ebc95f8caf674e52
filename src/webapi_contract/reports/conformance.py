"""The conformance matrix: every clause with its verdict, built from the test reports of a run.

`Collector` takes the outcome of each test phase (on the xdist controller, from the reports the
workers send back) and `Collector.build` turns them into the plain data of `conformance.json`:
clauses grouped by area, each citing its doc file and line, failures with expected vs received,
the generated tests and their case counts, the target and timing of the run.
"""

from __future__ import annotations

import ast
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "FINDINGS_PROPERTY",
    "FORMAT",
    "LEVEL_PROPERTY",
    "MUST",
    "NOT_RUN",
    "OUTCOMES",
    "SHOULD",
    "CaseOutcome",
    "Collector",
    "could_not_run",
    "group_findings",
    "now_iso",
    "read_json",
    "write_json",
]

FORMAT = "webapi-contract/conformance/1"
MUST, SHOULD = "must", "should"
# The level a failed test carries (clause tests: their clause's; generated tests: their worst
# finding's); a test that says nothing is a must.
LEVEL_PROPERTY = "webapi_level"
FINDINGS_PROPERTY = "webapi_findings"
MESSAGE_LIMIT = 4000
# The outcome (of a test) and verdict (of a clause) of what --readonly did not run: it would have
# changed data, or it reads a contact and none was named. Never counted as passed.
NOT_RUN = "not run (read-only)"
# Skip reasons that mean NOT_RUN: the plugin's "not run (read-only)" and the suite's
# "not run (read-only: name a contact with --readonly-contact-id)".
_NOT_RUN_REASON = "not run (read-only"
# Outcome -> the key counting it in totals, areas and a clause's cases.
OUTCOMES = {"passed": "passed", "failed": "failed", "skipped": "skipped", NOT_RUN: "not_run"}
# user_properties the plugin records for a clause test (also visible in junit.xml).
CLAUSE_PROPERTIES = {
    "clause": "title",
    "clause_level": "level",
    "clause_area": "area",
    "clause_doc": "doc",
    "clause_quote": "quote",
    "clause_url": "url",
    "clause_expected": "expected",
    "clause_received": "received",
    "clause_curl": "curl",
}


def now_iso() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} chars)"


@dataclass
class CaseOutcome:
    """One test item (one case of a clause, a generated shard, or another test)."""

    nodeid: str
    outcome: str = "passed"
    phase: str = "call"
    duration: float = 0.0
    message: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    generated: bool = False

    @property
    def clause_id(self) -> str:
        """The test function the case belongs to (parameters dropped): the clause's id."""
        return self.nodeid.split("[", 1)[0]

    @property
    def level(self) -> str:
        """must or should: what a failure of this test means."""
        said = self.properties.get("clause_level") or self.properties.get(LEVEL_PROPERTY)
        return SHOULD if said == SHOULD else MUST

    @property
    def clause(self) -> dict[str, Any] | None:
        """The clause metadata the plugin recorded, or None for a test that is no clause."""
        if "clause" not in self.properties:
            return None
        return {key: self.properties.get(prop) for prop, key in CLAUSE_PROPERTIES.items()}


class Collector:
    """Outcomes of the test phases of one run, merged per test item."""

    def __init__(self) -> None:
        self.cases: dict[str, CaseOutcome] = {}

    @classmethod
    def from_conformance(cls, data: Mapping[str, Any]) -> Collector:
        """The outcomes a run's conformance data records, so that `build` over the outcomes of
        several shards judges them as one run would. Raises ValueError when data is not a run
        document as `build` writes it."""
        collector = cls()
        try:
            for clause in data["clauses"]:
                collector._restore_clause(clause)
            for item in data["generated"]["items"]:
                collector._restore(
                    item,
                    generated=True,
                    properties={
                        "generated_statuses": dict(item.get("statuses") or {}),
                        LEVEL_PROPERTY: item.get("level") or MUST,
                        FINDINGS_PROPERTY: list(item.get("found") or []),
                    },
                )
            for other in data["other_tests"]:
                collector._restore(other, properties={LEVEL_PROPERTY: other.get("level") or MUST})
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a run's conformance data ({type(exc).__name__}: {exc})") from exc
        return collector

    def _restore_clause(self, clause: Mapping[str, Any]) -> None:
        doc = clause.get("doc") or {}
        line, file = doc.get("line"), doc.get("file")
        meta = {
            "clause": clause["title"],
            "clause_level": clause.get("level") or MUST,
            "clause_area": clause.get("area"),
            "clause_doc": f"{file or ''}:{line}" if line is not None else file,
            "clause_quote": doc.get("quote"),
            "clause_url": doc.get("url"),
        }
        for result in clause["results"]:
            told = {
                prop: result[key]
                for prop, key in (
                    ("clause_expected", "expected"),
                    ("clause_received", "received"),
                    ("clause_curl", "curl"),
                )
                if key in result
            }
            self._restore(result, properties={**meta, **told})

    def _restore(
        self, entry: Mapping[str, Any], *, properties: dict[str, Any], generated: bool = False
    ) -> None:
        nodeid = str(entry["id"])
        if nodeid in self.cases:
            raise ValueError(f"test {nodeid} is recorded twice")
        outcome = str(entry["outcome"])
        if outcome not in OUTCOMES:
            raise ValueError(f"test {nodeid} has an unknown outcome {outcome!r}")
        self.cases[nodeid] = CaseOutcome(
            nodeid,
            outcome=outcome,
            phase=str(entry.get("phase") or "call"),
            duration=float(entry.get("duration_s") or 0.0),
            message=entry.get("message"),
            properties=properties,
            generated=generated,
        )

    def add(
        self,
        nodeid: str,
        when: str,
        outcome: str,
        *,
        duration: float = 0.0,
        message: str | None = None,
        properties: Iterable[tuple[str, Any]] = (),
        generated: bool = False,
    ) -> None:
        """Merge one phase (setup/call/teardown) of a test: a failure anywhere fails it; a skip
        for --readonly's sake is NOT_RUN."""
        if outcome == "skipped" and _readonly_skip(message):
            outcome = NOT_RUN
        case = self.cases.get(nodeid)
        if case is None:
            case = self.cases[nodeid] = CaseOutcome(nodeid, outcome="", generated=generated)
        case.generated = case.generated or generated
        case.duration += duration
        case.properties.update({str(k): v for k, v in properties})
        if outcome == "failed" and case.outcome != "failed":
            case.outcome, case.phase = "failed", when
            case.message = _shorten(message) if message else None
        elif outcome in ("skipped", NOT_RUN) and case.outcome in ("", "passed"):
            case.outcome, case.phase = outcome, when
            case.message = _shorten(message) if message else None
        elif outcome == "passed" and when == "call" and case.outcome == "":
            case.outcome = "passed"

    def build(
        self,
        *,
        target: Mapping[str, Any],
        started: str,
        duration: float,
        exit_status: int,
        readonly: bool = False,
        strict: bool = False,
    ) -> dict[str, Any]:
        """The data of conformance.json. A failed `should` fails the run only when strict."""
        cases = [c for c in self.cases.values() if c.outcome]
        clauses = _clauses([c for c in cases if c.clause is not None])
        generated = _generated([c for c in cases if c.clause is None and c.generated])
        others = [
            {**_case(c), "level": c.level}
            for c in sorted(cases, key=lambda c: c.nodeid)
            if c.clause is None and not c.generated
        ]
        areas: dict[str, Counter[str]] = {}
        for entry in clauses:
            areas.setdefault(entry["area"], Counter())[OUTCOMES[entry["verdict"]]] += 1
        verdicts = Counter(OUTCOMES[entry["verdict"]] for entry in clauses)
        tests = Counter(OUTCOMES[c.outcome] for c in cases)
        levels = {
            level: Counter(OUTCOMES[e["verdict"]] for e in clauses if e["level"] == level)
            for level in (MUST, SHOULD)
        }
        failing = [c for c in cases if c.outcome == "failed" and (strict or c.level == MUST)]
        return {
            "format": FORMAT,
            "status": ("failed" if failing else ("passed" if tests["passed"] else "nothing run")),
            "strict": strict,
            "started": started,
            "finished": now_iso(),
            "duration_s": round(duration, 2),
            "target": dict(target),
            "readonly": readonly,
            "exit_status": exit_status,
            "totals": {
                "clauses": len(clauses),
                "run": verdicts["passed"] + verdicts["failed"],
                **{key: verdicts[key] for key in OUTCOMES.values()},
                "tests": len(cases),
                **{f"tests_{key}": tests[key] for key in OUTCOMES.values()},
                "generated_tests": generated["tests"],
                "generated_cases": generated["cases"],
                "generated_findings": len(generated["findings"]),
                "levels": {
                    level: {
                        "clauses": sum(counts.values()),
                        **{key: counts[key] for key in OUTCOMES.values()},
                    }
                    for level, counts in levels.items()
                },
                "should_failures_tolerated": 0
                if strict
                else sum(1 for c in cases if c.outcome == "failed" and c.level == SHOULD),
            },
            "areas": {
                area: {key: counts[key] for key in OUTCOMES.values()}
                for area, counts in sorted(areas.items())
            },
            "clauses": clauses,
            "generated": generated,
            "other_tests": others,
        }


def _case(case: CaseOutcome) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": case.nodeid,
        "outcome": case.outcome,
        "duration_s": round(case.duration, 3),
    }
    if case.outcome != "passed":
        entry["phase"] = case.phase
        entry["message"] = case.message
    clause = case.clause or {}
    if clause.get("expected") is not None or clause.get("received") is not None:
        entry["expected"] = clause.get("expected")
        entry["received"] = clause.get("received")
    if case.outcome == "failed" and clause.get("curl"):
        entry["curl"] = clause.get("curl")
    return entry


def _readonly_skip(message: str | None) -> bool:
    """Whether a skip message is a reason --readonly gave (pytest prefixes "Skipped: ")."""
    text = (message or "").strip()
    return text.removeprefix("Skipped:").strip().startswith(_NOT_RUN_REASON)


def _verdict(outcomes: Iterable[str]) -> str:
    """failed if any case failed; NOT_RUN if any case was not run under --readonly; skipped if
    any case was skipped (a clause judged in part is not a pass); passed if every case passed."""
    seen = set(outcomes)
    if "failed" in seen:
        return "failed"
    if NOT_RUN in seen:
        return NOT_RUN
    return "passed" if seen == {"passed"} else "skipped"


def _split_doc(doc: str | None) -> tuple[str, int | None]:
    text = doc or ""
    file, _, line = text.rpartition(":")
    if file and line.isdigit():
        return file, int(line)
    return text, None


def _clauses(cases: list[CaseOutcome]) -> list[dict[str, Any]]:
    grouped: dict[str, list[CaseOutcome]] = {}
    for case in cases:
        grouped.setdefault(case.clause_id, []).append(case)
    found = []
    for clause_id, members in grouped.items():
        meta = members[0].clause or {}
        file, line = _split_doc(meta.get("doc"))
        counts = Counter(c.outcome for c in members)
        found.append(
            {
                "id": clause_id,
                "title": meta.get("title") or clause_id,
                "area": meta.get("area") or "other",
                "doc": {
                    "file": file,
                    "line": line,
                    "quote": meta.get("quote"),
                    "url": meta.get("url"),
                },
                "level": SHOULD if meta.get("level") == SHOULD else MUST,
                "verdict": _verdict(counts.elements()),
                "cases": {key: counts[outcome] for outcome, key in OUTCOMES.items()},
                "results": [_case(c) for c in sorted(members, key=lambda c: c.nodeid)],
            }
        )
    return sorted(found, key=lambda c: (c["area"], c["title"], c["id"]))


def _generated(cases: list[CaseOutcome]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    items = []
    for case in sorted(cases, key=lambda c: c.nodeid):
        counts = _statuses(case.properties.get("generated_statuses"))
        statuses.update(counts)
        entry = _case(case)
        entry["cases"] = sum(counts.values())
        entry["statuses"] = dict(sorted(counts.items()))
        entry["level"] = case.level
        found = _findings_of(case)
        entry["findings"] = len(found)
        # the findings themselves, so that merged shards group them as one run would
        entry["found"] = [dict(f) for f in found]
        items.append(entry)
    outcomes = Counter(OUTCOMES[c.outcome] for c in cases)
    return {
        "tests": len(cases),
        **{key: outcomes[key] for key in OUTCOMES.values()},
        "cases": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "findings": group_findings(cases),
        "items": items,
    }


def _findings_of(case: CaseOutcome) -> list[Mapping[str, Any]]:
    """The findings a generated test recorded (a JSON list; nothing readable: none)."""
    value = case.properties.get(FINDINGS_PROPERTY)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return [f for f in value if isinstance(f, Mapping)]


def group_findings(cases: Iterable[CaseOutcome]) -> list[dict[str, Any]]:
    """Generated findings across shards and operations, one per (check, status, schema
    location): one deviation reads as one finding with its count, operations and a curl line."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for case in sorted(cases, key=lambda c: c.nodeid):
        for finding in _findings_of(case):
            check = str(finding.get("check") or "unnamed check")
            status = "" if finding.get("status") is None else str(finding.get("status"))
            location = str(finding.get("location") or "")
            group = groups.get((check, status, location))
            if group is None:
                group = groups[(check, status, location)] = {
                    "check": check,
                    "level": SHOULD if finding.get("level") == SHOULD else MUST,
                    "status": status or None,
                    "location": location,
                    "count": 0,
                    "operations": [],
                    "tests": [],
                    "message": _shorten(str(finding.get("message") or ""), 500),
                    "curl": finding.get("curl"),
                }
            group["count"] += 1
            operation = finding.get("operation")
            if operation and operation not in group["operations"]:
                group["operations"].append(operation)
            if case.nodeid not in group["tests"]:
                group["tests"].append(case.nodeid)
    order = {MUST: 0, SHOULD: 1}
    return sorted(groups.values(), key=lambda g: (order[g["level"]], -g["count"], g["check"]))


def _statuses(value: Any) -> Counter[str]:
    """generated_statuses as recorded: a dict, or its repr when it went through a text format."""
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return Counter()
    if not isinstance(value, Mapping):
        return Counter()
    counts: Counter[str] = Counter()
    for status, count in value.items():
        try:
            counts[str(status)] += int(count)
        except (TypeError, ValueError):
            continue
    return counts


def could_not_run(*, target: Mapping[str, Any], started: str, problem: str) -> dict[str, Any]:
    """The data of conformance.json for a run that could not start."""
    return {
        "format": FORMAT,
        "status": "could not run",
        "problem": problem,
        "started": started,
        "finished": now_iso(),
        "duration_s": 0.0,
        "target": dict(target),
        "readonly": False,
        "strict": False,
        "exit_status": 4,
        "totals": {
            "clauses": 0,
            "run": 0,
            **dict.fromkeys(OUTCOMES.values(), 0),
            "tests": 0,
            **{f"tests_{key}": 0 for key in OUTCOMES.values()},
            "generated_tests": 0,
            "generated_cases": 0,
            "generated_findings": 0,
            "levels": {
                level: {"clauses": 0, **dict.fromkeys(OUTCOMES.values(), 0)}
                for level in (MUST, SHOULD)
            },
            "should_failures_tolerated": 0,
        },
        "areas": {},
        "clauses": [],
        "generated": {
            "tests": 0,
            **dict.fromkeys(OUTCOMES.values(), 0),
            "cases": 0,
            "statuses": {},
            "findings": [],
            "items": [],
        },
        "other_tests": [],
    }


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    """The JSON in path."""
    return json.loads(path.read_text(encoding="utf-8"))
