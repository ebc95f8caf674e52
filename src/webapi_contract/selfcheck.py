"""`webapi-contract selfcheck`: prove the contract suite fails against broken servers.

The suite runs once against the clean reference mock, which it must pass, and once against the
mock with each fault of mock/faults.py switched on, which it must fail. Every run is its own pytest
process against its own in-process mock on a free loopback port, a few at a time (`--workers`).
A faulty run stops at its first failure (`-x`); the suite orders its clauses foundations first, so
that failure names the behaviour that broke. The table says, per fault, detected or missed, which
clause failed and how long it took, and the closing line gives the kill rate.

Credentials are generated per run and handed to pytest through the environment; they are never
printed, and any output shown is masked.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from defusedxml import ElementTree

from webapi_contract.client import redact_text
from webapi_contract.config import TABLE, basic, env_names
from webapi_contract.mock import MockCredentials, MockServer
from webapi_contract.mock import faults as fault_registry
from webapi_contract.mock.server import credential_fields
from webapi_contract.suites import SuiteNotFound, suite_dir

__all__ = [
    "Failure",
    "Outcome",
    "Plan",
    "SuiteNotFoundError",
    "find_suite",
    "main",
    "parse_junit",
    "register",
    "run_once",
    "selfcheck",
]

EXIT_OK, EXIT_GAPS, EXIT_USAGE = 0, 1, 2
DEFAULT_WORKERS = 2
# Generated examples per operation variant: the clean run draws them all, and a faulty run only
# reaches the generated tests when no hand-written clause failed first.
DEFAULT_GENERATED_EXAMPLES = 5
DEFAULT_TIMEOUT = 300.0
CLEAN = "(clean mock)"
_CLAUSE = re.compile(r"Clause broken: (.+?) \[docs/vendor/[^\]]*\]")
_SHOWN_LINES = 25


class SuiteNotFoundError(LookupError):
    """There is no contract suite where selfcheck looked."""


@dataclass(frozen=True)
class Failure:
    """One failed test of a run: its id, the clause it enforces (if any), and its message."""

    test: str
    clause: str | None
    message: str
    level: str = "must"

    @property
    def label(self) -> str:
        """The clause title, else the test id (generated tests are not clauses)."""
        return self.clause or self.test


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
        if self.problem is None and self.returncode == 1:
            return "detected"
        if self.problem is None and self.returncode == 0:
            return "missed"
        return "error"

    def labels(self) -> list[str]:
        """The distinct clauses (or tests) that failed, in the order they failed."""
        return list(dict.fromkeys(failure.label for failure in self.failures))


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

    def command(self, junit: Path, stop_at_first_failure: bool) -> list[str]:
        """The pytest command line of one run (no credentials: those go in the environment)."""
        return [
            sys.executable,
            "-m",
            "pytest",
            str(self.suite),
            *(["-x"] if stop_at_first_failure else []),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            f"--junitxml={junit}",
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


def parse_junit(path: Path) -> tuple[int, list[Failure]]:
    """How many tests a JUnit XML report holds, and its failures and errors."""
    root = ElementTree.parse(path).getroot()
    tests = 0
    failures: list[Failure] = []
    for case in root.iter("testcase"):
        tests += 1
        for node in (case.find("failure"), case.find("error")):
            if node is None:
                continue
            text = f"{node.get('message') or ''}\n{node.text or ''}"
            module = (case.get("classname") or "").rsplit(".", 1)[-1]
            test = f"{module}::{case.get('name')}" if module else str(case.get("name"))
            failures.append(Failure(test, _clause_of(case, text), text.strip(), _level_of(case)))
    return tests, failures


def _level_of(case: Any) -> str:
    """must or should, as the plugin records it for a clause or a generated test."""
    for prop in case.iter("property"):
        if prop.get("name") in ("clause_level", "webapi_level") and prop.get("value") == "should":
            return "should"
    return "must"


def _clause_of(case: Any, text: str) -> str | None:
    """The clause a failed test enforces: the `clause` property the plugin records, else the
    title in a "Clause broken:" message (a suite run without this package's plugin)."""
    for prop in case.iter("property"):
        value = prop.get("value")
        if prop.get("name") == "clause" and value:
            return str(value)
    found = _CLAUSE.search(text)
    return found.group(1) if found else None


def _environment(
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


def _secrets(credentials: MockCredentials) -> list[str]:
    secrets = [credentials.password, credentials.ticket, credentials.token]
    secrets += [credentials.xsrf_session, credentials.xsrf_token]
    if credentials.domain:  # Basic over `username:password@domain`, in every form
        with_domain = basic(credentials.username, f"{credentials.password}@{credentials.domain}")
        secrets += [f"{credentials.password}@{credentials.domain}", with_domain.authorization]
    return secrets


def run_once(plan: Plan, fault: str | None) -> Outcome:
    """Run the suite against a fresh mock with `fault` switched on (None: the clean mock)."""
    outcome = Outcome(fault)
    credentials = MockCredentials.generate()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="webapi-selfcheck-") as folder:
        junit = Path(folder) / "junit.xml"
        database = Path(folder) / "mock.sqlite3"
        server = MockServer(
            db_path=database, credentials=credentials, fault=fault, vendor=plan.vendor
        )
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            outcome.problem = f"the mock could not start: {exc}"
            return outcome
        try:
            done = subprocess.run(
                plan.command(junit, stop_at_first_failure=fault is not None),
                cwd=plan.root,
                env=_environment(
                    server.base_url, credentials, plan.generated_examples, plan.vendor
                ),
                capture_output=True,
                text=True,
                timeout=plan.timeout,
                check=False,
            )
            outcome.returncode = done.returncode
            outcome.output = redact_text(done.stdout + done.stderr, _secrets(credentials))
        except subprocess.TimeoutExpired:
            outcome.problem = f"the run did not finish within {plan.timeout:g} s"
        finally:
            server.stop()
            outcome.seconds = time.monotonic() - started
        if junit.is_file():
            outcome.tests, outcome.failures = parse_junit(junit)
            outcome.failures = [
                Failure(f.test, f.clause, redact_text(f.message, _secrets(credentials)), f.level)
                for f in outcome.failures
            ]
        elif outcome.problem is None:
            outcome.problem = f"pytest exited {outcome.returncode} without a report"
    if outcome.problem is None and outcome.returncode not in (0, 1):
        outcome.problem = f"pytest exited {outcome.returncode} (the run could not be judged)"
    return outcome


@contextmanager
def _quiet_mock_logs() -> Iterator[None]:
    """Faults that answer 500 make the mock log a traceback; the table says all there is."""
    logger = logging.getLogger("webapi_contract.mock")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


class _Table:
    """Rows printed as runs finish: fault, result, time, the clauses that failed."""

    def __init__(self, names: Sequence[str], vendor: str = fault_registry.DEFAULT_VENDOR) -> None:
        self.vendor = vendor
        self.width = max(len(name) for name in [*names, CLEAN, "fault"])

    def header(self) -> str:
        return f"{'fault':<{self.width}}  {'result':<8}  {'time':>6}  failed clauses"

    def row(self, outcome: Outcome) -> str:
        if outcome.problem is not None:
            detail = outcome.problem
        elif outcome.fault is None:
            failed = len(outcome.labels())
            detail = f"{outcome.tests} tests" + (f", {failed} failed" if failed else "")
        elif outcome.result == "missed":
            detail = f"nothing failed; no clause checks: {_summary(outcome.fault, self.vendor)}"
        else:
            detail = "; ".join(outcome.labels()) or "(pytest reported a failure)"
        time_text = f"{outcome.seconds:.1f}s"
        return f"{outcome.name:<{self.width}}  {outcome.result:<8}  {time_text:>6}  {detail}"


def _summary(fault: str, vendor: str) -> str:
    known = fault_registry.catalogue(vendor).get(fault)
    return known.summary if known is not None else fault


def _details(outcome: Outcome) -> list[str]:
    """Why a clean run failed or a run could not be judged: failure messages, else output."""
    lines = [f"--- {outcome.name}: {outcome.result}"]
    if outcome.failures:
        for failure in outcome.failures:
            lines.append(f"{failure.test}:")
            lines += [f"    {line}" for line in failure.message.splitlines()[:_SHOWN_LINES]]
    elif outcome.output:
        lines += outcome.output.rstrip().splitlines()[-_SHOWN_LINES:]
    return lines


def selfcheck(
    plan: Plan,
    fault_names: Sequence[str],
    workers: int = DEFAULT_WORKERS,
    out: TextIO | None = None,
) -> int:
    """Run the clean and the faulty runs, print the table and the kill rate; the exit code."""
    stream = out if out is not None else sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    started = time.monotonic()
    table = _Table(fault_names, plan.vendor)
    plural = "s" if len(fault_names) != 1 else ""
    say(
        f"webapi-contract selfcheck: {plan.suite} against the clean {plan.vendor} mock and "
        f"{len(fault_names)} faulty one{plural}, {workers} at a time, "
        f"{plan.generated_examples} generated examples"
    )
    say(table.header())
    outcomes: dict[str | None, Outcome] = {}
    with _quiet_mock_logs(), ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(run_once, plan, fault) for fault in (None, *fault_names)]
        for job in as_completed(jobs):
            outcome = job.result()
            outcomes[outcome.fault] = outcome
            say(table.row(outcome))
    clean = outcomes[None]
    faulty = [outcomes[name] for name in fault_names]
    detected = sum(o.result == "detected" for o in faulty)
    by_should = sum(
        o.result == "detected" and all(f.level == "should" for f in o.failures) for o in faulty
    )
    for outcome in [clean, *faulty]:
        if outcome.result in ("FAILED", "error"):
            for line in _details(outcome):
                say(line)
    missed = [o.name for o in faulty if o.result == "missed"]
    if missed:
        say(f"missed (add the clause that catches each): {', '.join(missed)}")
    say(f"selfcheck took {time.monotonic() - started:.1f} s with {workers} worker(s)")
    clean_text = "clean run passed" if clean.result == "passed" else "clean run FAILED"
    say(
        f"kill rate: {detected}/{len(faulty)} faults detected ({detected - by_should} by a must, "
        f"{by_should} only by a should), {clean_text}"
    )
    every = detected == len(faulty) and clean.result == "passed"
    return EXIT_OK if every else EXIT_GAPS


def _fault_names(text: str | None, vendor: str = fault_registry.DEFAULT_VENDOR) -> list[str]:
    known = fault_registry.catalogue(vendor)
    if not text:
        return list(known)
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        serve = "serve" if vendor == fault_registry.DEFAULT_VENDOR else f"serve --vendor {vendor}"
        raise ValueError(
            f"unknown fault(s) {', '.join(unknown) or '(none given)'}; known faults: "
            f"{', '.join(known)} (see `webapi-contract {serve} --list-faults`)"
        )
    return list(dict.fromkeys(names))


def _vendor(text: str) -> str:
    name = text.strip().lower()
    if name not in fault_registry.vendors():
        known = ", ".join(fault_registry.vendors())
        raise argparse.ArgumentTypeError(f"no mock for vendor {text!r}; known: {known}")
    return name


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `selfcheck` subcommand."""
    parser = subparsers.add_parser(
        "selfcheck",
        help="prove the contract suite fails against the mock with each fault switched on",
        description="Run the contract suite against the clean reference mock (it must pass) and "
        "against the mock with each known fault switched on (it must fail); print which clause "
        "caught each fault and the kill rate. Exit 0 only when every fault is detected and the "
        "clean run passes.",
    )
    parser.add_argument(
        "--vendor",
        type=_vendor,
        default=fault_registry.DEFAULT_VENDOR,
        metavar="NAME",
        help="whose suite, mock and faults (default "
        f"{fault_registry.DEFAULT_VENDOR}; {', '.join(fault_registry.vendors())})",
    )
    parser.add_argument(
        "--faults", metavar="A,B", help="only these faults (default: all; see serve --list-faults)"
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=DEFAULT_WORKERS,
        help=f"runs at a time, each a mock and a pytest process (default {DEFAULT_WORKERS})",
    )
    parser.add_argument(
        "--generated-examples",
        type=_positive_int,
        default=DEFAULT_GENERATED_EXAMPLES,
        help="generated examples per operation variant "
        f"(default {DEFAULT_GENERATED_EXAMPLES}, kept small for speed)",
    )
    parser.add_argument(
        "--suite", type=Path, help="the contract suite (default: the one shipped in this package)"
    )
    parser.add_argument(
        "--suite-args",
        default="",
        metavar="ARGS",
        help="more pytest arguments for every run, e.g. --suite-args=\"-k 'not select'\"",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds one run may take (default {DEFAULT_TIMEOUT:g})",
    )
    parser.set_defaults(handler=command)


def command(args: argparse.Namespace) -> int:
    """The `selfcheck` handler: exit 2 with one line on bad options or a missing suite."""
    try:
        names = _fault_names(args.faults, args.vendor)
        suite = find_suite(args.suite, args.vendor)
        suite_args = tuple(shlex.split(args.suite_args))
    except (ValueError, SuiteNotFoundError) as exc:
        print(f"webapi-contract selfcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    plan = Plan(
        suite=suite,
        root=project_root(suite),
        generated_examples=args.generated_examples,
        suite_args=suite_args,
        timeout=args.timeout,
        vendor=args.vendor,
    )
    return selfcheck(plan, names, args.workers)


def main(argv: Sequence[str] | None = None) -> int:
    """`selfcheck` without the rest of the CLI (for tests and `python -m`)."""
    parser = argparse.ArgumentParser(prog="webapi-contract")
    subparsers = parser.add_subparsers(dest="command")
    register(subparsers)
    args = parser.parse_args(["selfcheck", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.handler(args)
    return code
