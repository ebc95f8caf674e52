"""The tool as a user gets it: the wheel, installed in a fresh virtualenv, run from an empty folder.

The slow tests build the wheel once per module, install it (dependencies from PyPI, through pip's
cache) into a new venv and run `webapi-contract` from an empty directory, with no WEBAPI_*,
PYTEST_*, VIRTUAL_ENV or PYTHONPATH leaking in, so nothing can be found through the checkout.
The fast test checks the wheel carries the files an installed tool reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from webapi_contract import __version__ as _source_version

REPO_ROOT = Path(__file__).resolve().parents[2]
# Two faults the suite catches among its first clauses (foundations first), so selfcheck is quick.
FAULTS = ("412-ignored", "anonymous-get-allowed")
FEW = ("--generated-examples", "1")
_DROP = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE")


def _clean_env() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("WEBAPI_", "PYTEST_")) and name not in _DROP
    }


@dataclass(frozen=True)
class _Done:
    command: Sequence[str]
    returncode: int
    output: str

    def __repr__(self) -> str:  # short: pytest shows it besides the message, which has it all
        return f"<{Path(self.command[0]).name} {' '.join(self.command[1:3])}: {self.returncode}>"

    def __str__(self) -> str:
        tail = self.output[-6000:]
        return f"$ {' '.join(self.command)}\nexit {self.returncode}\n{tail}"


def _run(command: Sequence[str], cwd: Path, timeout: float = 900) -> _Done:
    done = subprocess.run(
        list(command),
        cwd=cwd,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return _Done(command, done.returncode, done.stdout)


def _build_wheel(out: Path) -> Path:
    done = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(REPO_ROOT)],
        cwd=out,
        timeout=300,
    )
    wheels = sorted(out.glob("webapi_contract-*.whl"))
    assert done.returncode == 0, f"building the wheel failed:\n{done}"
    assert len(wheels) == 1, f"expected one wheel in {out}: {wheels}\n{done}"
    return wheels[0]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("dist"))


@dataclass(frozen=True)
class _Venv:
    root: Path

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> _Venv:
    root = tmp_path_factory.mktemp("venv") / "env"
    here = root.parent
    # No pip of its own (ensurepip costs seconds): this session's pip installs into it.
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=here, timeout=300)
    assert made.returncode == 0, f"creating the virtualenv failed:\n{made}"
    env = _Venv(root)
    # --no-compile: modules are compiled when first imported (most never are), not all up front
    installed = _run([*_pip(env), "install", "--no-compile", str(wheel)], cwd=here)
    assert installed.returncode == 0, f"installing the wheel failed:\n{installed}"
    return env


def _pip(env: _Venv) -> list[str]:
    """This session's pip, installing into env (pip >= 22.3's --python)."""
    return [
        sys.executable,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "--python",
        env.bin("python"),
    ]


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


# --- fast: what the wheel carries ----------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _suite_tests() -> list[str]:
    suite = REPO_ROOT / "src" / "webapi_contract" / "suites" / "superoffice"
    return sorted(f"webapi_contract/suites/superoffice/{p.name}" for p in suite.glob("test_*.py"))


def _vendor_docs() -> list[str]:
    docs = REPO_ROOT / "docs" / "vendor"
    return sorted(
        f"webapi_contract/_data/docs/vendor/{p.relative_to(docs).as_posix()}"
        for p in docs.rglob("*")
        if p.is_file()
    )


def test_wheel_carries_the_suite_the_schemas_and_the_docs(wheel_names: set[str]) -> None:
    tests = _suite_tests()
    docs = _vendor_docs()
    assert tests, "no test_*.py in the checkout's suite folder: has it moved?"
    assert docs, "no vendor doc pages in the checkout: has docs/vendor moved?"
    wanted = [
        "webapi_contract/suites/__init__.py",
        "webapi_contract/suites/superoffice/conftest.py",
        *tests,
        "webapi_contract/_data/schemas/openapi.json",
        "webapi_contract/_data/schemas/ContactEntity.schema.json",
        *docs,
        "webapi_contract/py.typed",
    ]
    missing = [name for name in wanted if name not in wheel_names]
    assert not missing, f"the wheel lacks {missing}"
    # A checkout's own paths must not be in the wheel, or the tool may find them and not _data/.
    stray = sorted(n for n in wheel_names if n.startswith(("tests/", "schemas/", "docs/")))
    assert not stray, f"the wheel carries checkout paths at its top level: {stray[:10]}"


# --- slow: the installed tool, from an empty folder ----------------------------------------------


@pytest.mark.slow
def test_installed_tool_prints_its_version(venv: _Venv, empty_dir: Path) -> None:
    done = _run([venv.bin("webapi-contract"), "--version"], cwd=empty_dir, timeout=120)
    assert done.returncode == 0, str(done)
    assert _source_version in done.output, f"version {_source_version} not printed:\n{done}"


def _run_problems(venv: _Venv, cwd: Path) -> list[str]:
    """What is wrong with `webapi-contract run` against the embedded mock from cwd (empty: fine).

    A part of the suite (one module's clauses, one operation's generated tests), on two xdist
    workers: the installed selfcheck runs all of it."""
    done = _run(
        [
            venv.bin("webapi-contract"),
            "run",
            "--report-dir",
            "reports",
            "--workers",
            "2",
            *FEW,
            "--",
            "-k",
            "test_read or GetContact",
        ],
        cwd=cwd,
    )
    if done.returncode != 0:
        return [f"run failed:\n{done}"]
    reports = cwd / "reports"
    missing = [
        name
        for name in ("junit.xml", "conformance.json", "conformance.html")
        if not (reports / name).is_file()
    ]
    if missing:
        return [f"run wrote no reports/{', reports/'.join(missing)}:\n{done}"]
    if not json.loads((reports / "conformance.json").read_text(encoding="utf-8")):
        return [f"reports/conformance.json is empty:\n{done}"]
    return []


@pytest.mark.slow
def test_installed_selfcheck_detects_faults(venv: _Venv, empty_dir: Path) -> None:
    done = _run(
        [venv.bin("webapi-contract"), "selfcheck", "--faults", ",".join(FAULTS), *FEW],
        cwd=empty_dir,
    )
    assert done.returncode == 0, str(done)
    for fault in FAULTS:
        rows = [line.split() for line in done.output.splitlines() if fault in line.split()]
        assert any("detected" in row for row in rows), f"{fault} not detected:\n{done}"
    rate = f"kill rate: {len(FAULTS)}/{len(FAULTS)} faults detected ("
    assert rate in done.output, f"expected {rate!r}:\n{done}"


@pytest.mark.slow
def test_installed_tool_coexists_with_pytest_playwright(venv: _Venv, empty_dir: Path) -> None:
    """pytest-playwright brings pytest-base-url (a dependency of ours too), which owns
    --base-url: pytest's help, a user's own session and the run must all still work. The run is
    also the installed tool's `run` from an empty folder (its reports written); the installed
    selfcheck above already ran the suite clean without pytest-playwright."""
    installed = _run([*_pip(venv), "install", "--no-compile", "pytest-playwright"], cwd=empty_dir)
    assert installed.returncode == 0, f"installing pytest-playwright failed:\n{installed}"
    problems = []
    helped = _run([venv.bin("pytest"), "--help"], cwd=empty_dir, timeout=120)
    if helped.returncode != 0:
        problems.append(f"pytest --help failed:\n{helped}")
    for option in ("--base-url", "--browser", "--webapi-readonly"):
        if option not in helped.output:
            problems.append(f"pytest --help lacks {option}:\n{helped}")
    # A user's own session (not ours): left alone, however its --base-url is set.
    own = empty_dir / "own"
    own.mkdir()
    (own / "test_app.py").write_text(
        "def test_app(base_url):\n    assert base_url == 'http://127.0.0.1:9/app'\n"
    )
    session = _run(
        [
            venv.bin("pytest"),
            "-q",
            "-p",
            "no:cacheprovider",
            "--base-url",
            "http://127.0.0.1:9/app",
        ],
        cwd=own,
        timeout=120,
    )
    if session.returncode != 0 or "1 passed" not in session.output:
        problems.append(f"a user's own pytest session broke:\n{session}")
    ran = empty_dir / "run"
    ran.mkdir()
    problems += _run_problems(venv, ran)
    assert not problems, "with pytest-playwright installed:\n" + "\n\n".join(problems)
