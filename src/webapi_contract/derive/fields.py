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


# A field name: a property, parameter or header name, or a status code. Empty is allowed here:
# infer.py names a help-page row whose name cell is blank from the sample bodies.
_FIELD_NAME = re.compile(r"^[\w$@.\-]*$")


def _repaired(table: Table, row: Row) -> Row | None:
    """The row with its first cell split at the first space, when a `|` is evidently missing
    there (`| OrgNr string | VAT number |` under Name | Type | Description); else None."""
    if not row.cells or len(row.cells) != len(table.columns) - 1:
        return None
    head, _, rest = row.cells[0].partition(" ")
    if not head or not _FIELD_NAME.match(head):
        return None
    return Row((head, rest.strip(), *row.cells[1:]), row.line)


def fields_of(table: Table, file: str) -> tuple[list[Field], list[str]]:
    """Every field of a table, in row order, and warnings about rows that were not plain.

    A row whose name is no name (it has spaces: a `|` is missing) is repaired when the missing
    `|` is evidently after the first word, and skipped otherwise; either way with a warning, so
    a garbled property never reaches the schemas silently.
    """
    fields: list[Field] = []
    warnings: list[str] = []
    help_table = _column(table.columns, "Additional information") is not None
    for row in table.rows:
        name = row.cells[0] if row.cells else ""
        if not _FIELD_NAME.match(name):
            repaired = None if help_table else _repaired(table, row)
            if repaired is None:
                warnings.append(
                    f"{file}:{row.line}: row skipped: {name!r} is not a name "
                    "(a '|' missing in the table row?)"
                )
                continue
            warnings.append(
                f"{file}:{row.line}: {name!r} read as {repaired.cells[0]!r} | "
                f"{repaired.cells[1]!r} (a '|' missing between them)"
            )
            row = repaired
        fields.append(field_of(table, row, file))
    return fields, warnings
