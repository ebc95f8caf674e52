"""The one-screen console summary of a run, from its conformance data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from webapi_contract.reports.conformance import NOT_RUN

__all__ = ["render_summary"]

MAX_FAILURES_SHOWN = 8
MAX_FINDINGS_SHOWN = 5


def _one_line(text: Any, limit: int = 110) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"


def _not_run(data: Mapping[str, Any]) -> list[str]:
    """What --readonly did not run: how many clauses, and the reasons that say more."""
    totals = data.get("totals", {})
    lines = [
        f"  read-only {totals.get('not_run', 0)} clauses {NOT_RUN}, "
        f"{totals.get('skipped', 0)} skipped"
    ]
    reasons: Counter[str] = Counter()
    for clause in data.get("clauses", []):
        if clause.get("verdict") != NOT_RUN:
            continue
        said = {
            str(r.get("message") or "").removeprefix("Skipped:").strip()
            for r in clause.get("results", [])
            if r.get("outcome") == NOT_RUN
        }
        reasons.update(said - {NOT_RUN, ""})
    for reason, count in reasons.most_common(3):
        lines.append(f"            {count} of them: {_one_line(reason, 90)}")
    return lines


def _levels(data: Mapping[str, Any]) -> list[str]:
    """Musts and shoulds apart: a failed should is reported, and fails the run only if strict."""
    levels = data.get("totals", {}).get("levels")
    if not levels:
        return []
    parts = []
    for level in ("must", "should"):
        counts = levels.get(level, {})
        ran = counts.get("passed", 0) + counts.get("failed", 0)
        parts.append(
            f"{level} {counts.get('passed', 0)}/{ran} passed, {counts.get('failed', 0)} failed"
        )
    line = f"  levels    {'; '.join(parts)}"
    tolerated = data.get("totals", {}).get("should_failures_tolerated", 0)
    if tolerated:
        line += f" ({tolerated} failed should test(s) do not fail the run; --strict)"
    elif data.get("strict"):
        line += " (--strict: shoulds fail the run)"
    return [line]


def _findings(findings: Sequence[Mapping[str, Any]]) -> list[str]:
    """Generated findings, one line per (check, status, location) with its count."""
    if not findings:
        return []
    lines = [f"  generated findings: {len(findings)} (grouped by check, status, schema location)"]
    for finding in findings[:MAX_FINDINGS_SHOWN]:
        where = f" at {finding.get('location')}" if finding.get("location") else ""
        status = f" status {finding.get('status')}" if finding.get("status") else ""
        operations = ", ".join(finding.get("operations", [])[:3])
        lines.append(
            f"    x [{finding.get('level', 'must')}] {finding.get('check')}{status}{where}: "
            f"{finding.get('count')}x in {operations or 'generated tests'}"
        )
        if finding.get("message"):
            lines.append(f"        {_one_line(finding.get('message'))}")
        if finding.get("curl"):
            lines.append(f"        {_one_line(finding.get('curl'), 200)}")
    if len(findings) > MAX_FINDINGS_SHOWN:
        lines.append(f"    … and {len(findings) - MAX_FINDINGS_SHOWN} more (see the report)")
    return lines


def render_summary(data: Mapping[str, Any], artefacts: Sequence[str] = ()) -> str:
    """About twenty lines: verdict, target, timing, clauses per area, the failed clauses."""
    totals = data.get("totals", {})
    target = data.get("target", {})
    status = str(data.get("status", "")).upper()
    lines = ["", "=" * 78]
    if data.get("status") == "could not run":
        lines.append(f"webapi-contract run: COULD NOT RUN — {data.get('problem')}")
    elif totals.get("not_run") or data.get("readonly"):
        lines.append(
            f"webapi-contract run: {status} — {totals.get('run', 0)} of "
            f"{totals.get('clauses', 0)} clauses ran: {totals.get('passed', 0)} passed, "
            f"{totals.get('failed', 0)} failed"
        )
        lines += _not_run(data)
    else:
        lines.append(
            f"webapi-contract run: {status} — {totals.get('passed', 0)} of "
            f"{totals.get('clauses', 0)} clauses passed, {totals.get('failed', 0)} failed, "
            f"{totals.get('skipped', 0)} skipped"
        )
    lines += _levels(data)
    kind = "embedded mock" if target.get("embedded") else "live"
    facts = [f"API {target['api_version']}"] if target.get("api_version") else []
    if target.get("tenant"):
        facts.append(f"tenant {target['tenant']}")
    if target.get("key") and target.get("key") not in (target.get("url"), target.get("label")):
        facts.insert(0, f"named {target['key']}")
    lines.append(
        f"  target    {target.get('url') or '—'} ({kind}{', ' if facts else ''}{', '.join(facts)})"
    )
    run = data.get("run") or {}
    shard = run.get("shard") or {}
    if shard:
        lines.append(
            f"  shard     {shard.get('index')}/{shard.get('total')} of run {run.get('id')} "
            "(`webapi-contract merge` joins the shards' report folders)"
        )
    generated = data.get("generated", {})
    statuses = ", ".join(f"{k}: {v}" for k, v in generated.get("statuses", {}).items())
    lines.append(
        f"  duration  {float(data.get('duration_s') or 0):.1f} s; {totals.get('tests', 0)} tests; "
        f"{totals.get('generated_cases', 0)} generated cases in "
        f"{totals.get('generated_tests', 0)} generated tests"
        + (f" ({statuses})" if statuses else "")
    )
    areas = data.get("areas", {})
    if areas:
        width = max(len(area) for area in areas) + 2
        not_run = any(counts.get("not_run") for counts in areas.values())
        lines.append(
            f"  {'area'.ljust(width)}{'passed':>7}{'failed':>7}{'skipped':>8}"
            + (f"{'not run':>9}" if not_run else "")
        )
        for area, counts in areas.items():
            lines.append(
                f"  {area.ljust(width)}{counts.get('passed', 0):>7}{counts.get('failed', 0):>7}"
                f"{counts.get('skipped', 0):>8}"
                + (f"{counts.get('not_run', 0):>9}" if not_run else "")
            )
    failed = [c for c in data.get("clauses", []) if c.get("verdict") == "failed"]
    if failed:
        lines.append("  failed clauses:")
        for clause in failed[:MAX_FAILURES_SHOWN]:
            doc = clause.get("doc", {})
            lines.append(
                f"    x [{clause.get('level', 'must')}] {clause.get('title')} "
                f"[{doc.get('file')}:{doc.get('line')}]"
            )
            first: Mapping[str, Any] = next(
                (r for r in clause.get("results", []) if r.get("outcome") == "failed"), {}
            )
            if first.get("expected") is not None:
                lines.append(f"        expected: {_one_line(first.get('expected'))}")
                lines.append(f"        received: {_one_line(first.get('received'))}")
            elif first.get("message"):
                lines.append(f"        {_one_line(first.get('message'))}")
        if len(failed) > MAX_FAILURES_SHOWN:
            lines.append(f"    … and {len(failed) - MAX_FAILURES_SHOWN} more (see the report)")
    lines += _findings(generated.get("findings", []))
    # generated tests whose failures the grouped findings tell are not listed again
    others = [
        item
        for item in [
            *(i for i in generated.get("items", []) if not i.get("findings")),
            *data.get("other_tests", []),
        ]
        if item.get("outcome") == "failed"
    ]
    if others:
        lines.append(f"  failed tests that are no clause: {len(others)}")
        for item in others[:3]:
            lines.append(f"    x {item.get('id')}")
    if artefacts:
        lines.append(f"  reports   {', '.join(artefacts)}")
    lines.append("=" * 78)
    return "\n".join(lines)
