"""Tables found in page text: pipe tables (one line or many per row) and whitespace tables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from webapi_contract.derive.model import Row, Table

__all__ = ["COLUMN_TITLES", "heading_of", "pipe_tables", "whitespace_tables"]

# Column titles the vendors' doc generators use; a pipe-less header line is made only of these.
COLUMN_TITLES = (
    "Additional information",
    "Parameter Name",
    "Property Name",
    "Path Part",
    "Description",
    "Response",
    "Name",
    "Type",
)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SECTION = re.compile(
    r"^(#+\s*)?(Request Body|Response body|Request Headers|Query String Parameters|Response"
    r"|URI Parameters|Body Parameters|Request Formats|Response Formats|Path Part|Sample request"
    r"|Sample response)\b",
    re.IGNORECASE,
)


def heading_of(line: str) -> str | None:
    """The section title a line announces (without `#` marks or a trailing colon), else None."""
    text = line.strip()
    if text.startswith("#"):
        return text.lstrip("#").strip().rstrip(":").strip()
    if _SECTION.match(text) and len(text) < 80 and "|" not in text:
        return text.rstrip(":").strip()
    return None


def _split(line: str) -> list[str]:
    """Cells of one line of a pipe table, without the empty piece after a closing pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    pieces = text.split("|")
    if pieces and not pieces[-1].strip():
        pieces = pieces[:-1]
    return [p.strip() for p in pieces]


def _close(rows: list[Row], cells: list[str], line: int, width: int) -> None:
    if not any(cells):
        return
    if len(cells) > width:
        cells = [*cells[: width - 1], " | ".join(cells[width - 1 :])]
    rows.append(Row(tuple(cells), line))


def pipe_tables(lines: Sequence[str]) -> list[Table]:
    """Every pipe table: a header line, a `|---|` line, then rows that may span several lines."""
    tables: list[Table] = []
    heading = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading_of(line)
        if title is not None:
            heading = title
        is_header = "|" in line and index + 1 < len(lines) and _SEPARATOR.match(lines[index + 1])
        if not is_header:
            index += 1
            continue
        label, _, rest = line.partition("|")
        columns = tuple(_split("|" + rest))
        table_heading = f"{heading}: {label.strip()}" if label.strip() else heading
        rows: list[Row] = []
        cells: list[str] = []
        start = 0
        index += 2
        while index < len(lines) and "|" in lines[index] and not _SEPARATOR.match(lines[index]):
            text = lines[index].strip()
            if index + 1 < len(lines) and _SEPARATOR.match(lines[index + 1]):
                break  # the next table's header
            pieces = _split(text)
            first = pieces[0] if pieces else ""
            if text.startswith("|") and (first or len(cells) >= len(columns) or not cells):
                _close(rows, cells, start, len(columns))
                cells, start = [], index + 1
            cells.extend(pieces if pieces else [""])
            index += 1
        _close(rows, cells, start, len(columns))
        tables.append(Table(columns, tuple(rows), table_heading, index))
    return tables


def _titles(line: str) -> tuple[str, ...] | None:
    """The column titles a pipe-less header line is made of, or None when it is not one."""
    text = " ".join(line.split())
    found: list[str] = []
    while text:
        title = next((t for t in COLUMN_TITLES if text == t or text.startswith(t + " ")), None)
        if title is None:
            return None
        found.append(title)
        text = text[len(title) :].strip()
    return tuple(found) if len(found) >= 2 else None


_NAME = re.compile(r"^[\w$@.\-]+$")


def whitespace_tables(lines: Sequence[str]) -> list[Table]:
    """Tables whose rows are whitespace-separated: one token per column, the last takes the rest."""
    tables: list[Table] = []
    heading = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        title = heading_of(line)
        columns = _titles(line) if "|" not in line else None
        if columns is None:
            if title is not None:
                heading = title
            index += 1
            continue
        header_line = index + 1
        rows: list[Row] = []
        index += 1
        while index < len(lines) and lines[index].strip() and heading_of(lines[index]) is None:
            tokens = lines[index].split(None, len(columns) - 1)
            if len(tokens) >= len(columns) - 1 and _NAME.match(tokens[0]):
                tokens += [""] * (len(columns) - len(tokens))
                rows.append(Row(tuple(tokens), index + 1))
            index += 1
        tables.append(Table(columns, tuple(rows), heading, header_line))
    return tables
