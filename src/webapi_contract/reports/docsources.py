"""Where each vendor doc page was taken from, and links to a quoted line of its public page.

docs/vendor/sources.json maps a page (its path below docs/vendor) to the vendor's public page it
was taken from: {"url": "https://…" or null, "title": "…", "reason": why no url, "note": "…"}.
A report then links a cited line there, with a text fragment quoting the line (URL Fragment Text
Directives, https://wicg.github.io/scroll-to-text-fragment/), so the link survives the report's
upload as a CI artefact. A page without a known source keeps its local link.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from webapi_contract.paths import docs_dir

__all__ = [
    "SOURCES_FILE",
    "Source",
    "SourcesError",
    "load_sources",
    "quoted_link",
    "text_fragment",
]

SOURCES_FILE = "sources.json"
# How much of a quote the fragment carries: enough to find the line, short enough that a later
# edit of the vendor's page further along the line still matches.
FRAGMENT_CHARS = 80
_FIELDS = frozenset({"url", "title", "reason", "note"})
_MARKUP = re.compile(r"[*`]|<[^>]+>")


class SourcesError(ValueError):
    """docs/vendor/sources.json is malformed."""


@dataclass(frozen=True)
class Source:
    """The public origin of one doc page (url None: not established, see reason)."""

    page: str
    title: str
    url: str | None
    reason: str | None = None


def _entry(where: str, page: Any, value: Any) -> Source:
    if not isinstance(page, str) or not page or PurePosixPath(page).is_absolute():
        raise SourcesError(f"{where}: {page!r} is not a page path below the docs folder")
    if ".." in PurePosixPath(page).parts or "\\" in page:
        raise SourcesError(f"{where}: {page!r} is not a page path below the docs folder")
    if not isinstance(value, dict):
        raise SourcesError(f"{where}: {page}: expected an object with url and title")
    unknown = sorted(set(value) - _FIELDS)
    if unknown:
        raise SourcesError(f"{where}: {page}: unknown field(s) {', '.join(unknown)}")
    title, url, reason = value.get("title"), value.get("url", ...), value.get("reason")
    if not isinstance(title, str) or not title.strip():
        raise SourcesError(f"{where}: {page}: title must be a non-empty string")
    if url is ...:
        raise SourcesError(f"{where}: {page}: url is missing (null, with a reason, if unknown)")
    if url is None:
        if not isinstance(reason, str) or not reason.strip():
            raise SourcesError(f"{where}: {page}: url is null, so a reason is required")
        return Source(page, title, None, reason)
    if not isinstance(url, str) or not re.fullmatch(r"https://[^\s#]+", url):
        raise SourcesError(f"{where}: {page}: url must be an https:// URL without a fragment")
    if not isinstance(reason, str | None) or not isinstance(value.get("note", ""), str):
        raise SourcesError(f"{where}: {page}: reason and note must be strings")
    return Source(page, title, url, None)


@cache
def _load(path: str, _stamp: int) -> dict[str, Source]:
    where = path
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{where}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise SourcesError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise SourcesError(f"{where}: expected an object of page -> {{url, title}}")
    return {page: _entry(where, page, value) for page, value in data.items()}


def load_sources(folder: Path | None = None) -> dict[str, Source]:
    """The sources of the doc pages in folder (default: docs_dir()); {} without sources.json.

    Raises SourcesError, one line naming the file and the entry, when the file is malformed.
    """
    path = (folder if folder is not None else docs_dir()) / SOURCES_FILE
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return _load(str(path), stamp)


def _encode(text: str) -> str:
    """Percent-encode every byte but ASCII letters and digits: '-', '&' and ',' are the text
    directive's own syntax, so they must never appear literally."""
    return "".join(
        chr(byte) if chr(byte).isascii() and chr(byte).isalnum() else f"%{byte:02X}"
        for byte in text.encode("utf-8")
    )


def _start_of(quote: str) -> str:
    """The quote as a page shows it (no Markdown emphasis or tags), cut to whole words."""
    text = " ".join(_MARKUP.sub("", quote).split())
    if len(text) <= FRAGMENT_CHARS:
        return text
    head = text[: FRAGMENT_CHARS + 1]
    return head.rsplit(" ", 1)[0] if " " in head else head[:FRAGMENT_CHARS]


def text_fragment(quote: str) -> str:
    """The fragment directive that scrolls to (and highlights) the start of quote."""
    return f":~:text={_encode(_start_of(quote))}"


def quoted_link(page: str, quote: str | None, folder: Path | None = None) -> str | None:
    """The public URL of page with a text fragment quoting quote; None when the page's source
    is unknown (the caller links the local page instead)."""
    source = load_sources(folder).get(page)
    if source is None or source.url is None:
        return None
    if not quote or not _start_of(quote):
        return source.url
    return f"{source.url}#{text_fragment(quote)}"
