"""Where derived facts are cited from: the docs folder as the repository names it, and its lines."""

from __future__ import annotations

from pathlib import Path

from webapi_contract.derive.model import Source
from webapi_contract.derive.pages import PageError

__all__ = ["CITED_ROOT", "FACTS", "Lines", "read_lines"]

CITED_ROOT = "docs/vendor"  # sources cite pages by their path in the repository
FACTS = "reference/vendor-facts.md"


class Lines:
    """The lines of one doc file, and the cited name to give their sources."""

    def __init__(self, lines: list[str], file: str) -> None:
        self.lines = lines
        self.file = file

    def find(self, marker: str, start: int = 1) -> Source:
        """The first line at or after `start` (1-based) containing `marker`; PageError if none."""
        for number, text in enumerate(self.lines[start - 1 :], start):
            if marker in text:
                return Source(self.file, number)
        raise PageError(f"{self.file}: no line says {marker!r}")

    def text(self, source: Source) -> str:
        """The text of the line `source` points at."""
        return self.lines[source.line - 1]


def read_lines(docs: Path, name: str) -> Lines:
    """The lines of docs/<name>, cited as docs/vendor/<name>."""
    return Lines((docs / name).read_text(encoding="utf-8").splitlines(), f"{CITED_ROOT}/{name}")
