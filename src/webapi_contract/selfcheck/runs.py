"""One selfcheck run: the suite against a fresh mock (clean, or with one fault switched on), its
verdicts read from the conformance.json the plugin writes into the run's report folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from webapi_contract.client import redact_text
from webapi_contract.config import TABLE, basic, by_name, env_names
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.mock import faults as fault_registry
from webapi_contract.mock.server import credential_fields
from webapi_contract.selfcheck.forkserver import ForkServerError
from webapi_contract.suites import SuiteNotFound, suite_dir

__all__ = [
    "CLEAN",
    "CONFORMANCE_JSON",
    "Failure",
    "Outcome",
    "Plan",
    "Runner",
    "SubprocessRunner",
    "SuiteNotFoundError",
    "environment",
    "find_suite",
    "project_root",
    "read_conformance",
    "run_once",
]

# Generated examples per operation variant: the clean run draws them all, and a faulty run only
# reaches the generated tests when no hand-written clause failed first.
DEFAULT_GENERATED_EXAMPLES = 5
DEFAULT_TIMEOUT = 300.0
CLEAN = "(clean mock)"
CONFORMANCE_JSON = "conformance.json"  # what the plugin writes into the report folder
MESSAGE_LIMIT = 2000


class SuiteNotFoundError(LookupError):
    """There is no contract suite where selfcheck looked."""


@dataclass(frozen=True)
class Failure:
    """One failed test of a run, as its conformance.json records it."""

    test: str  # pytest's node id
    kind: str  # "clause", "generated" (a generated test) or "test" (any other test)
    level: str  # "must" or "should"
    clause: str | None = None  # the clause title (kind "clause")
    doc: str | None = None  # the clause's doc file:line
    checks: tuple[str, ...] = ()  # the generated checks that failed (kind "generated")
    message: str = ""

    @property
    def label(self) -> str:
        """The clause title, else the test (file stem::name) and the checks that failed."""
        if self.clause:
            return self.clause
        path, _, name = self.test.rpartition("::")
        short = f"{Path(path).stem}::{name}" if path else name
        return f"{short} ({', '.join(self.checks)})" if self.checks else short

    def as_json(self) -> dict[str, Any]:
        """The failure in selfcheck.json."""
        return {
            "kind": self.kind,
            "level": self.level,
            "clause": self.clause,
            "doc": self.doc,
            "checks": list(self.checks),
            "test": self.test,
            "message": self.message[-MESSAGE_LIMIT:],
        }


@dataclass
class Outcome:
    """One run of the suite against one mock."""

    fault: str | None
    returncode: int | None = None
    seconds: float = 0.0
    tests: int = 0
    failures: list[Failure] = field(default_factory=list)
    problem: str | None = None
    output: str = ""

    @property
    def name(self) -> str:
        """The fault, or CLEAN for the run against the clean mock."""
        return self.fault or CLEAN

    @property
    def result(self) -> str:
        """passed/FAILED for the clean run; detected, missed or error for a fault."""
        if self.fault is None:
            return "passed" if self.returncode == 0 and self.problem is None else "FAILED"
        if self.problem is None and self.returncode == 1 and self.failures:
            return "detected"
        if self.problem is None and self.returncode == 0 and not self.failures:
            return "missed"
        return "error"

    @property
    def only_should(self) -> bool:
        """Whether every failure is a `should` (a fault so detected is caught by a should)."""
        return bool(self.failures) and all(f.level == "should" for f in self.failures)

    def labels(self) -> list[str]:
        """The distinct clauses (or tests) that failed."""
        return list(dict.fromkeys(failure.label for failure in self.failures))


class Runner(Protocol):
    """Runs pytest once: its exit code, or None when it ran out of time (it is then killed)."""

    def run(
        self, args: Sequence[str], env: dict[str, str], output: Path, timeout: float
    ) -> int | None: ...


@dataclass(frozen=True)
class SubprocessRunner:
    """`python -m pytest` in a process of its own (where the fork server cannot run)."""

    cwd: Path

    def run(
        self, args: Sequence[str], env: dict[str, str], output: Path, timeout: float
    ) -> int | None:
        with output.open("wb") as out:
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", *args],
                    cwd=self.cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return None
        return done.returncode


@dataclass(frozen=True)
class Plan:
    """What every run shares: where the suite is, and how pytest is called."""

    suite: Path
    root: Path
    generated_examples: int = DEFAULT_GENERATED_EXAMPLES
    suite_args: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    # Whose mock (and faults) the suite runs against; the runs' vendor setting.
    vendor: str = fault_registry.DEFAULT_VENDOR

    def arguments(self, report_dir: Path | None, stop_at_first_failure: bool) -> list[str]:
        """pytest's arguments for one run (no credentials: those go in the environment); with
        no report_dir, a --collect-only session (the fork server's warm-up)."""
        if report_dir is None:
            mode = ["--collect-only"]
        else:
            flag = str(by_name("report_dir").pytest_flag)
            mode = [*(["-x"] if stop_at_first_failure else []), f"{flag}={report_dir}"]
        return [
            str(self.suite),
            *mode,
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *self.suite_args,
        ]


def find_suite(given: Path | None = None, vendor: str = fault_registry.DEFAULT_VENDOR) -> Path:
    """The contract suite: `given`, else the vendor's suite shipped in this package."""
    if given is None:
        try:
            return suite_dir(vendor)
        except SuiteNotFound as exc:
            raise SuiteNotFoundError(str(exc)) from None
    if given.is_dir() and any(given.glob("test_*.py")):
        return given.resolve()
    raise SuiteNotFoundError(f"no contract suite (a folder of test_*.py files) at {given}")


def project_root(suite: Path) -> Path:
    """The folder pytest should run in: the nearest one above the suite with a pyproject.toml."""
    for folder in suite.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return suite.parent


def read_conformance(path: Path, secrets: Sequence[str] = ()) -> tuple[int, list[Failure]]:
    """How many tests a run's conformance.json counts, and its failed tests (clauses, then
    generated tests, then others), messages masked. ValueError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tests = int(data["totals"]["tests"])
        failures = [*_clause_failures(data["clauses"]), *_generated_failures(data["generated"])]
        failures += [
            Failure(str(test["id"]), "test", _level(test), message=_message(test))
            for test in data["other_tests"]
            if test["outcome"] == "failed"
        ]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{path.name} is not a run's report ({type(exc).__name__}: {exc})"
        ) from exc
    if secrets:
        failures = [
            Failure(
                f.test, f.kind, f.level, f.clause, f.doc, f.checks, redact_text(f.message, secrets)
            )
            for f in failures
        ]
    return tests, failures


def _level(entry: Mapping[str, Any]) -> str:
    return "should" if entry.get("level") == "should" else "must"


def _message(result: Mapping[str, Any]) -> str:
    return str(result.get("message") or "").strip()


def _clause_failures(clauses: Sequence[Mapping[str, Any]]) -> list[Failure]:
    found = []
    for clause in clauses:
        doc = clause.get("doc") or {}
        cited = f"{doc.get('file')}:{doc.get('line')}" if doc.get("file") else None
        for result in clause["results"]:
            if result["outcome"] == "failed":
                title = str(clause["title"])
                found.append(
                    Failure(
                        str(result["id"]),
                        "clause",
                        _level(clause),
                        title,
                        cited,
                        (),
                        _message(result),
                    )
                )
    return found


def _generated_failures(generated: Mapping[str, Any]) -> list[Failure]:
    found = []
    for item in generated["items"]:
        if item["outcome"] == "failed":
            checks = tuple(dict.fromkeys(str(f.get("check")) for f in item.get("found") or []))
            found.append(
                Failure(
                    str(item["id"]),
                    "generated",
                    _level(item),
                    checks=checks,
                    message=_message(item),
                )
            )
    return found


def environment(
    base_url: str, credentials: MockCredentials, generated_examples: int, vendor: str
) -> dict[str, str]:
    """This process's environment without the suite's own settings, pointed at one mock of
    vendor with the credentials its mock checks (`credential_fields`)."""
    ours = {name for setting in TABLE for name in setting.env}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    checked = set(credential_fields(vendor))
    given = {
        "vendor": vendor,
        "base_url": base_url,
        "username": credentials.username,
        "password": credentials.password,
        "generated_examples": str(generated_examples),
        # over a pyproject.toml that says otherwise: a self-check writes, and a fault caught by
        # a `should` clause is caught all the same
        "readonly": "0",
        "strict": "1",
    }
    for name in ("domain", "ticket", "token", "xsrf_token"):
        if name in checked:
            given[name] = getattr(credentials, name)
    if "xsrf_token" in checked:
        given["xsrf_cookie"] = credentials.xsrf_cookie
    env.update({env_names(name)[0]: value for name, value in given.items()})
    return env


def secrets_of(credentials: MockCredentials) -> list[str]:
    """Every secret a run's output could carry."""
    secrets = [credentials.password, credentials.ticket, credentials.token]
    secrets += [credentials.xsrf_session, credentials.xsrf_token]
    if credentials.domain:  # Basic over `username:password@domain`, in every form
        with_domain = basic(credentials.username, f"{credentials.password}@{credentials.domain}")
        secrets += [f"{credentials.password}@{credentials.domain}", with_domain.authorization]
    return secrets


def run_once(plan: Plan, fault: str | None, runner: Runner) -> Outcome:
    """Run the suite against a fresh mock with `fault` switched on (None: the clean mock)."""
    outcome = Outcome(fault)
    credentials = MockCredentials.generate()
    secrets = secrets_of(credentials)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="webapi-selfcheck-") as folder:
        report_dir = Path(folder) / "report"
        output = Path(folder) / "output.txt"
        server = MockServer(
            db_path=Path(folder) / "mock.sqlite3",
            credentials=credentials,
            fault=fault,
            vendor=plan.vendor,
        )
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            outcome.problem = f"the mock could not start: {exc}"
            return outcome
        try:
            env = environment(server.base_url, credentials, plan.generated_examples, plan.vendor)
            outcome.returncode = runner.run(
                plan.arguments(report_dir, stop_at_first_failure=fault is not None),
                env,
                output,
                plan.timeout,
            )
            if outcome.returncode is None:
                outcome.problem = f"the run did not finish within {plan.timeout:g} s"
        except ForkServerError as exc:
            outcome.problem = str(exc)
        finally:
            server.stop()
            outcome.seconds = time.monotonic() - started
        if output.is_file():
            text = output.read_text(encoding="utf-8", errors="replace")
            outcome.output = redact_text(text, secrets)
        _read_report(outcome, report_dir / CONFORMANCE_JSON, secrets)
    return outcome


def _read_report(outcome: Outcome, report: Path, secrets: Sequence[str]) -> None:
    """The run's verdicts from its conformance.json; a problem when there is none to read."""
    if report.is_file():
        try:
            outcome.tests, outcome.failures = read_conformance(report, secrets)
        except ValueError as exc:
            outcome.problem = outcome.problem or str(exc)
    elif outcome.problem is None:
        outcome.problem = (
            f"pytest exited {outcome.returncode} without writing {CONFORMANCE_JSON} (the suite "
            "runs with webapi-contract's pytest plugin, which writes it)"
        )
    if outcome.problem is None and outcome.returncode not in (0, 1):
        outcome.problem = f"pytest exited {outcome.returncode} (the run could not be judged)"
