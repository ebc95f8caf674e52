"""Headless Chromium (Debian's `chromium` package) for rendering report pages in tests.

No browser is downloaded: the tests use /usr/bin/chromium (or `chromium` on PATH, or
$WEBAPI_CHROMIUM). Without one they skip, unless WEBAPI_REQUIRE_BROWSER=1 (as in CI), when they
fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

TIMEOUT = 120
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    """The Chromium executable, or skip (fail when WEBAPI_REQUIRE_BROWSER=1)."""
    for candidate in (os.environ.get("WEBAPI_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "no Chromium (apt-get install -y --no-install-recommends chromium)"
    if os.environ.get("WEBAPI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message}, and WEBAPI_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(message)


def _run(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="webapi-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def dump_dom(page: Path, budget_ms: int = 3000) -> str:
    """The DOM of page after it rendered (scripts ran for budget_ms of virtual time)."""
    done = _run(page, f"--virtual-time-budget={budget_ms}", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom_until(
    page: Path, shows: Callable[[str], bool], budget_ms: int = 3000, deadline_s: float = 90
) -> str:
    """The DOM of page once it shows what `shows` looks for, or the last one dumped when
    deadline_s passed. For a page whose scripts finish work outside Chromium's virtual time
    (Allure's report: on a loaded machine a third of the dumps came before its tree)."""
    deadline = time.monotonic() + deadline_s
    while True:
        dom = dump_dom(page, budget_ms)
        if shows(dom) or time.monotonic() > deadline:
            return dom


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2000) -> Path:
    """A PNG of page as Chromium renders it."""
    png.parent.mkdir(parents=True, exist_ok=True)
    done = _run(page, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.is_file(), done.stderr[-2000:]
    return png
