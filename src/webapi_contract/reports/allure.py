"""The Allure command line: finding it (Allure 3 from npm, or Allure 2's allure-commandline) and
building a single-file HTML report from `allure-results/`.

Allure 3: `allure awesome RESULTS --single-file --output DIR` (the Awesome report, one
index.html with everything inlined); Allure 2 (2.24 and later): `allure generate --single-file
RESULTS -o DIR --clean`. Either writes DIR/index.html, which opens from disk without a server;
`allure open DIR` serves it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from webapi_contract.paths import repo_root

__all__ = [
    "ENV_ALLURE",
    "INSTALL_HINT",
    "AllureCli",
    "AllureError",
    "build_report",
    "find_allure",
    "install_hint",
    "serve_command",
]

ENV_ALLURE = "WEBAPI_ALLURE"
LOCAL_BIN = Path(".tools") / "node_modules" / ".bin" / "allure"
# What works wherever the tool is installed (a checkout adds `make allure`: see install_hint).
INSTALL_HINT = (
    "install Allure 3 with `npm install -g allure` (needs Node.js 20+; or `npm install --prefix "
    ".tools allure@3` in the folder you run from), or put Allure 2's allure-commandline (needs "
    f"Java) on PATH, or set {ENV_ALLURE} to the Allure executable"
)
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


class AllureError(RuntimeError):
    """The Allure command line is missing or failed; the message says what to do."""


@dataclass(frozen=True)
class AllureCli:
    """An Allure command line and its major version (2 or 3)."""

    executable: str
    version: str
    major: int


def _candidates(start: Path | None = None) -> list[str]:
    found: list[str] = []
    given = os.environ.get(ENV_ALLURE)
    if given:
        found.append(given)
    for base in (repo_root(), start or Path.cwd()):
        if base is not None and (base / LOCAL_BIN).is_file():
            found.append(str(base / LOCAL_BIN))
    on_path = shutil.which("allure")
    if on_path:
        found.append(on_path)
    return found


def install_hint(root: Path | None = None) -> str:
    """How to install an Allure command line: INSTALL_HINT, plus `make allure` in a checkout.

    root is the source checkout (default: the one this package runs from, if any); an installed
    tool has none, so it is never told about a Makefile it does not have.
    """
    root = root if root is not None else repo_root()
    if root is None or not (root / "Makefile").is_file():
        return INSTALL_HINT
    return (
        f"run `make allure` in {root} (Allure 3 into .tools/, needs Node.js 20+), or {INSTALL_HINT}"
    )


def find_allure(start: Path | None = None) -> AllureCli | None:
    """The first working Allure command line: $WEBAPI_ALLURE, .tools/, then PATH."""
    for executable in dict.fromkeys(_candidates(start)):
        try:
            answer = subprocess.run(
                [executable, "--version"],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        match = _VERSION.search(answer.stdout + answer.stderr)
        if answer.returncode == 0 and match:
            return AllureCli(executable, match.group(0), int(match.group(1)))
    return None


def build_report(
    cli: AllureCli, results: Path, output: Path, *, name: str = "webapi-contract"
) -> Path:
    """Build the single-file report of results into output; the path of its index.html."""
    if not results.is_dir() or not any(results.glob("*-result.json")):
        raise AllureError(f"no Allure results in {results}; run `webapi-contract run` first")
    if output.exists():
        shutil.rmtree(output)
    if cli.major >= 3:
        command = [cli.executable, "awesome", str(results), "--single-file"]
        command += ["--output", str(output), "--name", name]
    else:
        command = [cli.executable, "generate", "--single-file", str(results)]
        command += ["-o", str(output), "--clean"]
    try:
        done = subprocess.run(
            command,
            cwd=output.parent,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AllureError(f"{cli.executable} could not build the report: {exc}") from None
    index = output / "index.html"
    if done.returncode != 0 or not index.is_file():
        said = " ".join((done.stderr or done.stdout).split())[-400:]
        raise AllureError(
            f"allure {cli.version} did not write {index} (exit {done.returncode}): {said}"
        )
    return index


def serve_command(cli: AllureCli, output: Path, port: int | None = None) -> list[str]:
    """The command that serves a built report until interrupted."""
    command = [cli.executable, "open", str(output)]
    if port:
        command += ["--port", str(port)] if cli.major >= 3 else ["-p", str(port)]
    return command
