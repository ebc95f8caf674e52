"""`webapi-contract run`: the main job. The whole contract suite (clauses and generated tests)
against a base URL or the embedded mock, with every report written into one folder.

pytest runs in this process (pytest.main); credentials and the base URL reach the plugin through
its WEBAPI_* environment variables, never on pytest's command line, so no report can record them.

Exit codes: 0 every clause and test passed; 1 some clause or test failed; 4 the run could not
start or finish (unreachable target, rejected credentials, bad configuration or options, no test
selected, collection errors).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import pytest

from webapi_contract import target as targets
from webapi_contract.config import (
    ENVIRONMENT,
    ConfigError,
    read_pyproject,
    resolve,
    resolve_generated_examples,
)
from webapi_contract.paths import repo_root
from webapi_contract.reports import (
    CONFORMANCE_HTML,
    CONFORMANCE_JSON,
    could_not_run,
    now_iso,
    publish,
    render_summary,
    scrub_tree,
)
from webapi_contract.reports.allure import AllureError, build_report, find_allure
from webapi_contract.reports.conformance import read_json

__all__ = ["EXIT_COULD_NOT_RUN", "EXIT_FAILED", "EXIT_PASSED", "register", "run"]

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_COULD_NOT_RUN = targets.EXIT_COULD_NOT_RUN
DEFAULT_WORKERS = 2
# Passed to the plugin through the environment (secret, or may carry user:password@).
_BY_ENVIRONMENT = ("base_url", "auth", "username", "password", "ticket", "token", "app_token")
# Files of the previous run that would mislead if this run stopped before rewriting them.
_STALE = ("junit.xml", CONFORMANCE_JSON, CONFORMANCE_HTML, "allure-report")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run the contract suite (the main job) and write every report",
        description="Run every clause and generated test against --base-url (default: the "
        "embedded mock), print a summary, and write junit.xml, allure-results/, "
        "conformance.json, conformance.html and history.jsonl into --report-dir. Credentials "
        "may also come from the WEBAPI_* environment variables. Exit 0 all passed, 1 some "
        "clause failed, 4 could not run.",
    )
    parser.add_argument(
        "--base-url", help="API root incl. tenant prefix; absent: the embedded mock"
    )
    parser.add_argument("--auth", help="full Authorization header value")
    parser.add_argument("--username", help="Basic auth user name")
    parser.add_argument("--password", help="Basic auth password")
    parser.add_argument("--ticket", help="SoTicket credential")
    parser.add_argument("--token", help="Bearer token")
    parser.add_argument("--app-token", help="sent as SO-AppToken")
    parser.add_argument(
        "--test-contact", metavar="JSON", help="fields every contact the suite creates carries"
    )
    parser.add_argument(
        "--readonly", action="store_true", default=None, help="only clauses that change nothing"
    )
    parser.add_argument(
        "--request-timeout", dest="timeout", type=float, help="seconds per request (default 30)"
    )
    parser.add_argument(
        "--generated-examples", type=int, help="generated examples per operation variant"
    )
    parser.add_argument(
        "--latency-strict", action="store_true", default=None, help="fail on slow calls"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"pytest-xdist workers (default {DEFAULT_WORKERS}; 0 runs in this process)",
    )
    parser.add_argument(
        "--report-dir", type=Path, default=Path("reports"), help="where reports go (reports/)"
    )
    parser.add_argument(
        "--suite", type=Path, default=None, help="the contract suite (default: tests/contract)"
    )
    parser.add_argument("--doc-base-url", help="link doc lines below this URL in the reports")
    parser.add_argument(
        "--no-allure-report",
        action="store_true",
        help="do not build allure-report/ even when an Allure command line is installed",
    )
    parser.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed on to pytest"
    )
    parser.set_defaults(handler=run)
    _usage_errors_could_not_run(parser)


def _usage_errors_could_not_run(parser: argparse.ArgumentParser) -> None:
    """Bad options exit 4 like any other "could not run", with argparse's usage line."""

    def error(message: str) -> NoReturn:
        parser.print_usage(sys.stderr)
        print(f"webapi-contract run: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_COULD_NOT_RUN)

    known = parser.parse_known_args

    def parse_known_args(
        args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = known(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)} (pytest options go after --)")
        return parsed, []

    parser.error = error  # type: ignore[method-assign]
    parser.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _fail(message: str) -> int:
    print(f"webapi-contract run: {message}", file=sys.stderr)
    return EXIT_COULD_NOT_RUN


def _suite(args: argparse.Namespace) -> Path | None:
    if args.suite is not None:
        return Path(args.suite).resolve() if Path(args.suite).exists() else None
    root = repo_root()
    for base in (root, Path.cwd()):
        if base is not None and (base / "tests" / "contract").is_dir():
            return (base / "tests" / "contract").resolve()
    return None


def _pytest_args(args: argparse.Namespace, suite: Path, report_dir: Path) -> list[str]:
    command = [
        str(suite),
        "-p",
        "no:cacheprovider",
        f"--junitxml={report_dir / 'junit.xml'}",
        "-o",
        "junit_suite_name=webapi-contract",
        f"--alluredir={report_dir / 'allure-results'}",
        "--clean-alluredir",
        f"--webapi-report-dir={report_dir}",
        # pytest runs in this process, which imported webapi_contract before pytest could
        # rewrite its asserts; nothing there relies on assert rewriting.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if args.workers > 0:
        command += ["-n", str(args.workers)]
    if args.readonly:
        command.append("--readonly")
    if args.latency_strict:
        command.append("--latency-strict")
    if args.timeout is not None:
        command.append(f"--request-timeout={args.timeout}")
    if args.generated_examples is not None:
        command.append(f"--generated-examples={args.generated_examples}")
    if args.doc_base_url:
        command.append(f"--doc-base-url={args.doc_base_url}")
    if args.test_contact:
        command.append(f"--test-contact={args.test_contact}")
    return command + list(args.pytest_args)


def _could_not_run(
    report_dir: Path, started: str, problem: str, target: Mapping[str, Any], secrets: list[str]
) -> int:
    """One line on stderr; conformance.json/.html and the history say so too."""
    publish(report_dir, could_not_run(target=target, started=started, problem=problem))
    scrub_tree(report_dir, secrets)
    return _fail(f"could not run: {problem}")


def _shown(path: Path) -> str:
    """path relative to the current folder when it is below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _allure_report(report_dir: Path) -> str | None:
    cli = find_allure()
    if cli is None:
        return None
    try:
        index = build_report(cli, report_dir / "allure-results", report_dir / "allure-report")
    except AllureError as exc:
        print(f"webapi-contract run: Allure report not built: {exc}", file=sys.stderr)
        return None
    return str(index)


def run(args: argparse.Namespace) -> int:
    """Run the suite; print the summary; the exit code."""
    if args.workers < 0:
        return _fail("--workers must be 0 or more")
    suite = _suite(args)
    if suite is None:
        return _fail("the contract suite was not found; give its folder with --suite")
    report_dir: Path = args.report_dir.resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    for name in _STALE:
        stale = report_dir / name
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink(missing_ok=True)
    options = {name: getattr(args, name, None) for name in ENVIRONMENT}
    environment = {
        ENVIRONMENT[name]: str(options[name]) for name in _BY_ENVIRONMENT if options[name]
    }
    started = now_iso()
    root = repo_root() or Path.cwd()
    try:
        settings = resolve(
            {k: v for k, v in options.items() if k not in _BY_ENVIRONMENT},
            environ={**os.environ, **environment},
            pyproject=read_pyproject(root),
        )
        resolve_generated_examples(args.generated_examples, pyproject=read_pyproject(root))
    except ConfigError as exc:
        return _fail(f"bad configuration: {exc}")
    secrets = settings.secrets()
    if settings.base_url is not None:
        problem = targets.preflight(settings)
        if problem:
            facts = targets.target_facts(settings, probe=False)
            return _could_not_run(report_dir, started, problem, facts, secrets)
    with _environment(environment):
        code = int(pytest.main(_pytest_args(args, suite, report_dir)))
    scrub_tree(report_dir, secrets)
    conformance = report_dir / CONFORMANCE_JSON
    data = read_json(conformance) if conformance.is_file() else None
    artefacts = [
        _shown(report_dir / name)
        for name in (CONFORMANCE_HTML, CONFORMANCE_JSON, "junit.xml", "allure-results")
        if (report_dir / name).exists()
    ]
    if data is not None and data["totals"]["tests"] and not args.no_allure_report:
        index = _allure_report(report_dir)
        artefacts.append(
            _shown(Path(index))
            if index
            else "(Allure HTML: `webapi-contract report`, needs Allure)"
        )
    if data is not None:
        print(render_summary(data, artefacts))
    if code == pytest.ExitCode.OK and data is not None and not data["totals"]["tests_passed"]:
        return _fail("nothing was checked: every selected test was skipped (see the reasons above)")
    if code == pytest.ExitCode.OK:
        return EXIT_PASSED
    if code == pytest.ExitCode.TESTS_FAILED:
        return EXIT_FAILED
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        return _fail("no test was selected (check the pytest arguments after --)")
    return _fail(f"could not run: pytest stopped with exit status {code} (see above)")
