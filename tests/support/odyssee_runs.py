"""Run the webapi-contract command line in its own process; the Odyssee mock those runs target."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from webapi_contract.mock import MockCredentials, MockServer


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
    clean["WEBAPI_GENERATED_EXAMPLES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "webapi_contract", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def odyssee():
    with MockServer(vendor="odyssee", credentials=MockCredentials.generate()) as server:
        yield server
