"""Doc links that survive upload: each doc page's public source, linked with the line quoted."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from support.doc_pages import PATCH_PAGE

from webapi_contract.contract.clauses import Citation
from webapi_contract.paths import docs_dir
from webapi_contract.reporting import doc_link
from webapi_contract.reports import docsources
from webapi_contract.reports.docsources import SourcesError, load_sources, quoted_link


def _pages() -> list[str]:
    folder = docs_dir()
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != docsources.SOURCES_FILE
    )


def test_every_doc_page_has_an_entry_and_every_entry_a_page():
    sources = load_sources()
    assert sorted(sources) == _pages()


def test_every_known_source_is_an_https_page_of_the_vendor():
    sources = load_sources()
    hosts = {urlsplit(s.url).hostname for s in sources.values() if s.url}
    assert hosts == {"docs.superoffice.com", "developers.odysseemobile.com"}
    for source in sources.values():
        assert source.title.strip()
        if source.url is None:
            assert len(source.reason or "") > 20, source  # why it has none
        else:
            assert source.url.startswith("https://")
    assert sources["superoffice-patch-contact.v1.md"].url == PATCH_PAGE
    seed_pages = [p for p in sources if "/" not in p]  # the pages the schemas are derived from
    assert all(sources[p].url for p in seed_pages)


@pytest.mark.parametrize(
    ("quote", "encoded"),
    [
        ("Update a ContactEntity", "Update%20a%20ContactEntity"),
        ("names are case-insensitive", "names%20are%20case%2Dinsensitive"),
        ("a & b, c", "a%20%26%20b%2C%20c"),
        ('"move" and "copy"', "%22move%22%20and%20%22copy%22"),
        ("`$select` **bold** <b>x</b>", "%24select%20bold%20x"),
        ("ÆØÅ ✓", "%C3%86%C3%98%C3%85%20%E2%9C%93"),
    ],
)
def test_text_fragment_encodes_the_quote(quote, encoded):
    fragment = docsources.text_fragment(quote)
    assert fragment == f":~:text={encoded}"
    value = fragment.removeprefix(":~:text=")
    for syntax in "-&,#":
        assert syntax not in value  # the directive's own syntax never appears literally


@pytest.mark.parametrize(
    "quote",
    [
        "PATCH /api/v1/Contact/{id}?$select=name,department,category/id",
        '"/users/0/email", "/users/-"',
        "Update aborted because ContactEntity has changed since the requested",
        "x" * 200,
        "word " * 40,
    ],
)
def test_text_fragment_round_trips_to_the_start_of_the_quote(quote):
    value = docsources.text_fragment(quote).removeprefix(":~:text=")
    decoded = unquote(value, errors="strict")
    plain = " ".join(quote.split())
    assert plain.startswith(decoded)
    assert 0 < len(decoded) <= docsources.FRAGMENT_CHARS
    if len(plain) > len(decoded) and " " in plain[: docsources.FRAGMENT_CHARS]:
        assert plain[len(decoded)] == " "  # cut between words: a text directive matches words


def test_doc_link_prefers_base_url_then_public_source_then_the_local_file():
    cited = Citation("docs/vendor/superoffice-patch-contact.v1.md", 14, "Update a ContactEntity")
    assert doc_link(cited, "https://git.example/blob/main/") == (
        "https://git.example/blob/main/docs/vendor/superoffice-patch-contact.v1.md#L14"
    )
    assert doc_link(cited, None) == f"{PATCH_PAGE}#:~:text=Update%20a%20ContactEntity"
    facts = Citation("docs/vendor/reference/vendor-facts.md", 13, "200 ContactEntityWithLinks")
    local = doc_link(facts, None)
    assert local.startswith("file://")
    assert local.endswith("/docs/vendor/reference/vendor-facts.md#L13")


def _write(folder: Path, data: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data)
    (folder / docsources.SOURCES_FILE).write_text(text, encoding="utf-8")
    return folder


GOOD = {"title": "t", "url": "https://vendor.example/page.html"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "not valid JSON"),
        ([], "expected an object"),
        ({"p.md": "https://x"}, "p.md: expected an object with url and title"),
        ({"p.md": {"url": "https://x"}}, "p.md: title must be a non-empty string"),
        ({"p.md": {"title": "t"}}, "p.md: url is missing"),
        ({"p.md": {"title": "t", "url": None}}, "p.md: url is null, so a reason is required"),
        ({"p.md": {**GOOD, "url": "http://x/p"}}, "p.md: url must be an https:// URL"),
        ({"p.md": {**GOOD, "url": "https://x/p#top"}}, "url must be an https:// URL without"),
        ({"p.md": {**GOOD, "link": "x"}}, "p.md: unknown field(s) link"),
        ({"../p.md": GOOD}, "'../p.md' is not a page path below the docs folder"),
        ({"/etc/p.md": GOOD}, "'/etc/p.md' is not a page path"),
    ],
)
def test_a_malformed_sources_file_is_one_clear_line(tmp_path, data, problem):
    folder = _write(tmp_path / "docs", data)
    with pytest.raises(SourcesError) as caught:
        load_sources(folder)
    message = str(caught.value)
    assert problem in message
    assert message.startswith(str(folder / docsources.SOURCES_FILE))
    assert "\n" not in message


def test_pages_without_a_sources_file_or_entry_have_no_public_link(tmp_path):
    assert load_sources(tmp_path) == {}
    assert quoted_link("p.md", "a quote", tmp_path) is None
    folder = _write(
        tmp_path / "docs",
        {"p.md": GOOD, "q.md": {"title": "q", "url": None, "reason": "unknown origin"}},
    )
    assert quoted_link("p.md", "a-b", folder) == "https://vendor.example/page.html#:~:text=a%2Db"
    assert quoted_link("p.md", None, folder) == "https://vendor.example/page.html"
    assert quoted_link("q.md", "a quote", folder) is None
    assert quoted_link("r.md", "a quote", folder) is None


def test_an_edited_sources_file_is_read_again(tmp_path):
    folder = _write(tmp_path / "docs", {"p.md": GOOD})
    assert load_sources(folder)["p.md"].url == GOOD["url"]
    other = {"p.md": {**GOOD, "url": "https://vendor.example/moved.html"}}
    path = _write(folder, other) / docsources.SOURCES_FILE
    stamp = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(stamp, stamp))
    assert load_sources(folder)["p.md"].url == "https://vendor.example/moved.html"
