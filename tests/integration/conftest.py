"""Integration tests of the harness: each runs a whole suite (in-process under pytester, or as
a `webapi-contract` command), a server process or an installed wheel, against loopback servers
it started (often behind a proxy doing what a conformant or a broken tenant does).

Every test here is marked `slow`; `make quick` (`pytest tests/unit`) leaves them out, `make test`
runs them under xdist."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)
