"""Table rows to fields: plain column tables, and help-page rows whose cells are not aligned."""

from __future__ import annotations

import re

from webapi_contract.derive.model import Field, Row, Source, Table

__all__ = ["field_of", "fields_of"]

_MAX_LENGTH = re.compile(r"Max length:\s*(\d+)", re.IGNORECASE)
_ONE_OF = re.compile(r"Optionally required\s*:\s*(.+?)\s+must be provided", re.IGNORECASE)
_REQUIRED = re.compile(r"(?<!Optionally )\bRequired\b")
_ADDITIONAL = re.compile(r"^(Required|Max length|Optionally required|Range|Matching)\b", re.I)
# Type names an ASP.NET help page prints; an embedded entity's type is its own lower-case name.
_HELP_TYPES = re.compile(
    r"^(globally unique identifier|string|boolean|date|integer|decimal number|"
    r"Collection of .+|[a-z][a-z_]*)$"
)


def _column(columns: tuple[str, ...], title: str) -> int | None:
    lowered = [c.lower() for c in columns]
    return lowered.index(title.lower()) if title.lower() in lowered else None


def _additional(field: Field, text: str) -> None:
    if match := _MAX_LENGTH.search(text):
        field.max_length = int(match.group(1))
    if match := _ONE_OF.search(text):
        names = re.split(r"\s*,\s*|\s+or\s+", match.group(1))
        field.one_of_required = tuple(n for n in names if n)
    elif _REQUIRED.search(text):
        field.required = True


def _help_row(row: Row, source: Source) -> Field:
    """A help-page row: name first, then description/type/additional info in any collapsed mix."""
    name, *rest = row.cells
    rest = [c for c in rest if c]
    extra = [c for c in rest if _ADDITIONAL.match(c)]
    plain = [c for c in rest if not _ADDITIONAL.match(c)]
    kind = ""
    if len(plain) >= 2 or (plain and _HELP_TYPES.match(plain[-1])):
        kind = plain.pop()
    field = Field(name, kind, " ".join(plain), source)
    _additional(field, " ".join(extra))
    return field


def field_of(table: Table, row: Row, file: str) -> Field:
    """The field one row documents."""
    source = Source(file, row.line)
    if _column(table.columns, "Additional information") is not None:
        return _help_row(row, source)
    cells = row.cells
    kind_at = _column(table.columns, "Type")
    text_at = _column(table.columns, "Description")
    kind = cells[kind_at] if kind_at is not None and kind_at < len(cells) else ""
    text = cells[text_at] if text_at is not None and text_at < len(cells) else ""
    field = Field(cells[0], kind, text, source)
    if "**Required**" in text or text.rstrip(". ").endswith("Required"):
        field.required = True
    return field


def fields_of(table: Table, file: str) -> list[Field]:
    """Every field of a table, in row order."""
    return [field_of(table, row, file) for row in table.rows]
