"""Helpers of the merge tests: merge run directories, and what a merged run found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webapi_contract.cli import main

# Keys of a run document that say when it ran, not what it found.
TIMING = ("started", "finished", "duration_s", "run", "history")


def _merge(capsys, *args: Path | str) -> tuple[int, str, str]:
    code = main(["merge", *map(str, args)])
    said = capsys.readouterr()
    return code, said.out, said.err


def _what_it_found(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in TIMING}
