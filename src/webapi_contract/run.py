"""`webapi-contract run`: the main job. The whole contract suite (clauses and generated tests)
against a base URL or the embedded mock, with every report written into one folder.

The settings are resolved once, here (option > environment > pyproject, from the settings table),
and the target is preflighted once, here; pytest then runs in this process (pytest.main) with the
resolved settings handed to the plugin as an object (`PresetSettings`): no setting, credential or
base URL is put on pytest's command line or in the environment, so no report can record them.

Exit codes: 0 every clause and test passed; 1 some clause or test failed; 4 the run could not
start or finish (unreachable target, rejected credentials, bad configuration or options, no test
selected, collection errors).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import pytest

from webapi_contract import target as targets
from webapi_contract.config import (
    ConfigError,
    PresetSettings,
    Settings,
    read_pyproject,
    resolve_values,
    settings_from,
)
from webapi_contract.config.frontends import add_run_options, given_to_run
from webapi_contract.reports import (
    CONFORMANCE_HTML,
    CONFORMANCE_JSON,
    could_not_run,
    now_iso,
    publish,
    render_summary,
    scrub_text,
    scrub_tree,
)
from webapi_contract.reports.allure import AllureError, build_report, find_allure
from webapi_contract.reports.conformance import read_json
from webapi_contract.reports.publish import stamped
from webapi_contract.suites import SuiteNotFound, suite_dir

__all__ = ["EXIT_COULD_NOT_RUN", "EXIT_FAILED", "EXIT_PASSED", "register", "run"]

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_COULD_NOT_RUN = targets.EXIT_COULD_NOT_RUN
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
    add_run_options(parser)
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


def _fail(message: str) -> int:
    print(f"webapi-contract run: {message}", file=sys.stderr)
    return EXIT_COULD_NOT_RUN


def _suites(args: argparse.Namespace, vendor: str) -> list[Path]:
    """The vendor's shipped suite, then the user's own extra clauses (--suite DIR); raises
    SuiteNotFound."""
    found = [] if args.suite_only else [suite_dir(vendor)]
    if args.suite is not None:
        extra = Path(args.suite)
        if not extra.exists():
            raise SuiteNotFound(f"--suite {extra}: no such file or folder")
        found.append(extra.resolve())
    if not found:
        raise SuiteNotFound("--suite-only needs --suite DIR")
    return found


def _pytest_args(args: argparse.Namespace, suites: list[Path], report_dir: Path) -> list[str]:
    command = [
        *map(str, suites),
        "-p",
        "no:cacheprovider",
        f"--junitxml={report_dir / 'junit.xml'}",
        "-o",
        "junit_suite_name=webapi-contract",
        f"--alluredir={report_dir / 'allure-results'}",
        "--clean-alluredir",
        # pytest runs in this process, which imported webapi_contract before pytest could
        # rewrite its asserts; nothing there relies on assert rewriting.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    if args.workers > 0:
        command += ["-n", str(args.workers)]
    return command + list(args.pytest_args)


def _could_not_run(
    report_dir: Path, started: str, problem: str, target: Mapping[str, Any], settings: Settings
) -> int:
    """One line on stderr; conformance.json/.html and the history say so too."""
    data = could_not_run(target=target, started=started, problem=problem)
    publish(report_dir, stamped(data, settings.run_stamp()))
    secrets = settings.secrets()
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


class _StopReason:
    """Why pytest stopped the session before its end, if it did (the plugin stops a run whose
    target stopped answering and leaves the reason in session.shouldstop)."""

    def __init__(self) -> None:
        self.reason: str | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        stopped = session.shouldstop
        self.reason = stopped if isinstance(stopped, str) and stopped else None


def run(args: argparse.Namespace) -> int:
    """Run the suite; print the summary; the exit code."""
    started = now_iso()
    try:
        values = resolve_values(given_to_run(args), pyproject=read_pyproject(Path.cwd()))
        report_dir = Path(values["report_dir"] or "reports").resolve()
        settings = replace(settings_from(values), report_dir=str(report_dir)).identified()
    except ConfigError as exc:
        return _fail(f"bad configuration: {exc}")
    for name in ("workers", "suite", "suite_only", "no_allure_report"):
        setattr(args, name, values[name])
    try:
        suites = _suites(args, settings.vendor)
    except SuiteNotFound as exc:
        return _fail(str(exc))
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"bad configuration: report folder {report_dir}: {exc.strerror}")
    for name in _STALE:
        stale = report_dir / name
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink(missing_ok=True)
    secrets = settings.secrets()
    if settings.base_url is not None:
        problem = targets.preflight(settings)
        if problem:
            facts = targets.target_facts(settings, probe=False)
            return _could_not_run(report_dir, started, problem, facts, settings)
        settings = replace(settings, preflighted=True)
    preset = PresetSettings(settings)
    stop = _StopReason()
    code = int(pytest.main(_pytest_args(args, suites, report_dir), plugins=[preset, stop]))
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
    if code == EXIT_COULD_NOT_RUN and stop.reason:
        reason = scrub_text(stop.reason, secrets)
        return _fail(f"could not finish: {reason}; the run stopped, its reports are written")
    return _fail(f"could not run: pytest stopped with exit status {code} (see above)")
