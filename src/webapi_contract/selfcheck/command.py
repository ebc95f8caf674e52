"""`webapi-contract selfcheck`: its options, the runs (a few at a time), the table as runs finish,
the kill rate, and selfcheck.json (`--json FILE`)."""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from webapi_contract.mock import MockCredentials
from webapi_contract.mock import faults as fault_registry
from webapi_contract.selfcheck.forkserver import ForkServer, ForkServerError
from webapi_contract.selfcheck.result import document, write_result
from webapi_contract.selfcheck.runs import (
    CLEAN,
    DEFAULT_GENERATED_EXAMPLES,
    DEFAULT_TIMEOUT,
    Outcome,
    Plan,
    Runner,
    SubprocessRunner,
    SuiteNotFoundError,
    environment,
    find_suite,
    project_root,
    run_once,
)

__all__ = ["command", "main", "register", "selfcheck"]

EXIT_OK, EXIT_GAPS, EXIT_USAGE = 0, 1, 2
# Runs spend much of their time waiting (on their mock, and on the suite's waits past a clock
# second), so twice as many runs as a 2-core machine has cores keep both busy.
DEFAULT_WORKERS = 4
_SHOWN_LINES = 25
# The warm-up's URL: a --collect-only session sends nothing.
_NOWHERE = "http://127.0.0.1:9"


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


@contextmanager
def _runner(plan: Plan, fork: bool, say: Callable[[str], None]) -> Iterator[Runner]:
    """The fork server, warmed up with the suite (else, or when it cannot start, a process per
    run)."""
    if not fork or not hasattr(os, "fork"):
        yield SubprocessRunner(plan.root)
        return
    warm_env = environment(
        _NOWHERE, MockCredentials.generate(), plan.generated_examples, plan.vendor
    )
    server = ForkServer(plan.root, plan.arguments(None, stop_at_first_failure=False), warm_env)
    with tempfile.TemporaryDirectory(prefix="webapi-selfcheck-server-") as folder:
        try:
            server.start(Path(folder) / "server.log", max(plan.timeout, DEFAULT_TIMEOUT))
        except ForkServerError as exc:
            say(f"{exc}; every run starts its own pytest process instead")
            yield SubprocessRunner(plan.root)
            return
        try:
            yield server
        finally:
            server.close()


class _Say:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, line: str) -> None:
        print(line, file=self.stream, flush=True)


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
            lines += [f"    {line}" for line in failure.message.splitlines()[-_SHOWN_LINES:]]
    elif outcome.output:
        lines += outcome.output.rstrip().splitlines()[-_SHOWN_LINES:]
    return lines


def selfcheck(
    plan: Plan,
    fault_names: Sequence[str],
    workers: int = DEFAULT_WORKERS,
    out: TextIO | None = None,
    json_path: Path | None = None,
    fork: bool = True,
) -> int:
    """Run the clean and the faulty runs, print the table and the kill rate, write json_path
    (selfcheck.json) when given; the exit code."""
    say = _Say(out if out is not None else sys.stdout)
    started = time.monotonic()
    table = _Table(fault_names, plan.vendor)
    plural = "s" if len(fault_names) != 1 else ""
    say(
        f"webapi-contract selfcheck: {plan.suite} against the clean {plan.vendor} mock and "
        f"{len(fault_names)} faulty one{plural}, {workers} at a time, "
        f"{plan.generated_examples} generated examples"
    )
    outcomes: dict[str | None, Outcome] = {}
    with _quiet_mock_logs(), _runner(plan, fork, say) as runner:
        warmed = time.monotonic() - started
        say(table.header())
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # the clean run, the longest, first
            jobs = [pool.submit(run_once, plan, fault, runner) for fault in (None, *fault_names)]
            try:
                for job in as_completed(jobs):
                    outcome = job.result()
                    outcomes[outcome.fault] = outcome
                    say(table.row(outcome))
            except BaseException:  # Ctrl-C: the runs not started yet never start
                pool.shutdown(cancel_futures=True)
                raise
    clean = outcomes[None]
    faulty = [outcomes[name] for name in fault_names]
    for outcome in [clean, *faulty]:
        if outcome.result in ("FAILED", "error"):
            for line in _details(outcome):
                say(line)
    missed = [o.name for o in faulty if o.result == "missed"]
    if missed:
        say(f"missed (add the clause that catches each): {', '.join(missed)}")
    seconds = time.monotonic() - started
    how = "a fork server" if isinstance(runner, ForkServer) else "a process per run"
    say(
        f"selfcheck took {seconds:.1f} s with {workers} worker(s) "
        f"({how}; {warmed:.1f} s before the first run)"
    )
    result = document(plan, clean, faulty, workers=workers, seconds=seconds, runner=how)
    if json_path is not None:
        write_result(json_path, result)
    totals = result["totals"]
    clean_text = "clean run passed" if clean.result == "passed" else "clean run FAILED"
    say(
        f"kill rate: {totals['detected']}/{totals['faults']} faults detected "
        f"({totals['by_must']} by a must, {totals['only_by_should']} only by a should), "
        f"{clean_text}"
    )
    return EXIT_OK if result["passed"] else EXIT_GAPS


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
        help=f"runs at a time, each a mock and a pytest session (default {DEFAULT_WORKERS})",
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
    parser.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the result as JSON (per fault: result, failed clauses and their level, "
        "seconds; the totals) to FILE",
    )
    parser.add_argument(
        "--no-fork",
        dest="fork",
        action="store_false",
        help="start every run as its own `python -m pytest` process (slower) instead of forking "
        "it from a process that imported pytest and the suite once",
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
    return selfcheck(plan, names, args.workers, json_path=args.json, fork=args.fork)


def main(argv: Sequence[str] | None = None) -> int:
    """`selfcheck` without the rest of the CLI (for tests)."""
    parser = argparse.ArgumentParser(prog="webapi-contract")
    subparsers = parser.add_subparsers(dest="command")
    register(subparsers)
    args = parser.parse_args(["selfcheck", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.handler(args)
    return code
