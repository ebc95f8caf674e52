"""The conformance matrix: collection by the plugin (also under xdist), history, page, masking."""

from __future__ import annotations

import json

from webapi_contract.reports import Collector, publish, render_summary, scrub_text, scrub_tree
from webapi_contract.reports.conformance import NOT_RUN
from webapi_contract.reports.history import append, entry_from, failing_since, load
from webapi_contract.reports.html import render


def _data(verdicts: dict[str, str], readonly: bool = False) -> dict:
    """Conformance data of clauses with these outcomes; "skipped: reason" skips with a reason."""
    collector = Collector()
    for name, verdict in verdicts.items():
        outcome, _, reason = verdict.partition(": ")
        collector.add(
            f"t.py::{name}",
            "setup" if outcome == "skipped" else "call",
            outcome,
            message="boom" if outcome == "failed" else f"Skipped: {reason}" if reason else None,
            properties=[("clause", name), ("clause_area", "x"), ("clause_doc", "d.md:3")],
        )
    return collector.build(
        target={"url": "https://t.example/Cust1/api/v1", "label": "t"},
        started="2026-01-05T00:00:00Z",
        duration=1.5,
        exit_status=1 if "failed" in verdicts.values() else 0,
        readonly=readonly,
    )


READONLY_RUN = {
    "reads": "passed",
    "writes": "skipped: not run (read-only)",
    "needs a contact": "skipped: not run (read-only: name a contact with --readonly-contact-id)",
    "clock skew": "skipped: cannot form an If-Modified-Since date",
}


def test_what_readonly_did_not_run_is_not_run_never_passed_or_skipped():
    data = _data(READONLY_RUN, readonly=True)
    verdicts = {c["title"]: c["verdict"] for c in data["clauses"]}
    assert verdicts == {
        "reads": "passed",
        "writes": NOT_RUN,
        "needs a contact": NOT_RUN,
        "clock skew": "skipped",
    }
    totals = data["totals"]
    assert (totals["clauses"], totals["run"], totals["passed"], totals["failed"]) == (4, 1, 1, 0)
    assert (totals["not_run"], totals["skipped"], totals["tests_not_run"]) == (2, 1, 2)
    assert data["areas"] == {"x": {"passed": 1, "failed": 0, "skipped": 1, "not_run": 2}}
    assert data["status"] == "passed"
    summary = render_summary(data)
    assert "PASSED — 1 of 4 clauses ran: 1 passed, 0 failed" in summary
    assert "read-only 2 clauses not run (read-only), 1 skipped" in summary
    assert "1 of them: not run (read-only: name a contact with --readonly-contact-id)" in summary
    page = render(data, [entry_from(data)])
    assert page.count('class="clause verdict-not-run"') == 2
    assert 'data-verdict="not run (read-only)"' in page
    assert "PASSED — 1 of 1 clauses run passed; 2 not run (read-only)" in page
    assert '<div class="note">not run (read-only: name a contact' in page
    assert 'class="t-not-run"' in page
    assert entry_from(data)["not_run"] == 2


def test_a_clause_judged_only_in_part_under_readonly_is_not_a_pass():
    collector = Collector()
    for case, outcome in (("GET", "passed"), ("PATCH", "skipped")):
        collector.add(
            f"t.py::test_routes[{case}]",
            "call" if outcome == "passed" else "setup",
            outcome,
            message=None if outcome == "passed" else "Skipped: not run (read-only)",
            properties=[("clause", "routes"), ("clause_area", "x"), ("clause_doc", "d.md:3")],
        )
    data = collector.build(target={}, started="t", duration=0.1, exit_status=0, readonly=True)
    (clause,) = data["clauses"]
    assert clause["verdict"] == NOT_RUN
    assert clause["cases"] == {"passed": 1, "failed": 0, "skipped": 0, "not_run": 1}
    assert data["totals"]["passed"] == 0


def test_a_readonly_run_neither_breaks_nor_extends_a_failing_streak():
    runs = [
        {"time": "t0", "clauses": {"c": "passed"}},
        {"time": "t1", "clauses": {"c": "failed"}},
        {"time": "t2", "clauses": {"c": NOT_RUN}},
        {"time": "t3", "clauses": {"c": "failed"}},
    ]
    assert failing_since(runs, "c") == ("t1", 2)


def test_history_is_bounded_and_says_since_when_a_clause_fails(tmp_path):
    path = tmp_path / "history.jsonl"
    for n in range(5):
        append(path, {"time": f"t{n}", "clauses": {"c": "passed" if n < 2 else "failed"}}, keep=4)
    runs = load(path)
    assert [r["time"] for r in runs] == ["t1", "t2", "t3", "t4"]
    assert failing_since(runs, "c") == ("t2", 3)
    assert failing_since(runs, "other") == (None, 0)


def test_page_charts_every_run_and_marks_the_new_failure(tmp_path):
    publish(tmp_path, _data({"one": "passed", "two": "passed"}))
    runs = publish(tmp_path, _data({"one": "passed", "two": "failed"}))
    assert len(runs) == 2
    page = (tmp_path / "conformance.html").read_text()
    assert page.count('<g class="run"') == 2
    assert 'data-verdict="failed"' in page
    assert "new failure in this run" in page
    assert "<script" not in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    summary = render_summary(json.loads((tmp_path / "conformance.json").read_text()))
    assert "FAILED — 1 of 2 clauses passed, 1 failed" in summary
    assert "x [must] two [d.md:3]" in summary
    assert len(summary.splitlines()) < 30


def test_page_escapes_every_text():
    data = _data({"<img src=x onerror=alert(1)>": "failed"})
    page = render(data, [])
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_scrub_masks_headers_fields_and_cut_short_secrets():
    secret = "Basic dXNlcjpodW50ZXIyLWxvbmctc2VjcmV0"
    text = (
        "Authorization: Basic abc\n"
        "curl -H 'Cookie: a=b' -d 'password=hunter2&x=1'\n"
        '{"e_password": "hunter2", "Name": "ok"}\n'
        "<Password>hunter2</Password>\n"
        f"assert '{secret[:12]}...{secret[-12:]}' == 'x'"
    )
    clean = scrub_text(text, [secret])
    assert "hunter2" not in clean
    assert "abc" not in clean
    assert "a=b" not in clean
    assert secret[:12] not in clean
    assert secret[-12:] not in clean
    assert '"Name": "ok"' in clean


def test_secret_looking_fields_are_masked_in_any_letter_case_re_folds():
    """The fields are found in any letter case, as `re` folds it (the long s "ſ" is an "s", the
    Kelvin sign "K" a "k"); each text alone holds one field (so a quicker look for the field
    words, e.g. in text.lower(), would miss the folded ones)."""
    texts = [
        '{"PaSsWoRd": "v1"}',
        '{"pa\u017f\u017fword": "v2"}',
        '{"TIC\u212aET": "v3"}',
        "<x:SeCrEt>v4</x:SeCrEt>",
        "AuthToken='v5'",
        "db_PASSWD=v6&x=1",
    ]
    for n, text in enumerate(texts, 1):
        assert f"v{n}" not in scrub_text(text), text
    assert scrub_text("db_PASSWD=v6&x=1").endswith("&x=1")
    plain = '{"Name": "Acme", "Phone": "123"}'
    assert scrub_text(plain) == plain


def test_scrub_tree_replaces_secrets_however_they_are_escaped(tmp_path):
    secret = 'p"w&<secret>'
    (tmp_path / "a.json").write_text(json.dumps({"v": secret}))
    (tmp_path / "b.xml").write_text("<x v='p&quot;w&amp;&lt;secret&gt;'/>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text(f"raw {secret}")
    changed = scrub_tree(tmp_path, [secret])
    assert len(changed) == 3
    for path in changed:
        assert "secret" not in path.read_text()


def test_settings_know_the_clear_basic_password_and_url_password():
    from webapi_contract.config import Settings, basic

    settings = Settings(
        base_url="https://user:url-pass-1@t.example/api/v1",
        credentials=(basic("someone", "clear-pass-1"),),
    )
    assert "clear-pass-1" in settings.secrets()
    assert "url-pass-1" in settings.secrets()
