"""The report page opens with what went wrong; the fleet page (several targets); curl lines."""

from __future__ import annotations

import html
import json
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import requests
from support import browser

from webapi_contract.client import CURL_BODY_LIMIT, Exchange, masker
from webapi_contract.config import Credential, Settings
from webapi_contract.contract import Clause, ContractViolation
from webapi_contract.contract.clauses import Citation
from webapi_contract.reporting import record_clause
from webapi_contract.reports import Collector
from webapi_contract.reports.html import render, render_fleet

DOC_URL = "https://docs.example/superoffice/patch-contact#L54"
CURL = "curl -X PATCH https://t.example/api/v1/Contact/5 -H 'Authorization: ***'"
FINDING = {
    "check": "status_code_conformance",
    "level": "must",
    "status": 500,
    "location": "/paths/~1Contact/get",
    "operation": "GET /Contact",
    "message": "Undocumented status 500",
    "curl": "curl -X GET https://t.example/api/v1/Contact",
}


def _clause(collector, name, outcome, *, level="must", target_word=""):
    properties = [
        ("clause", f"{name} title{target_word}"),
        ("clause_level", level),
        ("clause_area", "PATCH"),
        ("clause_doc", "docs/vendor/patch.md:54"),
        ("clause_quote", "Update a ContactEntity"),
        ("clause_url", DOC_URL),
    ]
    if outcome == "failed":
        properties += [
            ("clause_expected", f"{name}: status 200"),
            ("clause_received", f"{name}: status 404"),
            ("clause_curl", f"{CURL} # {name}"),
        ]
    collector.add(
        f"t.py::test_{name}",
        "call",
        outcome,
        message="Clause broken" if outcome == "failed" else None,
        properties=properties,
    )


def _run(verdicts, *, key="acme", started="2026-01-05T02:00:00Z", findings=(), message=None):
    """A run's conformance data: clauses name -> (outcome, level); generated findings."""
    collector = Collector()
    for name, (outcome, level) in verdicts.items():
        _clause(collector, name, outcome, level=level)
    if findings:
        collector.add(
            "t.py::test_generated[GET /Contact]",
            "call",
            "failed",
            message=message or "generated failure",
            properties=[("webapi_findings", json.dumps(list(findings)))],
            generated=True,
        )
    target = {"url": f"https://{key}.example/api/v1", "label": f"https://{key}.example/api/v1"}
    if key is not None:
        target["key"] = key
    failed = any(o == "failed" for o, _ in verdicts.values()) or bool(findings)
    return collector.build(target=target, started=started, duration=1.0, exit_status=int(failed))


def _history(key, verdicts_by_time):
    return [
        {
            "time": time,
            "target": key,
            "status": "failed" if "failed" in verdicts.values() else "passed",
            "passed": sum(v == "passed" for v in verdicts.values()),
            "failed": sum(v == "failed" for v in verdicts.values()),
            "clauses": {f"t.py::test_{n}": v for n, v in verdicts.items()},
        }
        for time, verdicts in verdicts_by_time
    ]


FAILING = {
    "fine": ("passed", "must"),
    "nice_to_have": ("failed", "should"),
    "documented": ("failed", "must"),
}


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


def test_the_page_opens_with_what_went_wrong_must_first_then_the_trend_and_matrix():
    data = _run(FAILING, findings=[FINDING])
    page = render(data, [])
    order = [
        page.index('id="status"'),
        page.index('id="what-went-wrong"'),
        page.index('id="trend-chart"'),
        page.index('id="areas"'),
        page.index('id="matrix"'),
    ]
    assert order == sorted(order)
    wrong = _section(page, "what-went-wrong")
    articles = re.findall(r'<article class="wrong-clause" data-clause-id="([^"]+)"', wrong)
    assert articles == ["t.py::test_documented", "t.py::test_nice_to_have"]
    assert "t.py::test_fine" not in wrong
    must = wrong[: wrong.index("t.py::test_nice_to_have")]
    assert "documented: status 200" in must
    assert "documented: status 404" in must
    assert f'<pre class="curl">{html.escape(CURL)} # documented</pre>' in must
    assert f'<a href="{DOC_URL}">docs/vendor/patch.md:54</a>' in must
    assert "Update a ContactEntity" in must
    assert "new failure in this run" in must
    # the grouped findings, rendered once, under what went wrong
    assert page.count('class="finding"') == 1
    assert "Undocumented status 500" in wrong
    assert html.escape(FINDING["curl"]) in wrong


def test_a_passing_run_has_no_what_went_wrong():
    data = _run({"fine": ("passed", "must"), "also": ("passed", "should")})
    page = render(data, [])
    assert "What went wrong" not in page
    assert 'class="wrong' not in page
    assert 'id="trend-chart"' in page


def test_the_trend_and_since_use_only_this_targets_runs():
    data = _run({"documented": ("failed", "must")}, key="acme")
    history = [
        *_history("acme", [("2026-01-01T02:00:00Z", {"documented": "passed"})]),
        *_history("globex", [("2026-01-02T02:00:00Z", {"documented": "failed"})]),
        *_history("acme", [("2026-01-03T02:00:00Z", {"documented": "failed"})]),
        *_history("globex", [("2026-01-04T02:00:00Z", {"documented": "failed"})]),
        *_history("acme", [("2026-01-05T02:00:00Z", {"documented": "failed"})]),
    ]
    page = render(data, history)
    assert page.count('<g class="run"') == 3
    assert "Trend over 3 run(s)" in page
    assert "failing since 2026-01-03 02:00 UTC (2 runs)" in page
    assert "2026-01-02" not in page
    assert "2026-01-04" not in page
    # no key (a run before targets had keys): its label picks the runs
    unkeyed = _run({"documented": ("failed", "must")}, key=None)
    label = unkeyed["target"]["label"]
    page = render(unkeyed, [*history, *_history(label, [("2026-01-06T00:00:00Z", {})])])
    assert page.count('<g class="run"') == 1


HOSTILE = '<script>alert("k")</script>'


def _fleet():
    """Three targets: clean, one must broken, one must and one should broken (one hostile key)."""
    clean = _run(
        {"a": ("passed", "must"), "b": ("passed", "must"), "c": ("passed", "should")}, key="clean"
    )
    one = _run(
        {"a": ("failed", "must"), "b": ("passed", "must"), "c": ("passed", "should")},
        key="one-fault",
    )
    two = _run(
        {"a": ("passed", "must"), "b": ("failed", "must"), "c": ("failed", "should")},
        key=HOSTILE,
        findings=[FINDING],
    )
    documents = sorted([clean, one, two], key=lambda d: d["target"]["key"])
    clauses = [
        {k: c[k] for k in ("id", "title", "area", "level", "doc")} for c in documents[0]["clauses"]
    ]
    verdicts = {
        d["target"]["key"]: {c["id"]: c["verdict"] for c in d["clauses"]} for d in documents
    }
    fleet = {
        "format": "webapi-contract/fleet/1",
        "status": "failed",
        "generated": "2026-01-05T03:00:00Z",
        "exit_status": 1,
        "targets": documents,
        "matrix": {"clauses": clauses, "verdicts": verdicts},
    }
    runs = {
        "clean": _history("clean", [("2026-01-05T02:00:00Z", {"a": "passed", "b": "passed"})]),
        "one-fault": _history(
            "one-fault",
            [
                ("2026-01-03T02:00:00Z", {"a": "passed"}),
                ("2026-01-04T02:00:00Z", {"a": "failed"}),
                ("2026-01-05T02:00:00Z", {"a": "failed"}),
            ],
        ),
        HOSTILE: [],  # no history: the run itself is when it started failing
    }
    return fleet, runs


CELL = re.compile(
    r'<td class="cell verdict-([\w-]+)" data-target="([^"]*)" data-clause-id="([^"]*)"'
)


def test_the_fleet_matrix_shows_each_targets_verdicts_and_since_when():
    fleet, runs = _fleet()
    page = render_fleet(fleet, runs)
    cells: dict[str, dict[str, str]] = {}
    for verdict, target, clause_id in CELL.findall(page):
        cells.setdefault(html.unescape(target), {})[html.unescape(clause_id)] = verdict
    assert cells == fleet["matrix"]["verdicts"]
    assert page.count('class="cell verdict-failed"') == 3
    assert "since 2026-01-04 02:00 UTC (2 runs)" in page
    assert "since 2026-01-05 02:00 UTC (1 run)" in page
    order = [
        page.index('id="status"'),
        page.index('id="what-went-wrong-0"'),
        page.index('id="fleet-matrix"'),
        page.index('id="trend-chart-0"'),
    ]
    assert order == sorted(order)
    assert 'data-status="failed"' in page
    assert "FAILED — 2 of 3 target run(s) failed" in page
    # per target, its own failures and only those
    for index, document in enumerate(fleet["targets"]):
        start = page.index(f'id="target-{index}"')
        end = page.find(f'id="target-{index + 1}"')
        block = page[start : end if end != -1 else page.index('id="fleet-matrix"')]
        failing = [c["id"] for c in document["clauses"] if c["verdict"] == "failed"]
        shown = re.findall(r'class="wrong-clause" data-clause-id="([^"]+)"', block)
        assert sorted(shown) == sorted(failing)
        if not failing:
            assert "Nothing went wrong." in block
    assert page.count('<svg id="trend-chart-') == 3


def test_every_text_of_both_pages_is_escaped():
    fleet, runs = _fleet()
    page = render_fleet(fleet, runs)
    assert "<script" not in page
    assert html.escape(HOSTILE) in page
    data = _run(
        {"x": ("failed", "must")},
        key=HOSTILE,
        findings=[FINDING],
        message='<img src=x onerror="alert(1)">',
    )
    data["clauses"][0]["title"] = "<b>title</b>"
    single = render(data, _history(HOSTILE, [("2026-01-04T00:00:00Z", {"x": "failed"})]))
    assert "<script" not in single
    assert "<img" not in single
    assert "<b>title" not in single
    assert html.escape(HOSTILE) in single
    assert single.count('<g class="run"') == 1  # the hostile key still picks its own runs


def _console(page: Path) -> tuple[str, list[str]]:
    """The DOM Chromium rendered and the console messages it logged."""
    done = browser._run(
        page, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000", "--dump-dom"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def test_both_pages_render_in_chromium_without_console_errors(tmp_path):
    fleet, runs = _fleet()
    single = tmp_path / "conformance.html"
    single.write_text(render(_run(FAILING, findings=[FINDING]), []), encoding="utf-8")
    merged = tmp_path / "fleet.html"
    merged.write_text(render_fleet(fleet, runs), encoding="utf-8")
    dom, console = _console(single)
    assert console == []
    assert dom.index('id="what-went-wrong"') < dom.index('id="trend-chart"')
    assert dom.count('class="wrong-clause"') == 2
    dom, console = _console(merged)
    assert console == []
    assert len(CELL.findall(dom)) == 9
    assert "alert(" not in dom.replace("&lt;script&gt;alert(", "")
    # the check can fail: the page's policy refuses anything fetched, and Chromium says so
    planted = tmp_path / "planted.html"
    planted.write_text(
        single.read_text().replace("<main>", '<main><img src="http://127.0.0.1:9/x.png">')
    )
    _, console = _console(planted)
    assert console, "a refused image left no console message"


def _response(status: int = 404) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = b'{"Error": "not found"}'
    return response


TICKET = "7T:dGlja2V0LXNlY3JldC1mb3ItdGVzdHM="


def _exchange(secrets, url_tail="Contact/5", body=None, headers=None):
    sent = {"Accept": "application/json", "Authorization": f"SOTicket {TICKET}"}
    return Exchange(
        method="PATCH",
        url=f"https://user:url-pass-9@t.example/api/v1/{url_tail}",
        request_headers={**sent, **(headers or {})},
        request_body=body,
        response=_response(),
        elapsed_ms=3.0,
        secrets=tuple(secrets),
    )


def _record(error, exchanges=(), failed=True):
    found = Clause("PATCH saves", "PATCH", Citation("docs/vendor/patch.md", 54, "Update"), True)
    item = SimpleNamespace(user_properties=[])
    report = SimpleNamespace(user_properties=[], failed=failed)
    call = SimpleNamespace(excinfo=SimpleNamespace(value=error) if error is not None else None)
    settings = Settings(
        base_url="https://t.example/api/v1",
        credentials=(Credential("SOTicket", f"SOTicket {TICKET}"),),
    )
    secrets = settings.secrets()
    record_clause(item, found, report, call, None, secrets, exchanges=exchanges)
    return dict(report.user_properties), secrets


def test_a_failed_clause_records_a_masked_curl_of_the_judged_exchange():
    secrets = [f"SOTicket {TICKET}", TICKET]
    echoed = _exchange(
        secrets,
        url_tail=f"Contact/5?ticket={TICKET}",
        body={"Name": "x", "Note": f"ticket is {TICKET}"},
        headers={"X-Echo": TICKET.lower()},
    )
    error = ContractViolation(None, "status 200", "status 404", echoed)
    properties, secrets = _record(error, exchanges=[_exchange(secrets, url_tail="Other/1")])
    curl = properties["clause_curl"]
    assert curl.startswith("curl -X PATCH 'https://t.example/api/v1/Contact/5?ticket=")
    assert "***" in curl
    record = json.dumps(properties)
    for form in masker(secrets).forms:
        assert form not in record, form
    assert "url-pass-9" not in record
    assert "Other/1" not in curl  # the judged exchange, not merely the last one


def test_without_a_judged_exchange_the_last_one_is_resent_and_a_pass_records_none():
    secrets = [TICKET]
    exchanges = [_exchange(secrets, url_tail="First/1"), _exchange(secrets, url_tail="Last/2")]
    properties, _ = _record(AssertionError("boom"), exchanges=exchanges)
    assert "/Last/2" in properties["clause_curl"]
    assert TICKET not in properties["clause_curl"]
    properties, _ = _record(None, exchanges=exchanges, failed=False)
    assert "clause_curl" not in properties
    properties, _ = _record(AssertionError("boom"))
    assert "clause_curl" not in properties


def test_as_curl_is_one_shell_command_that_resends_the_request():
    body = {"Name": "O'Brien & Sons", "Note": "x" * (CURL_BODY_LIMIT + 100)}
    exchange = _exchange(
        [], body=body, headers={"Content-Length": "9999", "Accept-Encoding": "gzip"}
    )
    command, _, note = exchange.as_curl().partition("  # ")
    words = shlex.split(command)
    assert words[:4] == ["curl", "-X", "PATCH", "https://t.example/api/v1/Contact/5"]
    assert "Accept: application/json" in words
    assert "--compressed" in words
    assert not any(w.lower().startswith("content-length") for w in words)
    sent = words[words.index("--data-raw") + 1]
    assert sent == json.dumps(body)[:CURL_BODY_LIMIT]
    assert note == f"body cut: first {CURL_BODY_LIMIT} of {len(json.dumps(body))} bytes"
    plain = _exchange([], body="a\nb 'c'").as_curl()
    assert shlex.split(plain)[-1] == "a\nb 'c'"
    get = Exchange("GET", "https://t.example/x", {}, None, _response(200), 1.0).as_curl()
    assert get == "curl https://t.example/x"
