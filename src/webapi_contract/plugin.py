"""pytest plugin of the contract suite: options, the target (live or embedded mock), fixtures.

The plugin is loaded (entry point `pytest11`) into every pytest session of the environment where
webapi-contract is installed, so it keeps out of the way of sessions that run no contract suite:
its options are all `--webapi-*` (the base URL is pytest-base-url's `--base-url`), and it starts
no target, sends no preflight and prints nothing until a suite is in play. A suite is in play when
`webapi-contract run` handed the plugin its settings, when pytest was pointed at a suite this
package ships (a path in, above or below it, or `--pyargs webapi_contract.suites…`), or when one
of the plugin's `--webapi-*` options was given. Other tests that use the `api` or
`contract_settings` fixtures get their target on first use (per xdist worker).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Generator, Iterator
from dataclasses import replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from webapi_contract import heap, reporting, sharding
from webapi_contract import target as targets
from webapi_contract.client import SILENCE, ApiClient
from webapi_contract.config import (
    ConfigError,
    PresetSettings,
    Settings,
    by_name,
    from_wire,
    read_pyproject,
    resolve,
    strip_userinfo,
    to_wire,
)
from webapi_contract.config.frontends import add_pytest_options, given_to_pytest
from webapi_contract.contract import MUST, SHOULD, Clause, Verdict
from webapi_contract.reports import scrub_tree
from webapi_contract.reports.conformance import LEVEL_PROPERTY
from webapi_contract.reports.docsources import SourcesError, load_sources
from webapi_contract.reports.junit import rename_testcases
from webapi_contract.suites import shipped_vendors, suite_dir

__all__ = ["READONLY_SKIP"]

SETTINGS = pytest.StashKey[Settings]()
PROBLEM = pytest.StashKey[str]()
IN_PLAY = pytest.StashKey[bool]()
EMBEDDED = pytest.StashKey[targets.EmbeddedTarget]()
EXCHANGES = pytest.StashKey[reporting.ExchangeLog]()
REPORT_RUN = pytest.StashKey[reporting.ReportRun]()
TALLY = pytest.StashKey["LevelTally"]()
FROZEN = pytest.StashKey[bool]()
_WORKER_KEY = "webapi_contract_target"
# Why a test that changes data did not run under --readonly (the reports say "not run").
READONLY_SKIP = "not run (read-only)"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_pytest_options(parser.getgroup("webapi-contract", "webapi-contract suite"))


def _preset(config: pytest.Config) -> Settings | None:
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, PresetSettings):
            return plugin.settings
    return None


def _arg_paths(config: pytest.Config) -> list[Path]:
    """The paths pytest was asked to collect (module names under --pyargs)."""
    found: list[Path] = []
    for arg in config.args:
        text = arg.split("::", 1)[0]
        if config.option.pyargs and not Path(text).exists():
            try:
                spec = find_spec(text)
            except (ImportError, ValueError):
                spec = None
            if spec is not None and spec.origin:
                origin = Path(spec.origin)
                found.append(origin.parent if origin.name == "__init__.py" else origin)
            continue
        found.append((config.invocation_params.dir / text).resolve())
    return found


def _suites_named(config: pytest.Config) -> set[str]:
    """The vendors whose shipped suite pytest was asked to collect (a path in, above or below
    it)."""
    suites = {vendor: suite_dir(vendor).resolve() for vendor in shipped_vendors()}
    return {
        vendor
        for path in _arg_paths(config)
        for vendor, suite in suites.items()
        if path == suite or suite in path.parents or path in suite.parents
    }


def _in_play(config: pytest.Config) -> bool:
    """Whether this session runs a contract suite (see the module docstring)."""
    if any(value is not None for value in given_to_pytest(config, borrowed=False).values()):
        return True
    return bool(_suites_named(config))


def _vendor_problem(config: pytest.Config, settings: Settings) -> str | None:
    """A vendor's shipped suite run as another vendor (its mock, its profile): one line."""
    named = _suites_named(config)
    if not named or settings.vendor in named:
        return None
    other = sorted(named)[0]
    setting = by_name("vendor")
    return (
        f"webapi-contract: the {other} suite runs against the {other} vendor, but the vendor "
        f"setting is {settings.vendor}: give {setting.pytest_flag} {other} ({setting.env[0]})"
    )


@pytest.hookimpl(trylast=True)  # after pytest-base-url has read its ini value
def _share_generated_fixtures(config: pytest.Config) -> None:
    """The fixtures every vendor's generated tests share (webapi_contract.generated.fixtures),
    only in a session that runs a suite; a suite's own conftest may override them. Imported
    here: they load Schemathesis' OpenAPI support, ~0.3 CPU-s of every other session's start."""
    if not config.pluginmanager.has_plugin("webapi-contract-generated"):
        from webapi_contract.generated import fixtures as generated_fixtures

        config.pluginmanager.register(generated_fixtures, "webapi-contract-generated")


def pytest_configure(config: pytest.Config) -> None:
    # The heap frozen after collection is given back by ThawFirst, before pytest's last garbage
    # collection (finalizers and unraisable exceptions still show); this cleanup only when an
    # earlier pytest_unconfigure raised and ThawFirst never ran.
    config.add_cleanup(lambda: _thaw(config))
    config.addinivalue_line("markers", "clause(clause): the documented clause a test enforces")
    config.addinivalue_line("markers", "generated: a test generated from the OpenAPI document")
    config.addinivalue_line(
        "markers", "mutating: the test changes data on the server (not run under --readonly)"
    )
    config.stash[EXCHANGES] = reporting.ExchangeLog()
    config.pluginmanager.register(StopWhenSilent(config), "webapi-contract-silence")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and _WORKER_KEY in workerinput:
        wired = json.loads(workerinput[_WORKER_KEY])
        config.stash[IN_PLAY] = wired["in_play"]
        if wired["in_play"]:
            _share_generated_fixtures(config)
        if wired.get("problem"):
            config.stash[PROBLEM] = wired["problem"]
        else:
            config.stash[SETTINGS] = settings = from_wire(wired["settings"])
            if settings.shard is not None:  # under xdist the workers collect: they deselect
                config.pluginmanager.register(
                    ShardSelection(settings.shard), "webapi-contract-shard"
                )
        return
    preset = _preset(config)
    config.stash[IN_PLAY] = preset is not None or _in_play(config)
    if preset is not None:
        config.stash[SETTINGS] = preset
    else:
        try:
            pyproject = read_pyproject(config.invocation_params.dir)
            config.stash[SETTINGS] = resolve(given_to_pytest(config), pyproject=pyproject)
        except ConfigError as exc:
            config.stash[PROBLEM] = f"webapi-contract: {exc}"
    if not config.stash[IN_PLAY]:
        return
    if PROBLEM in config.stash:
        raise pytest.UsageError(config.stash[PROBLEM])
    _share_generated_fixtures(config)
    settings = config.stash[SETTINGS]
    mismatch = _vendor_problem(config, settings)
    if mismatch is not None:
        raise pytest.UsageError(mismatch)
    if workerinput is None:
        # one run id for the controller, its workers and every report of the run
        config.stash[SETTINGS] = settings = settings.identified()
        config.stash[TALLY] = tally = LevelTally()
        config.pluginmanager.register(tally, "webapi-contract-levels")
        try:  # every worker links doc lines through it: a broken file stops the run here, once
            load_sources()
        except SourcesError as exc:
            raise pytest.UsageError(f"webapi-contract: {exc}") from exc
        xmlpath = getattr(config.option, "xmlpath", None)
        if xmlpath:
            config.pluginmanager.register(
                JunitNames(Path(xmlpath).expanduser().absolute()), "webapi-contract-junit"
            )
    if getattr(config.option, "base_url", None):
        # pytest-base-url prints its option in the header: never with user:password@ in it
        config.option.base_url = strip_userinfo(str(config.option.base_url))
    if settings.shard is not None:
        config.pluginmanager.register(ShardSelection(settings.shard), "webapi-contract-shard")
    if settings.report_dir and workerinput is None:
        run = reporting.ReportRun(Path(settings.report_dir).resolve(), settings.doc_base_url)
        config.stash[REPORT_RUN] = run
        # collects every phase of every test on the controller (pytest_runtest_logreport)
        config.pluginmanager.register(run, "webapi-contract-report")


def _stop(config: pytest.Config, problem: str) -> None:
    """End the run: exit 4 with one line (a worker cannot end an xdist run: the test fails)."""
    if hasattr(config, "workerinput"):
        pytest.fail(problem, pytrace=False)
    pytest.exit(problem, returncode=targets.EXIT_COULD_NOT_RUN)


def _settings(config: pytest.Config) -> Settings:
    """The settings with a reachable target: the embedded mock started on first need, a live
    target preflighted once."""
    if PROBLEM in config.stash:
        _stop(config, config.stash[PROBLEM])
    settings = config.stash[SETTINGS]
    if settings.base_url is None:
        try:
            embedded = targets.start_embedded(settings.vendor)
        except targets.TargetError as exc:
            _stop(config, f"webapi-contract: {exc}")
        config.stash[EMBEDDED] = embedded
        settings = settings.with_target(
            embedded.base_url,
            embedded.credentials,
            embedded.xsrf_token,
            embedded.xsrf_cookie,
            embedded.domain,
        )
    elif not settings.preflighted and not settings.embedded:
        problem = targets.preflight(settings)
        if problem:
            _stop(config, f"webapi-contract: {problem}")
        settings = replace(settings, preflighted=True)
    config.stash[SETTINGS] = settings
    return settings


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist starts its workers
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    run = config.stash.get(REPORT_RUN, None)
    if run is not None:
        run.start()
    if hasattr(config, "workerinput") or not config.stash.get(IN_PLAY, False):
        return
    settings = config.stash[SETTINGS]
    if config.option.collectonly or settings.base_url is None:
        return
    _settings(config)  # a live target: preflight before anything is collected


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand every xdist worker the one target of this run (one embedded mock per run when a
    suite is in play; otherwise each worker starts its own on first use)."""
    config = node.config
    in_play = config.stash.get(IN_PLAY, False)
    wired: dict[str, Any] = {"in_play": in_play}
    if PROBLEM in config.stash:
        wired["problem"] = config.stash[PROBLEM]
    else:
        settings = _settings(config) if in_play else config.stash[SETTINGS]
        wired["settings"] = to_wire(settings)
    node.workerinput[_WORKER_KEY] = json.dumps(wired)


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not config.stash.get(IN_PLAY, False) or SETTINGS not in config.stash:
        return []
    settings = config.stash[SETTINGS]
    where = (
        strip_userinfo(settings.base_url) if settings.base_url else "embedded mock (on first use)"
    )
    schemes = ", ".join(c.scheme for c in settings.credentials) or (
        "none configured" if settings.base_url else "the mock's own (every scheme)"
    )
    return [f"webapi-contract: target {where}; auth {schemes}; readonly {settings.readonly}"]


def _judged_by_reading(item: pytest.Item) -> bool:
    return item.get_closest_marker("mutating") is None


class ShardSelection:
    """`--shard I/N`: keeps this shard's part of the selected tests."""

    def __init__(self, shard: tuple[int, int]) -> None:
        self.index, self.total = shard

    @pytest.hookimpl(trylast=True)  # after -k/-m deselection: shards split what is selected
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept, dropped = sharding.select(items, self.index, self.total)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """What a suite run has loaded by now lives to its end: out of the collector's sight (heap)."""
    config = session.config
    in_play = config.stash.get(IN_PLAY, False)
    if in_play and not config.stash.get(FROZEN, False) and heap.freeze_loaded():
        config.stash[FROZEN] = True
        config.pluginmanager.register(ThawFirst(), "webapi-contract-thaw")


def _thaw(config: pytest.Config) -> None:
    if config.stash.get(FROZEN, False):
        config.stash[FROZEN] = False
        heap.thaw()


class ThawFirst:
    """Gives the frozen heap back before any other pytest_unconfigure: pytest's own collects
    garbage there, so a finalizer of what was frozen runs, and what it raises is reported."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        _thaw(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash.get(SETTINGS, None)
    if settings is None:
        return
    for item in items:
        found = _clause_of(item)
        if found is not None:
            reporting.label_for_allure(item, found, settings.doc_base_url)
    if settings.readonly:
        for item in items:
            if not _judged_by_reading(item):
                item.add_marker(pytest.mark.skip(reason=READONLY_SKIP))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[EXCHANGES].take()


def _secrets(config: pytest.Config) -> list[str]:
    settings = config.stash.get(SETTINGS, None)
    return settings.secrets() if settings is not None else []


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Mask secrets in the report before anything (terminal, JUnit, Allure, xdist) reads it, note
    the clause in its properties, and attach the test's exchanges to its Allure result."""
    report = yield
    config = item.config
    secrets = _secrets(config)
    doc_base_url = config.stash[SETTINGS].doc_base_url if SETTINGS in config.stash else None
    scrub_error = None
    try:
        reporting.scrub_report(report, call, secrets)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            found = _clause_of(item)
            if found is not None:
                reporting.record_clause(
                    item,
                    found,
                    report,
                    call,
                    doc_base_url,
                    secrets,
                    exchanges=config.stash[EXCHANGES].exchanges,
                )
            if config.getoption("allure_report_dir", None):
                reporting.attach_exchanges(config.stash[EXCHANGES].take(), secrets)
    except Exception as exc:  # a reporting problem must not turn into a test result
        scrub_error = exc
    if scrub_error is not None:
        item.warn(pytest.PytestWarning(f"webapi-contract reporting: {scrub_error!r}"))
    return report


class LevelTally:
    """The level of every failed test, noted on the controller from the workers' reports."""

    def __init__(self) -> None:
        self.failed: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            properties = dict(report.user_properties)
            level = properties.get("clause_level") or properties.get(LEVEL_PROPERTY)
            self.failed[report.nodeid] = SHOULD if level == SHOULD else MUST

    def tolerated(self, strict: bool) -> list[str]:
        """The failed tests when every one is a `should` and strict is off (the run passes)."""
        if strict or not self.failed or MUST in self.failed.values():
            return []
        return sorted(self.failed)


class StopWhenSilent:
    """A run whose target stopped answering (client.SILENCE: several requests in a row got no
    answer) stops: no further test runs, the reports are written, the exit status is 4.

    The test during which the client noticed it carries the reason in its report's properties
    to the controller; the session (on an xdist worker, the worker's) stops after that test; on
    the controller, xdist's loop is told to stop every worker, and pytest_sessionfinish sets
    the exit status and leaves the reason in session.shouldstop for `webapi-contract run`.
    """

    PROPERTY = "webapi_target_stopped_answering"

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.reason: str | None = None
        self.noted = False
        SILENCE.reset()  # a new run (several may run in one process)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        stopped = SILENCE.stopped
        if stopped and not self.noted and self.config.stash.get(IN_PLAY, False):
            self.noted = True
            report.user_properties.append((self.PROPERTY, stopped))
            item.session.shouldstop = stopped
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.reason is not None or hasattr(self.config, "workerinput"):
            return
        reason = dict(report.user_properties).get(self.PROPERTY)
        if reason:
            self.reason = str(reason)
            dsession = self.config.pluginmanager.getplugin("dsession")
            if dsession is not None:  # xdist's controller: every worker stops
                dsession.shouldstop = self.reason

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.reason is not None:
            session.shouldstop = self.reason
            session.exitstatus = targets.EXIT_COULD_NOT_RUN

    def pytest_unconfigure(self) -> None:
        SILENCE.reset()


class JunitNames:
    """Names junit.xml's testcases for CI viewers (the clause title; a generated test's
    operation and mode) once pytest's junitxml has written the file in its own
    pytest_sessionfinish: this one runs after it (trylast)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        problem = rename_testcases(self.path)
        if problem:  # cosmetic: the run's outcome stands
            sys.stderr.write(f"webapi-contract: {problem}\n")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    tally = config.stash.get(TALLY, None)
    settings = config.stash.get(SETTINGS, None)
    if (
        tally is not None
        and settings is not None
        and exitstatus == pytest.ExitCode.TESTS_FAILED
        and tally.tolerated(settings.strict)
    ):
        # Only `should`s failed: reported in full, but the run passes (unless --strict).
        session.exitstatus = exitstatus = pytest.ExitCode.OK
    run = config.stash.get(REPORT_RUN, None)
    if run is None or config.option.collectonly:
        return
    settings = config.stash[SETTINGS]
    if settings.base_url is None:
        target = targets.embedded_facts(settings)
    else:
        target = targets.target_facts(settings)
    run.finish(target, int(exitstatus), settings)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    tally = config.stash.get(TALLY, None)
    settings = config.stash.get(SETTINGS, None)
    if tally is None or settings is None or not tally.failed:
        return
    shoulds = sorted(n for n, level in tally.failed.items() if level == SHOULD)
    if not shoulds:
        return
    how = (
        "they fail the run (--strict)"
        if settings.strict
        else "reported, but they do not fail the run (--strict to make them)"
    )
    terminalreporter.write_line(
        f"webapi-contract: {len(shoulds)} failed test(s) are `should`s, good practice the "
        f"vendor's pages do not promise: {how}"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    embedded = config.stash.get(EMBEDDED, None)
    settings = config.stash.get(SETTINGS, None)
    if not hasattr(config, "workerinput") and settings is not None:
        outputs = [config.getoption("xmlpath", None), config.getoption("allure_report_dir", None)]
        run = config.stash.get(REPORT_RUN, None)
        if run is not None:
            run.scrub([Path(p) for p in outputs if p], settings.secrets())
        else:
            for output in outputs:
                if output:
                    scrub_tree(Path(output), settings.secrets())
    if embedded is not None:
        embedded.stop()


@pytest.fixture(scope="session")
def contract_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved settings, pointing at a started target."""
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def api(contract_settings: Settings, pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    """A client of the target, authenticated with the primary credential."""
    client = ApiClient(contract_settings)
    client.observers.append(pytestconfig.stash[EXCHANGES].record)
    yield client
    client.close()


def _clause_of(item: pytest.Item) -> Clause | None:
    marker = item.get_closest_marker("clause")
    return marker.args[0] if marker is not None else None


@pytest.fixture
def verdict(request: pytest.FixtureRequest) -> Verdict:
    """Checks bound to the clause of the running test."""
    return Verdict(_clause_of(request.node))
