"""The matrix collected by a whole run on the xdist controller."""

from __future__ import annotations

import json

from webapi_contract.reports.history import load

CLAUSES = """
from webapi_contract.contract import clause

@clause("reads <b>bold</b>", area="a", doc="superoffice-patch-contact.v1.md",
        quote="Update a ContactEntity")
def test_reads(api, verdict):
    verdict.status(api.get("Contact/0"), 404)

@clause("404 is 200 here", area="b", doc="superoffice-patch-contact.v1.md",
        quote="Update a ContactEntity")
def test_breaks(api, verdict):
    verdict.status(api.get("Contact/0"), 200)

def test_no_clause():
    pass
"""


def test_plugin_collects_the_matrix_on_the_xdist_controller(pytester):
    pytester.makepyfile(test_x=CLAUSES)
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess("-n", "2", f"--webapi-report-dir={out}")
    result.assert_outcomes(passed=2, failed=1)
    data = json.loads((out / "conformance.json").read_text())
    assert data["totals"]["clauses"] == 2
    assert data["totals"]["failed"] == 1
    assert data["areas"] == {
        "a": {"passed": 1, "failed": 0, "skipped": 0, "not_run": 0},
        "b": {"passed": 0, "failed": 1, "skipped": 0, "not_run": 0},
    }
    broken = next(c for c in data["clauses"] if c["verdict"] == "failed")
    assert broken["doc"]["file"] == "docs/vendor/superoffice-patch-contact.v1.md"
    # the page's public source (docs/vendor/sources.json), scrolled to the quoted line
    assert broken["doc"]["url"] == (
        "https://docs.superoffice.com/en/api/reference/restful/rest/Contact/"
        "v1ContactEntity_PatchContactEntity.html#:~:text=Update%20a%20ContactEntity"
    )
    assert broken["results"][0]["expected"] == "status 200"
    assert broken["results"][0]["received"] == "status 404"
    assert "Clause broken: 404 is 200 here" in broken["results"][0]["message"]
    assert [t["id"] for t in data["other_tests"]] == ["test_x.py::test_no_clause"]
    page = (out / "conformance.html").read_text()
    assert "reads &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page
    assert len(load(out / "history.jsonl")) == 1
