"""One doc page (Markdown, scraped text or ASP.NET help page) to the neutral endpoint model."""

from __future__ import annotations

import re
from pathlib import Path

from webapi_contract.derive.fields import fields_of
from webapi_contract.derive.infer import infer_blank_names
from webapi_contract.derive.model import Endpoint, Table
from webapi_contract.derive.samples import find_samples
from webapi_contract.derive.tables import heading_of, pipe_tables, whitespace_tables

__all__ = ["PageError", "parse_page", "parse_text"]

_ROUTE = re.compile(r"^\s*(GET|POST|PUT|PATCH|DELETE)\s+(/?[\w{}()$/.\-]+)(\?\S*)?\s*$")
_NOTE = re.compile(r"\b([A-Z][A-Za-z]+ threshold):\s*(\d+\s*ms)")
_HELP_PAGE = re.compile(r"^(Request Information|URI Parameters|Body Parameters)\b", re.M)


class PageError(ValueError):
    """A page the deriver cannot read as an endpoint; the message names the file."""


def _route(lines: list[str]) -> tuple[str, str, int] | None:
    """The first `METHOD /route` line; a route without its leading slash only as a last resort."""
    found = [(m, i) for i, line in enumerate(lines) if (m := _ROUTE.match(line))]
    best = next(((m, i) for m, i in found if m.group(2).startswith("/")), None)
    if best is None and found:
        best = found[0]
    return (best[0].group(1), best[0].group(2), best[1]) if best else None


def _summary(lines: list[str], after: int) -> str:
    for line in lines[after + 1 :]:
        text = line.strip()
        if text and not text.startswith(("`", "#", "•", "|")) and heading_of(text) is None:
            return text
    return ""


def _place(endpoint: Endpoint, table: Table) -> None:
    """Put a table's fields where its heading and columns say they belong."""
    heading = table.heading.lower()
    first = table.columns[0].lower() if table.columns else ""
    fields, warnings = fields_of(table, endpoint.file)
    endpoint.warnings.extend(warnings)
    if first == "path part" or heading.startswith("uri parameters"):
        endpoint.path_params.extend(fields)
    elif heading.startswith("query string"):
        endpoint.query_params.extend(fields)
    elif heading.startswith("request headers"):
        endpoint.headers.extend(fields)
    elif first == "response":
        endpoint.responses.update({f.name: f.description for f in fields})
    elif heading.startswith(("request body", "body parameters")):
        endpoint.request_body.extend(fields)
        endpoint.request_body_name = table.heading.split(":", 1)[-1].strip()
    elif heading.startswith("response body"):
        endpoint.response_body.extend(fields)
        endpoint.response_body_name = table.heading.split(":", 1)[-1].strip()
    else:
        endpoint.warnings.append(f"{endpoint.file}:{table.line}: table under {heading!r} ignored")


def parse_text(
    text: str, file: str, method: str | None = None, route: str | None = None
) -> Endpoint:
    """The endpoint a page documents; method/route fill in when the page itself omits them."""
    lines = text.splitlines()
    found = _route(lines)
    help_page = _HELP_PAGE.search(text) is not None
    if found is not None:
        method, route, at = found
    elif help_page and method and route:
        at = -1  # the page states no route; the caller's stands in
    else:
        raise PageError(f"{file}: no recognisable endpoint (no 'METHOD /route' line)")
    summary = _summary(lines, at)
    endpoint = Endpoint(file=file, method=method, route=route, summary=summary, line=max(at + 1, 1))
    tables = sorted(pipe_tables(lines) + whitespace_tables(lines), key=lambda t: t.line)
    for table in tables:
        _place(endpoint, table)
    if not (tables or help_page):
        raise PageError(f"{file}: no recognisable endpoint (no parameter or body tables)")
    endpoint.samples, warnings = find_samples(lines, file)
    endpoint.warnings.extend(warnings)
    endpoint.notes.update(dict(_NOTE.findall(text)))
    infer_blank_names(endpoint)
    return endpoint


def parse_page(
    path: Path, file: str | None = None, method: str | None = None, route: str | None = None
) -> Endpoint:
    """Parse the page at path; `file` is the name cited in sources (default: the path)."""
    text = path.read_text(encoding="utf-8")
    return parse_text(text, file or path.as_posix(), method, route)
