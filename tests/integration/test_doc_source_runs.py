"""Whole runs linking the vendor's public pages: conformance.json, --doc-base-url, a malformed
sources file."""

from __future__ import annotations

import json
import shutil

import pytest
from support.doc_pages import PATCH_PAGE

from webapi_contract.paths import docs_dir
from webapi_contract.reports import docsources

CLAUSES = """
from webapi_contract.contract import clause

@clause("a missing id is 404", area="a", doc="superoffice-patch-contact.v1.md",
        quote="ContactEntity with given id does not exist in the db.")
def test_public(api, verdict):
    verdict.status(api.get("Contact/0"), 404)

@clause("a missing id is 404, said the digest", area="b", doc="reference/vendor-facts.md",
        quote="Contact id 99999 not found")
def test_local(api, verdict):
    verdict.status(api.get("Contact/0"), 404)
"""


def _run_with_report(pytester, *extra: str) -> dict:
    pytester.makepyfile(test_x=CLAUSES)
    out = pytester.path / "out"
    result = pytester.runpytest_inprocess(
        f"--webapi-report-dir={out}", "-p", "no:cacheprovider", *extra
    )
    result.assert_outcomes(passed=2)
    data = json.loads((out / "conformance.json").read_text())
    return {c["title"]: c["doc"] for c in data["clauses"]}


def test_conformance_json_links_the_public_page_when_its_source_is_known(pytester):
    docs = _run_with_report(pytester)
    public = docs["a missing id is 404"]
    assert public["url"] == (
        f"{PATCH_PAGE}#:~:text=ContactEntity%20with%20given%20id%20does%20not%20exist%20in"
        "%20the%20db%2E"
    )
    assert str(docs_dir()) not in public["url"]
    # No known source: the local page, relative to the report folder (as before).
    local = docs["a missing id is 404, said the digest"]
    assert not local["url"].startswith(("/", "file:", "https:"))
    assert local["url"].endswith(f"reference/vendor-facts.md#L{local['line']}")


def test_doc_base_url_still_wins(pytester):
    docs = _run_with_report(pytester, "--webapi-doc-base-url=https://git.example/blob/main")
    for doc in docs.values():
        assert doc["url"] == f"https://git.example/blob/main/{doc['file']}#L{doc['line']}"


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_a_malformed_sources_file_stops_the_run_with_one_line(
    pytester, tmp_path, monkeypatch, workers
):
    copy = tmp_path / "docs"
    shutil.copytree(docs_dir(), copy)
    (copy / docsources.SOURCES_FILE).write_text('{"superoffice-patch-contact.v1.md": {}}')
    monkeypatch.setenv("WEBAPI_DOCS_DIR", str(copy))
    pytester.makepyfile(test_x=CLAUSES)
    result = pytester.runpytest_subprocess(*workers, f"--webapi-report-dir={pytester.path / 'out'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "superoffice-patch-contact.v1.md: title must be a non-empty string" in err
    assert "Traceback" not in err + result.stdout.str()
