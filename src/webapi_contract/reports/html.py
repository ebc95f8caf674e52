"""conformance.html: one self-contained page (inline CSS, inline SVG, no script, no external asset).

A run's page opens with its verdict and, when anything failed, what went wrong: the failed
clauses (must first, then should), each with expected vs received, its doc line and a curl line
to resend the request, then the grouped generated findings. Then the trend of passed/failed
clauses over the target's runs in history.jsonl as a chart, the areas, and the matrix clause x
verdict. The fleet page (`render_fleet`, several targets merged) opens with the overall status,
then each target's "what went wrong", the tenants x clauses matrix (since when a cell fails), and
a trend per target. Every piece of text is escaped; a Content-Security-Policy forbids loading
anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from webapi_contract.reports.conformance import NOT_RUN, OUTCOMES
from webapi_contract.reports.history import failing_since

__all__ = ["FLEET_FORMAT", "render", "render_fleet", "runs_of_target", "target_key", "trend_svg"]

FLEET_FORMAT = "webapi-contract/fleet/1"

TREND_CELLS = 20
_COLOURS = {
    "passed": "#2e7d32",
    "failed": "#c62828",
    "skipped": "#9e9e9e",
    NOT_RUN: "#90a4ae",
    "none": "#e0e0e0",
}
# Column headings of the counts: outcome key (as in totals, areas, cases) -> heading.
_COUNTS = {"passed": "passed", "failed": "failed", "skipped": "skipped", "not_run": "not run"}

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212121;
background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px}
.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0;color:#fff}
.banner.passed{background:#2e7d32}.banner.failed{background:#c62828}
.banner.could-not-run{background:#5d4037}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.facts dt{color:#616161}dl.facts dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e0e0e0;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;width:4.5em}
td.hit{font-weight:700}
.verdict{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;
padding:0 6px;font-size:12px;font-weight:600;text-transform:uppercase}
.verdict.passed{background:#2e7d32}.verdict.failed{background:#c62828}
.verdict.skipped{background:#9e9e9e}.verdict.not-run{background:#78909c;text-transform:none}
.level{font-size:11px;padding:1px 5px;border-radius:3px;border:1px solid #90a4ae;color:#37474f}
.level-must{border-color:#c62828;color:#c62828}
.note{color:#546e7a;font-size:12px}
tr.verdict-failed>td{background:#fff5f5}
tr.failure>td{background:#fff5f5;border-bottom:2px solid #c62828}
pre{white-space:pre-wrap;word-break:break-word;margin:4px 0;padding:6px 8px;background:#f5f5f5;
border-radius:4px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre.expected{border-left:4px solid #2e7d32}pre.received{border-left:4px solid #c62828}
.doc{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.quote{color:#616161;font-size:12px}
.trend{display:flex;gap:2px}
.trend span{display:inline-block;width:8px;height:14px;border-radius:2px}
.since{color:#c62828;font-size:12px}
.chart{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:8px}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
footer{margin-top:32px;color:#757575;font-size:12px}
section.wrong{background:#fff;border:1px solid #ef9a9a;border-left:6px solid #c62828;
border-radius:6px;padding:4px 14px 10px;margin:12px 0}
article.wrong-clause{border-top:1px solid #f0f0f0;padding:8px 0}
article.wrong-clause h3,article.wrong-clause h4{font-size:15px;margin:4px 0}
.area{color:#616161;font-weight:400;font-size:12px}
pre.curl{user-select:all;border-left:4px solid #546e7a}
.target-head{display:flex;gap:10px;align-items:baseline}
table.fleet td.cell{white-space:nowrap}
.problem{color:#5d4037;font-weight:600}
"""
# Nothing is loaded from anywhere: inline styles and data: images only, no script.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_HEAD = (
    '<html lang="en"><head><meta charset="utf-8">'
    f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
)
_LEVEL_ORDER = {"must": 0, "should": 1}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _slug(verdict: Any) -> str:
    """A verdict or outcome as a CSS class name ("not run (read-only)" -> "not-run")."""
    return "not-run" if verdict == NOT_RUN else _e(verdict)


def _seconds(value: Any) -> str:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return "—"
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _short_time(value: Any) -> str:
    text = str(value or "")
    return text.replace("T", " ").replace("Z", "")[:16]


def trend_svg(
    runs: Sequence[Mapping[str, Any]],
    width: int = 760,
    height: int = 220,
    element_id: str = "trend-chart",
) -> str:
    """A stacked bar chart of passed/failed/skipped/not run clauses per run (inline SVG)."""
    left, right, top, bottom = 44, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(runs), 1)
    peak = max([sum(int(r.get(key, 0)) for key in _COUNTS) for r in runs] + [1])
    slot = plot_w / count
    bar = max(min(slot * 0.72, 36.0), 1.5)
    label = f"Clauses passed and failed over the last {len(runs)} run(s)"
    parts = [
        f'<svg id="{_e(element_id)}" class="trend-chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(label)}" '
        'style="width:100%;height:auto;max-height:320px">',
        f"<title>{_e(label)}</title>",
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = top + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#e0e0e0" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#616161">{round(peak * fraction)}</text>'
        )
    for index, run in enumerate(runs):
        x = left + index * slot + (slot - bar) / 2
        counts = {key: int(run.get(key, 0)) for key in _COUNTS}
        status = str(run.get("status") or "")
        tip = f"{_short_time(run.get('time'))} UTC — {status or 'run'}: " + ", ".join(
            f"{value} {_COUNTS[key]}" for key, value in counts.items() if value or key != "not_run"
        )
        parts.append(f'<g class="run" data-run="{index}"><title>{_e(tip)}</title>')
        base: float = top + plot_h
        if not any(counts.values()):
            parts.append(
                f'<rect class="bar-norun" x="{x:.1f}" y="{base - 4:.1f}" width="{bar:.1f}" '
                f'height="4" fill="#5d4037"/>'
            )
        for outcome, key in OUTCOMES.items():
            if counts[key] <= 0:
                continue
            h = counts[key] / peak * plot_h
            base -= h
            parts.append(
                f'<rect class="bar-{key.replace("_", "-")}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="{_COLOURS[outcome]}"/>'
            )
        parts.append("</g>")
    if runs:
        first, last = _short_time(runs[0].get("time")), _short_time(runs[-1].get("time"))
        parts.append(
            f'<text x="{left}" y="{height - 10}" font-size="11" fill="#616161">{_e(first)}</text>'
            f'<text x="{width - right}" y="{height - 10}" font-size="11" text-anchor="end" '
            f'fill="#616161">{_e(last)} (this run)</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _trend_cells(runs: Sequence[Mapping[str, Any]], clause_id: str) -> str:
    cells = []
    for run in runs[-TREND_CELLS:]:
        verdict = run.get("clauses", {}).get(clause_id) or "none"
        colour = _COLOURS.get(verdict, _COLOURS["none"])
        tip = f"{_short_time(run.get('time'))}: {verdict if verdict != 'none' else 'not run'}"
        cells.append(
            f'<span class="t-{_slug(verdict)}" style="background:{colour}" title="{_e(tip)}">'
            "</span>"
        )
    return f'<div class="trend">{"".join(cells)}</div>'


def _doc_cell(doc: Mapping[str, Any]) -> str:
    where = _e(f"{doc.get('file')}:{doc.get('line')}" if doc.get("line") else doc.get("file"))
    url = doc.get("url")
    cite = f'<a href="{_e(url)}">{where}</a>' if url else where
    quote = doc.get("quote")
    shown = f'<div class="quote">“{_e(quote)}”</div>' if quote else ""
    return f'<span class="doc">{cite}</span>{shown}'


def _failure_detail(result: Mapping[str, Any]) -> str:
    parts = [f"<div><strong>{_e(result.get('id'))}</strong>"]
    if result.get("phase") and result.get("phase") != "call":
        parts.append(f" (in {_e(result.get('phase'))})")
    parts.append("</div>")
    if result.get("expected") is not None or result.get("received") is not None:
        parts.append(
            '<div class="exp-rec">Expected:<pre class="expected">'
            f'{_e(result.get("expected"))}</pre>Received:<pre class="received">'
            f"{_e(result.get('received'))}</pre></div>"
        )
    if result.get("curl"):
        parts.append(
            '<div class="resend">Resend it (secrets masked):'
            f'<pre class="curl">{_e(result.get("curl"))}</pre></div>'
        )
    if result.get("message"):
        parts.append(
            "<details><summary>Full failure message</summary>"
            f'<pre class="message">{_e(result.get("message"))}</pre></details>'
        )
    return "".join(parts)


def _matrix(data: Mapping[str, Any], runs: Sequence[Mapping[str, Any]]) -> str:
    head = (
        '<table id="matrix"><thead><tr><th>Area</th><th>Clause</th><th>Doc line</th>'
        + "".join(f'<th class="num">{heading}</th>' for heading in _COUNTS.values())
        + f"<th>Verdict</th><th>Last {TREND_CELLS} runs</th></tr></thead><tbody>"
    )
    rows = [head]
    for clause in data.get("clauses", []):
        verdict = clause.get("verdict", "skipped")
        cases = clause.get("cases", {})
        counts = "".join(
            f'<td class="num{" hit" if key == OUTCOMES.get(verdict) else ""}">'
            f"{int(cases.get(key, 0))}</td>"
            for key in _COUNTS
        )
        since_note = _not_run_note(clause) if verdict == NOT_RUN else ""
        if verdict == "failed":
            since_note = _since_note(runs, clause["id"])
        rows.append(
            f'<tr class="clause verdict-{_slug(verdict)}" data-clause-id="{_e(clause["id"])}" '
            f'data-verdict="{_e(verdict)}"><td>{_e(clause.get("area"))}</td>'
            f'<td><span class="level level-{_slug(clause.get("level", "must"))}">'
            f"{_e(clause.get('level', 'must'))}</span> {_e(clause.get('title'))}{since_note}</td>"
            f"<td>{_doc_cell(clause.get('doc', {}))}"
            f'</td>{counts}<td><span class="verdict {_slug(verdict)}">{_e(verdict)}</span></td>'
            f"<td>{_trend_cells(runs, clause['id'])}</td></tr>"
        )
        if verdict == "failed":
            failed = [r for r in clause.get("results", []) if r.get("outcome") == "failed"]
            detail = "".join(_failure_detail(r) for r in failed)
            rows.append(f'<tr class="failure"><td></td><td colspan="8">{detail}</td></tr>')
    if not data.get("clauses"):
        rows.append('<tr><td colspan="9">No clause was judged in this run.</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def _since_note(runs: Sequence[Mapping[str, Any]], clause_id: str) -> str:
    since, streak = failing_since(runs, clause_id)
    if streak > 1:
        return (
            f'<div class="since">failing since {_e(_short_time(since))} UTC ({streak} runs)</div>'
        )
    return '<div class="since">new failure in this run</div>'


def _not_run_note(clause: Mapping[str, Any]) -> str:
    """Why --readonly did not run a clause, when it says more than "not run (read-only)"."""
    reasons = {
        str(r.get("message") or "").removeprefix("Skipped:").strip()
        for r in clause.get("results", [])
        if r.get("outcome") == NOT_RUN
    } - {NOT_RUN, ""}
    return "".join(f'<div class="note">{_e(reason)}</div>' for reason in sorted(reasons))


def _areas(data: Mapping[str, Any]) -> str:
    rows = [
        '<table id="areas"><thead><tr><th>Area</th>'
        + "".join(f'<th class="num">{heading}</th>' for heading in _COUNTS.values())
        + "</tr></thead><tbody>"
    ]
    for area, counts in data.get("areas", {}).items():
        rows.append(
            f'<tr data-area="{_e(area)}"><td>{_e(area)}</td>'
            + "".join(f'<td class="num">{int(counts.get(key, 0))}</td>' for key in _COUNTS)
            + "</tr>"
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _generated(data: Mapping[str, Any]) -> str:
    generated = data.get("generated", {})
    if not generated.get("tests"):
        return ""
    statuses = ", ".join(f"{k}: {v}" for k, v in generated.get("statuses", {}).items())
    rows = [
        "<h2>Generated tests</h2>",
        f"<p>{int(generated.get('cases', 0))} generated requests in "
        f"{int(generated.get('tests', 0))} tests ({int(generated.get('passed', 0))} passed, "
        f"{int(generated.get('failed', 0))} failed, {int(generated.get('skipped', 0))} skipped"
        + (f", {int(generated['not_run'])} {NOT_RUN}" if generated.get("not_run") else "")
        + ")"
        f"{'; statuses ' + _e(statuses) if statuses else ''}.</p>",
        (
            f"<p>{len(generated['findings'])} grouped finding(s): see What went wrong above.</p>"
            if generated.get("findings")
            else ""
        ),
        '<table id="generated"><thead><tr><th>Test</th><th>Outcome</th>'
        '<th class="num">cases</th><th>Statuses</th></tr></thead><tbody>',
    ]
    for item in generated.get("items", []):
        outcome = item.get("outcome", "")
        shown = ", ".join(f"{k}: {v}" for k, v in item.get("statuses", {}).items())
        detail = ""
        if outcome == "failed" and item.get("message"):
            detail = (
                f'<details><summary>failure</summary><pre class="message">'
                f"{_e(item.get('message'))}</pre></details>"
            )
        rows.append(
            f'<tr data-verdict="{_e(outcome)}"><td>{_e(item.get("id"))}{detail}</td>'
            f'<td><span class="verdict {_slug(outcome)}">{_e(outcome)}</span></td>'
            f'<td class="num">{int(item.get("cases", 0))}</td><td>{_e(shown)}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _findings(findings: Sequence[Mapping[str, Any]]) -> str:
    """Generated findings grouped by (check, status, schema location), with count and curl."""
    if not findings:
        return ""
    rows = [
        '<table class="findings"><thead><tr><th>Level</th><th>Check</th><th>Status</th>'
        '<th>Schema location</th><th class="num">count</th><th>Operations</th></tr></thead>'
        "<tbody>"
    ]
    for finding in findings:
        level = str(finding.get("level", "must"))
        detail = "".join(
            f'<pre class="message">{_e(finding.get(key))}</pre>'
            for key in ("message", "curl")
            if finding.get(key)
        )
        rows.append(
            f'<tr class="finding" data-level="{_e(level)}"><td><span class="level level-'
            f'{_slug(level)}">{_e(level)}</span></td><td>{_e(finding.get("check"))}{detail}</td>'
            f"<td>{_e(finding.get('status') or '')}</td><td>{_e(finding.get('location'))}</td>"
            f'<td class="num">{int(finding.get("count", 0))}</td>'
            f"<td>{_e(', '.join(finding.get('operations', [])))}</td></tr>"
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _others(data: Mapping[str, Any]) -> str:
    others = data.get("other_tests", [])
    if not others:
        return ""
    rows = [
        "<h2>Other tests</h2>",
        '<table id="other-tests"><thead><tr><th>Test</th><th>Outcome</th></tr></thead><tbody>',
    ]
    for item in others:
        outcome = item.get("outcome", "")
        detail = ""
        if outcome != "passed" and item.get("message"):
            detail = f'<pre class="message">{_e(item.get("message"))}</pre>'
        rows.append(
            f'<tr data-verdict="{_e(outcome)}"><td>{_e(item.get("id"))}{detail}</td>'
            f'<td><span class="verdict {_slug(outcome)}">{_e(outcome)}</span></td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _banner(data: Mapping[str, Any]) -> str:
    totals = data.get("totals", {})
    status = data.get("status")
    if status == "could not run":
        return (
            f'<div class="banner could-not-run" id="status" data-status="could-not-run">'
            f"COULD NOT RUN — {_e(data.get('problem'))}</div>"
        )
    if status == "nothing run":
        return (
            '<div class="banner could-not-run" id="status" data-status="nothing-run">'
            "NOTHING RUN — no test was run to a verdict (none selected, or every one skipped)</div>"
        )
    clauses, failed = int(totals.get("clauses", 0)), int(totals.get("failed", 0))
    not_run = int(totals.get("not_run", 0))
    # Under --readonly the counts are of the clauses that ran; the others are said apart.
    of = f"{int(totals.get('run', 0))} clauses run" if not_run else f"{clauses} clauses"
    tail = f"; {not_run} not run (read-only)" if not_run else ""
    if status == "failed":
        text = f"FAILED — {failed} of {of} failed{tail}"
        if not failed:
            broken = totals.get("tests_failed")
            text = f"FAILED — no clause failed, but {broken} other test(s) failed{tail}"
        return f'<div class="banner failed" id="status" data-status="failed">{_e(text)}</div>'
    text = f"PASSED — {int(totals.get('passed', 0))} of {of} passed{tail}"
    return f'<div class="banner passed" id="status" data-status="passed">{_e(text)}</div>'


def _facts(data: Mapping[str, Any]) -> str:
    target = data.get("target", {})
    totals = data.get("totals", {})
    facts = [
        ("Target", target.get("url") or "—"),
        ("Kind", "embedded reference mock" if target.get("embedded") else "live base URL"),
        ("API version", target.get("api_version") or "not told"),
        ("Tenant", target.get("tenant") or "not told"),
    ]
    for name, value in (target.get("server") or {}).items():
        facts.append((f"Header {name}", value))
    facts += [
        ("Started", f"{_short_time(data.get('started'))} UTC"),
        ("Duration", _seconds(data.get("duration_s"))),
        (
            "Read-only",
            f"yes — {totals.get('not_run', 0)} clauses {NOT_RUN}" if data.get("readonly") else "no",
        ),
        (
            "Tests",
            f"{totals.get('tests', 0)} ({totals.get('tests_passed', 0)} passed, "
            f"{totals.get('tests_failed', 0)} failed, {totals.get('tests_skipped', 0)} skipped"
            + (f", {totals['tests_not_run']} not run" if totals.get("tests_not_run") else "")
            + ")",
        ),
        ("Generated cases", totals.get("generated_cases", 0)),
        ("Exit status", data.get("exit_status")),
    ]
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f'<dl class="facts" id="facts">{body}</dl>'


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def target_key(data: Mapping[str, Any]) -> str:
    """The key of a run's target: its key, else its label or URL (runs before keys had them)."""
    target = _map(data.get("target"))
    return str(target.get("key") or target.get("label") or target.get("url") or "")


def runs_of_target(
    data: Mapping[str, Any], runs: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The runs of a history that are of data's target (a history may hold several targets).

    A run names its target by key (by label or URL before targets had keys); a run that names no
    target is kept (it cannot be told apart), and so is every run when data names no target."""
    wanted = target_key(data)
    if not wanted:
        return list(runs)
    return [run for run in runs if run.get("target") in (None, "", wanted)]


def _failed_clauses(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The failed clauses, must first, then should (the order of the data within each)."""
    failed = [_map(c) for c in _list(data.get("clauses")) if _map(c).get("verdict") == "failed"]
    return sorted(failed, key=lambda c: _LEVEL_ORDER.get(str(c.get("level", "must")), 0))


def _failed_tests(items: Sequence[Any], heading: str, title: str) -> str:
    rows = [f'<{heading}>{_e(title)}</{heading}><ul class="failed-tests">']
    for item in items:
        message = _map(item).get("message")
        shown = f'<pre class="message">{_e(message)}</pre>' if message else ""
        rows.append(f'<li data-verdict="failed">{_e(_map(item).get("id"))}{shown}</li>')
    rows.append("</ul>")
    return "".join(rows)


def _what_went_wrong(
    data: Mapping[str, Any],
    runs: Sequence[Mapping[str, Any]],
    *,
    element_id: str = "what-went-wrong",
    heading: str = "h2",
) -> str:
    """What failed in a run, first thing on the page: the failed clauses (must, then should),
    each with its level, doc line, expected vs received and curl line; the grouped generated
    findings; generated tests that failed without a finding; other failed tests. Empty when
    nothing failed."""
    clauses = _failed_clauses(data)
    generated = _map(data.get("generated"))
    findings = [_map(f) for f in _list(generated.get("findings"))]
    unexplained = [
        i
        for i in _list(generated.get("items"))
        if _map(i).get("outcome") == "failed" and not _map(i).get("findings")
    ]
    others = [t for t in _list(data.get("other_tests")) if _map(t).get("outcome") == "failed"]
    if not (clauses or findings or unexplained or others):
        return ""
    sub = f"h{min(int(heading[1:]) + 1, 6)}"
    parts = [
        f'<section class="wrong" id="{_e(element_id)}" data-target="{_e(target_key(data))}">',
        f"<{heading}>What went wrong</{heading}>",
    ]
    if clauses:
        musts = sum(1 for c in clauses if c.get("level", "must") != "should")
        parts.append(
            f"<p>{len(clauses)} clause(s) failed: {musts} must, {len(clauses) - musts} should.</p>"
        )
    for clause in clauses:
        level = str(clause.get("level") or "must")
        failed = [
            _map(r) for r in _list(clause.get("results")) if _map(r).get("outcome") == "failed"
        ]
        parts.append(
            f'<article class="wrong-clause" data-clause-id="{_e(clause.get("id"))}" '
            f'data-level="{_e(level)}"><{sub}><span class="level level-{_slug(level)}">'
            f"{_e(level)}</span> {_e(clause.get('title'))} "
            f'<span class="area">{_e(clause.get("area"))}</span></{sub}>'
            f"{_since_note(runs, str(clause.get('id')))}"
            f'<div class="doc-line">Doc line: {_doc_cell(_map(clause.get("doc")))}</div>'
            + "".join(_failure_detail(result) for result in failed)
            + "</article>"
        )
    if findings:
        parts.append(f"<{sub}>Generated findings ({len(findings)} grouped)</{sub}>")
        parts.append(_findings(findings))
    if unexplained:
        parts.append(
            _failed_tests(unexplained, sub, "Generated tests that failed without a finding")
        )
    if others:
        parts.append(_failed_tests(others, sub, "Other tests that failed"))
    parts.append("</section>")
    return "".join(parts)


def _legend() -> str:
    return (
        "".join(
            f'<span><i style="background:{_COLOURS[outcome]}"></i>{_COUNTS[key]} clauses</span>'
            for outcome, key in OUTCOMES.items()
        )
        + '<span><i style="background:#5d4037"></i>could not run</span>'
    )


_FOOTER = (
    "<footer>Written by webapi-contract. Artefacts beside this page: conformance.json, "
    "history.jsonl, junit.xml, allure-results/ (and allure-report/ once built). "
    "Credentials are masked in every artefact.</footer>"
)


def render(data: Mapping[str, Any], runs: Sequence[Mapping[str, Any]]) -> str:
    """The page for one run's conformance data and the runs of the history (this one last).

    The history may hold other targets' runs: only this target's are charted and counted."""
    runs = runs_of_target(data, runs)
    title = f"Contract conformance — {target_key(data) or 'target'}"
    return "".join(
        [
            "<!DOCTYPE html>\n",
            _HEAD,
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
            f"<h1>{_e(title)}</h1>",
            _banner(data),
            _facts(data),
            _what_went_wrong(data, runs),
            f"<h2>Trend over {len(runs)} run(s)</h2>",
            f'<div class="chart">{trend_svg(runs)}<div class="legend">{_legend()}</div></div>',
            "<h2>Clauses per area</h2>",
            _areas(data),
            "<h2>Conformance matrix: clause × verdict</h2>",
            _matrix(data, runs),
            _generated(data),
            _others(data),
            _FOOTER,
            "</main></body></html>\n",
        ]
    )


def _status_class(status: Any) -> str:
    if status in ("passed", "failed"):
        return str(status)
    return "could-not-run"


def _fleet_banner(fleet: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]) -> str:
    status = str(fleet.get("status") or "")
    count = len(documents)
    failed = sum(1 for d in documents if d.get("status") == "failed")
    stuck = sum(1 for d in documents if d.get("status") == "could not run")
    tail = f"; {stuck} could not run" if stuck and status != "could not run" else ""
    if status == "failed":
        text = f"FAILED — {failed} of {count} target run(s) failed{tail}"
    elif status == "could not run":
        text = f"COULD NOT RUN — {stuck} of {count} target run(s) could not run"
    elif status == "passed":
        text = f"PASSED — {count} of {count} target run(s) passed{tail}"
    else:
        text = f"{status.upper() or 'NO STATUS'} — {count} target run(s)"
    return (
        f'<div class="banner {_status_class(status)}" id="status" '
        f'data-status="{_e(status.replace(" ", "-"))}">{_e(text)}</div>'
    )


def _run_line(data: Mapping[str, Any]) -> str:
    """One line on a target's run: its status and clause counts (or why it could not run)."""
    totals = _map(data.get("totals"))
    status = data.get("status")
    if status == "could not run":
        return f'<p class="problem">Could not run: {_e(data.get("problem"))}</p>'
    run = _map(data.get("run"))
    said = f" Run {_e(run.get('id'))}." if run.get("id") else ""
    return (
        f"<p>{int(totals.get('failed', 0))} of {int(totals.get('clauses', 0))} clauses failed, "
        f"{int(totals.get('passed', 0))} passed; started {_e(_short_time(data.get('started')))} "
        f"UTC.{said}</p>"
    )


def _fleet_since(runs: Sequence[Mapping[str, Any]], clause_id: str, started: Any) -> str:
    since, streak = failing_since(runs, clause_id)
    if since is None:  # the history does not hold this run: it is the first failure known
        since, streak = started, 1
    return (
        f'<div class="since">since {_e(_short_time(since))} UTC '
        f"({streak} run{'s' if streak != 1 else ''})</div>"
    )


def _fleet_matrix(
    fleet: Mapping[str, Any],
    keys: Sequence[str],
    documents: Mapping[str, Mapping[str, Any]],
    runs: Mapping[str, Sequence[Mapping[str, Any]]],
) -> str:
    matrix = _map(fleet.get("matrix"))
    verdicts = _map(matrix.get("verdicts"))
    rows = [
        '<table id="fleet-matrix" class="fleet"><thead><tr><th>Clause</th><th>Level</th>'
        "<th>Doc line</th>"
        + "".join(f'<th data-target="{_e(key)}">{_e(key)}</th>' for key in keys)
        + "</tr></thead><tbody>"
    ]
    clauses = [_map(c) for c in _list(matrix.get("clauses"))]
    for clause in clauses:
        clause_id = str(clause.get("id"))
        level = str(clause.get("level") or "must")
        cells = []
        for key in keys:
            verdict = _map(verdicts.get(key)).get(clause_id)
            where = f'data-target="{_e(key)}" data-clause-id="{_e(clause_id)}"'
            if verdict is None:
                cells.append(
                    f'<td class="cell verdict-none" {where} title="not judged there">—</td>'
                )
                continue
            note = ""
            if verdict == "failed":
                note = _fleet_since(runs.get(key, []), clause_id, documents[key].get("started"))
            cells.append(
                f'<td class="cell verdict-{_slug(verdict)}" {where} data-verdict="{_e(verdict)}">'
                f'<span class="verdict {_slug(verdict)}">{_e(verdict)}</span>{note}</td>'
            )
        rows.append(
            f'<tr data-clause-id="{_e(clause_id)}"><td>{_e(clause.get("title"))} '
            f'<span class="area">{_e(clause.get("area"))}</span></td>'
            f'<td><span class="level level-{_slug(level)}">{_e(level)}</span></td>'
            f"<td>{_doc_cell(_map(clause.get('doc')))}</td>{''.join(cells)}</tr>"
        )
    if not clauses:
        rows.append(f'<tr><td colspan="{3 + len(keys)}">No clause was judged.</td></tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


def render_fleet(
    fleet: Mapping[str, Any], runs_by_target: Mapping[str, Sequence[Mapping[str, Any]]]
) -> str:
    """The page of a fleet (format webapi-contract/fleet/1: several targets, or several runs,
    merged): the overall status, what went wrong per target, the tenants x clauses matrix (since
    when a cell fails), a trend per target. runs_by_target: target key -> its history runs,
    oldest first."""
    documents = [_map(d) for d in _list(fleet.get("targets"))]
    keys: list[str] = []
    by_key: dict[str, Mapping[str, Any]] = {}
    for document in documents:
        key = target_key(document)
        if key not in by_key:
            keys.append(key)
        by_key[key] = document  # several runs of a target: the matrix is of the last
    for key in _map(_map(fleet.get("matrix")).get("verdicts")):
        if str(key) not in by_key:
            keys.append(str(key))
            by_key[str(key)] = {"target": {"key": str(key)}}
    runs = {key: runs_of_target(by_key[key], runs_by_target.get(key, [])) for key in keys}
    title = f"Contract conformance — {len(keys)} targets"
    parts = [
        "<!DOCTYPE html>\n",
        _HEAD,
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        _fleet_banner(fleet, documents),
        '<dl class="facts" id="facts">'
        + "".join(
            f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>"
            for name, value in (
                ("Targets", ", ".join(keys) or "none"),
                ("Merged", f"{_short_time(fleet.get('generated'))} UTC"),
                ("Exit status", fleet.get("exit_status")),
            )
        )
        + "</dl>",
        "<h2>Per target</h2>",
    ]
    for index, document in enumerate(documents):
        key = target_key(document)
        status = str(document.get("status") or "")
        wrong = _what_went_wrong(
            document, runs[key], element_id=f"what-went-wrong-{index}", heading="h4"
        )
        if not wrong and status != "could not run":  # its line said why it could not
            wrong = "<p>Nothing went wrong.</p>"
        parts.append(
            f'<section class="target" id="target-{index}" data-target="{_e(key)}">'
            f'<div class="target-head"><h3>{_e(key)}</h3><span class="verdict '
            f'{_status_class(status)}">{_e(status)}</span></div>{_run_line(document)}'
            f"{wrong}</section>"
        )
    parts += [
        "<h2>Tenants × clauses: which target breaks which clause, since when</h2>",
        _fleet_matrix(fleet, keys, by_key, runs),
        "<h2>Trend per target</h2>",
    ]
    for index, key in enumerate(keys):
        parts.append(
            f'<h3>{_e(key)}</h3><div class="chart" data-target="{_e(key)}">'
            f"{trend_svg(runs[key], height=160, element_id=f'trend-chart-{index}')}</div>"
        )
    parts += [f'<div class="legend">{_legend()}</div>', _FOOTER, "</main></body></html>\n"]
    return "".join(parts)
