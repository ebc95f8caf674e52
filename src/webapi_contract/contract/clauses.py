"""A clause is one documented behaviour; it cites the doc line it enforces."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import pytest

from webapi_contract.paths import docs_dir

__all__ = ["LEVELS", "MUST", "SHOULD", "Citation", "Clause", "cite", "clause"]

# What a clause's failure means. `must`: the vendor's pages document the behaviour; a failure
# fails the run. `should`: good practice the pages do not promise (no 5xx on bad input, latency
# under NsApiSlow, …); reported with the same detail, but fails the run only under --strict.
MUST = "must"
SHOULD = "should"
LEVELS = (MUST, SHOULD)

F = TypeVar("F", bound=Callable[..., object])
_MARKUP = re.compile(r"[*`]|<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Citation:
    """A line of a vendor doc page: its repo-relative file, 1-based line and quoted text."""

    file: str
    line: int
    quote: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Clause:
    """One documented behaviour the suite enforces."""

    title: str
    area: str
    citation: Citation
    mutating: bool
    level: str = MUST


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", _MARKUP.sub("", text)).strip().lower()


@cache
def _lines(doc: str) -> tuple[str, ...]:
    path = docs_dir() / doc
    if not path.is_file():
        raise LookupError(f"cited doc page {doc!r} does not exist in {docs_dir()}")
    return tuple(_normalise(line) for line in path.read_text(encoding="utf-8").splitlines())


def cite(doc: str, quote: str) -> Citation:
    """The first line of docs/vendor/<doc> that contains quote (markup and spacing ignored)."""
    wanted = _normalise(quote)
    for number, line in enumerate(_lines(doc), start=1):
        if wanted in line:
            return Citation(f"docs/vendor/{doc}", number, quote)
    raise LookupError(f"{doc} no longer says {quote!r}: the clause citing it must be revisited")


def clause(
    title: str,
    *,
    area: str,
    doc: str,
    quote: str,
    mutating: bool = False,
    level: str = MUST,
) -> Callable[[F], F]:
    """Mark a test as the clause `title`, citing the doc line that contains `quote`; `level` is
    `must` when that line documents the behaviour, `should` when it only motivates it."""
    if level not in LEVELS:
        raise ValueError(f"clause {title!r}: level must be one of {LEVELS}, got {level!r}")
    found = Clause(
        title=title, area=area, citation=cite(doc, quote), mutating=mutating, level=level
    )

    def decorate(function: F) -> F:
        marked = pytest.mark.clause(found)(function)
        if mutating:
            marked = pytest.mark.mutating(marked)
        return marked  # type: ignore[no-any-return]

    return decorate
