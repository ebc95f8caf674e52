"""pytest plugin of the contract suite: options, the target (live or embedded mock), fixtures."""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from webapi_contract import reporting
from webapi_contract import target as targets
from webapi_contract.client import ApiClient
from webapi_contract.config import ConfigError, Settings, read_pyproject, resolve, strip_userinfo
from webapi_contract.contract import Clause, Verdict
from webapi_contract.reports import scrub_tree

SETTINGS = pytest.StashKey[Settings]()
EMBEDDED = pytest.StashKey[targets.EmbeddedTarget]()
EXCHANGES = pytest.StashKey[reporting.ExchangeLog]()
REPORT_RUN = pytest.StashKey[reporting.ReportRun]()
_WORKER_KEY = "webapi_contract_target"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("webapi-contract", "contract suite target")
    group.addoption(
        "--base-url",
        help="API root incl. tenant prefix (env WEBAPI_BASE_URL); absent: the embedded mock",
    )
    group.addoption("--auth", help="full Authorization header value (env WEBAPI_AUTHORIZATION)")
    group.addoption("--username", help="Basic auth user name (env WEBAPI_USERNAME)")
    group.addoption("--password", help="Basic auth password (env WEBAPI_PASSWORD)")
    group.addoption("--ticket", help="SoTicket credential (env WEBAPI_TICKET)")
    group.addoption("--token", help="Bearer token (env WEBAPI_TOKEN)")
    group.addoption("--app-token", help="sent as SO-AppToken (env WEBAPI_APP_TOKEN)")
    group.addoption(
        "--test-contact",
        metavar="JSON",
        help="fields every contact the suite creates carries, e.g. a tenant's mandatory fields "
        "(env WEBAPI_TEST_CONTACT; pyproject test-contact)",
    )
    group.addoption(
        "--readonly",
        action="store_true",
        default=None,
        help="run only clauses that change nothing on the server",
    )
    group.addoption(
        "--request-timeout",
        dest="timeout",
        type=float,
        help="seconds per request (env WEBAPI_TIMEOUT; default 30)",
    )
    group.addoption(
        "--generated-examples",
        type=int,
        help="generated examples per operation variant "
        "(env WEBAPI_GENERATED_EXAMPLES; pyproject generated-examples; default 20)",
    )
    group.addoption(
        "--latency-strict",
        action="store_true",
        default=None,
        help="fail, not warn, when a call exceeds the documented NsApiSlow threshold",
    )
    group.addoption(
        "--webapi-report-dir",
        metavar="DIR",
        help="write conformance.json, conformance.html and history.jsonl into DIR",
    )
    group.addoption(
        "--doc-base-url",
        metavar="URL",
        help="link doc lines below URL, e.g. the repository's web view "
        f"(env {reporting.ENV_DOC_BASE_URL}; default: file: links)",
    )


def _option_values(config: pytest.Config) -> dict[str, Any]:
    names = (
        "base_url",
        "auth",
        "username",
        "password",
        "ticket",
        "token",
        "app_token",
        "timeout",
        "readonly",
        "latency_strict",
        "test_contact",
    )
    return {name: config.getoption(name) for name in names}


def _doc_base_url(config: pytest.Config) -> str | None:
    value = config.getoption("doc_base_url") or os.environ.get(reporting.ENV_DOC_BASE_URL)
    return str(value) if value else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(clause): the documented clause a test enforces")
    config.addinivalue_line("markers", "generated: a test generated from the OpenAPI document")
    config.stash[EXCHANGES] = reporting.ExchangeLog()
    report_dir = config.getoption("webapi_report_dir")
    if report_dir and not hasattr(config, "workerinput"):
        run = reporting.ReportRun(Path(report_dir).resolve(), _doc_base_url(config))
        config.stash[REPORT_RUN] = run
        # collects every phase of every test on the controller (pytest_runtest_logreport)
        config.pluginmanager.register(run, "webapi-contract-report")
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and _WORKER_KEY in workerinput:
        config.stash[SETTINGS] = targets.settings_from_wire(json.loads(workerinput[_WORKER_KEY]))
        return
    try:
        settings = resolve(_option_values(config), pyproject=read_pyproject(config.rootpath))
    except ConfigError as exc:
        raise pytest.UsageError(f"webapi-contract: {exc}") from None
    config.stash[SETTINGS] = settings


def _settings(config: pytest.Config) -> Settings:
    """The settings with a reachable target, starting the embedded mock on first need."""
    settings = config.stash[SETTINGS]
    if settings.base_url is not None:
        return settings
    try:
        embedded = targets.start_embedded()
    except targets.TargetError as exc:
        pytest.exit(f"webapi-contract: {exc}", returncode=targets.EXIT_COULD_NOT_RUN)
    config.stash[EMBEDDED] = embedded
    settings = settings.with_target(embedded.base_url, embedded.credentials)
    config.stash[SETTINGS] = settings
    return settings


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    run = config.stash.get(REPORT_RUN, None)
    if run is not None:
        run.start()
    settings = config.stash[SETTINGS]
    if hasattr(config, "workerinput") or settings.base_url is None or settings.embedded:
        return
    if config.option.collectonly:
        return
    problem = targets.preflight(settings)
    if problem:
        pytest.exit(f"webapi-contract: {problem}", returncode=targets.EXIT_COULD_NOT_RUN)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Hand every xdist worker the one target of this run (one embedded mock per run)."""
    settings = _settings(node.config)
    node.workerinput[_WORKER_KEY] = json.dumps(targets.settings_to_wire(settings))


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = config.stash[SETTINGS]
    where = (
        strip_userinfo(settings.base_url) if settings.base_url else "embedded mock (on first use)"
    )
    schemes = ", ".join(c.scheme for c in settings.credentials) or (
        "none configured" if settings.base_url else "the mock's own (every scheme)"
    )
    return [f"webapi-contract: target {where}; auth {schemes}; readonly {settings.readonly}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    base_url = _doc_base_url(config)
    for item in items:
        found = _clause_of(item)
        if found is not None:
            reporting.label_for_allure(item, found, base_url)
    if not config.stash[SETTINGS].readonly:
        return
    kept = [item for item in items if item.get_closest_marker("mutating") is None]
    deselected = [item for item in items if item.get_closest_marker("mutating") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[EXCHANGES].take()


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Mask secrets in the report before anything (terminal, JUnit, Allure, xdist) reads it, note
    the clause in its properties, and attach the test's exchanges to its Allure result."""
    report = yield
    config = item.config
    secrets = config.stash[SETTINGS].secrets()
    scrub_error = None
    try:
        reporting.scrub_report(report, call, secrets)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            found = _clause_of(item)
            if found is not None:
                reporting.record_clause(item, found, report, call, _doc_base_url(config), secrets)
            if config.getoption("allure_report_dir", None):
                reporting.attach_exchanges(config.stash[EXCHANGES].take(), secrets)
    except Exception as exc:  # a reporting problem must not turn into a test result
        scrub_error = exc
    if scrub_error is not None:
        item.warn(pytest.PytestWarning(f"webapi-contract reporting: {scrub_error!r}"))
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run = config.stash.get(REPORT_RUN, None)
    if run is None or config.option.collectonly:
        return
    settings = config.stash[SETTINGS]
    if settings.base_url is None:
        target: dict[str, Any] = {"url": None, "label": "embedded mock", "embedded": True}
    else:
        target = targets.target_facts(settings)
    run.finish(target, int(exitstatus), settings)


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
