"""The neutral model of one documented endpoint, independent of the page format it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Endpoint", "Field", "Row", "Sample", "Source", "Table"]


@dataclass(frozen=True, order=True)
class Source:
    """A place in a doc page: repo-relative file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Row:
    """One table row as text cells, with the line it starts on."""

    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Table:
    """One table: its column titles, rows, and the section heading above it."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    heading: str
    line: int


@dataclass
class Field:
    """One documented name: a parameter, header or body property."""

    name: str
    type: str
    description: str
    source: Source
    required: bool = False
    max_length: int | None = None
    one_of_required: tuple[str, ...] = ()


@dataclass
class Sample:
    """A sample body from the page, parsed as JSON, with where each key appears."""

    kind: str  # "request" or "response"
    body: Any
    source: Source
    key_lines: dict[tuple[str, ...], int] = field(default_factory=dict)


@dataclass
class Endpoint:
    """What one doc page says about one endpoint."""

    file: str
    method: str
    route: str
    summary: str = ""
    line: int = 1  # where the page states the method and route
    path_params: list[Field] = field(default_factory=list)
    query_params: list[Field] = field(default_factory=list)
    headers: list[Field] = field(default_factory=list)
    request_body: list[Field] = field(default_factory=list)
    request_body_name: str = ""
    responses: dict[str, str] = field(default_factory=dict)
    response_body: list[Field] = field(default_factory=list)
    response_body_name: str = ""
    samples: list[Sample] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def sample(self, kind: str) -> Sample | None:
        """The first sample of a kind ("request" or "response"), if the page has one."""
        return next((s for s in self.samples if s.kind == kind), None)
