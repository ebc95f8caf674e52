"""Media types: which representation a client accepts, and what a request body claims to be."""

from __future__ import annotations

from functools import lru_cache

__all__ = [
    "FORM",
    "JSON_CONTENT_TYPE",
    "JSON_PATCH",
    "MERGE_PATCH",
    "REQUEST_JSON_TYPES",
    "XML_TYPES",
    "media_type",
    "prefers_json",
    "response_type",
]

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
REQUEST_JSON_TYPES = frozenset({"application/json", "text/json", JSON_PATCH, MERGE_PATCH})
XML_TYPES = ("application/xml", "text/xml")
FORM = "application/x-www-form-urlencoded"
_JSON_TYPES = ("application/json", "text/json", JSON_PATCH, MERGE_PATCH)
_WILDCARDS = ("*/*", "application/*", "text/*")
_PLAIN_JSON = ("application/json", "text/json")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type value ('' when absent)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


@lru_cache(maxsize=256)
def response_type(accept: str | None) -> str | None:
    """The XML media type to answer with, or None for JSON (the default, also for the unknown).

    The highest-quality supported range wins; among equals, earlier wins. Unsupported types fall
    back to JSON rather than 406, as most ASP.NET services do.
    """
    if not accept:
        return None
    best: tuple[float, int, str | None] = (0.0, 0, None)
    for position, part in enumerate(accept.split(",")):
        kind, *params = (p.strip() for p in part.split(";"))
        kind = kind.lower()
        quality = _quality(params)
        if quality <= 0:
            continue
        if kind in XML_TYPES:
            choice: str | None = kind
        elif kind in _JSON_TYPES or kind in _WILDCARDS:
            choice = None
        else:
            continue
        if quality > best[0]:
            best = (quality, position, choice)
    return best[2]


def prefers_json(accept: str | None) -> bool:
    """Whether Accept names application/json or text/json, and ranks it above any HTML type
    (higher quality, or equal quality and earlier). Wildcards do not ask for JSON."""
    best_json = best_html = (0.0, 0)
    for position, part in enumerate((accept or "").split(",")):
        kind, *params = (p.strip() for p in part.split(";"))
        kind = kind.lower()
        rank = (_quality(params), -position)
        if rank[0] <= 0:
            continue
        if kind in _PLAIN_JSON:
            best_json = max(best_json, rank)
        elif kind in _HTML_TYPES:
            best_html = max(best_html, rank)
    return best_json[0] > 0 and best_json > best_html


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0
