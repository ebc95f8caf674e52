"""The reporting half of the pytest plugin: clause labels, exchanges as Allure attachments,
masking in every report, and the conformance matrix collected on the controller.

Only `webapi_contract.plugin` imports this module. What a worker knows about a test travels to
the xdist controller in the report's `user_properties` (clause title, area, doc line, expected vs
received), which xdist serialises; the controller merges the reports of every phase in
`pytest_runtest_logreport` and writes conformance.json/.html and history.jsonl at the end.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from webapi_contract.client import Exchange
from webapi_contract.config import Settings
from webapi_contract.contract import MUST, Clause, ContractViolation
from webapi_contract.contract.clauses import Citation
from webapi_contract.paths import docs_dir
from webapi_contract.reports import Collector, now_iso, publish, scrub_text, scrub_tree
from webapi_contract.reports.docsources import SourcesError, quoted_link
from webapi_contract.reports.publish import stamped

__all__ = [
    "ExchangeLog",
    "ReportRun",
    "attach_exchanges",
    "doc_link",
    "label_for_allure",
    "record_clause",
    "scrub_report",
]

MAX_ATTACHMENTS = 25


def doc_path(citation: Citation) -> Path:
    """The doc page a citation names, on this machine."""
    return docs_dir() / _page(citation.file)


def _page(file: str) -> str:
    """A cited file's path below the docs folder (the key of docs/vendor/sources.json)."""
    return file.removeprefix("docs/vendor/")


def doc_link(citation: Citation, base_url: str | None) -> str:
    """A link to the cited line: below base_url (e.g. the repository's web view) when given,
    else the vendor's public page the doc was taken from, scrolled to the quoted line (a text
    fragment), else a file: URI of the local page."""
    if base_url:
        return f"{base_url.rstrip('/')}/{citation.file}#L{citation.line}"
    try:
        public = quoted_link(_page(citation.file), citation.quote)
    except SourcesError as exc:
        raise pytest.UsageError(f"webapi-contract: {exc}") from exc
    if public:
        return public
    return f"{doc_path(citation).resolve().as_uri()}#L{citation.line}"


def label_for_allure(item: pytest.Item, found: Clause, base_url: str | None) -> None:
    """Title, feature (area), story (clause), description and doc link of a clause test.

    Set as markers at collection: allure-pytest reads them after setup (a dynamic title set from
    a fixture would be overwritten by the test name there).
    """
    citation = found.citation
    item.add_marker(pytest.mark.allure_label(found.area, label_type="feature"))
    item.add_marker(pytest.mark.allure_label(found.title, label_type="story"))
    # Allure's severity and a tag carry the level: a must is critical, a should minor.
    severity = "critical" if found.level == MUST else "minor"
    item.add_marker(pytest.mark.allure_label(severity, label_type="severity"))
    item.add_marker(pytest.mark.allure_label(found.level, label_type="tag"))
    item.add_marker(pytest.mark.allure_description(f'{citation}: "{citation.quote}"'))
    item.add_marker(
        pytest.mark.allure_link(doc_link(citation, base_url), link_type="link", name=str(citation))
    )
    function = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
    if function is None:
        return
    title = found.title.replace("{", "{{").replace("}", "}}")
    if getattr(item, "callspec", None) is not None:
        title += " [{param_id}]"
    with contextlib.suppress(AttributeError, TypeError):
        function.__allure_display_name__ = title


class ExchangeLog:
    """The exchanges of the running test, for its Allure attachments."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def record(self, exchange: Exchange) -> None:
        """Client observer: remember one exchange."""
        self.exchanges.append(exchange)

    def take(self) -> list[Exchange]:
        """The exchanges so far, forgetting them."""
        taken, self.exchanges = self.exchanges, []
        return taken


def _path_of(exchange: Exchange) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(exchange.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def attach_exchanges(exchanges: list[Exchange], secrets: Iterable[str]) -> None:
    """Attach each exchange (request and response, secrets masked) to the running Allure test."""
    if not exchanges:
        return
    import allure

    known = list(secrets)
    for number, exchange in enumerate(exchanges[:MAX_ATTACHMENTS], start=1):
        name = f"{number}. {exchange.method} {_path_of(exchange)} -> {exchange.status}"
        allure.attach(
            scrub_text(exchange.describe(), known),
            name=scrub_text(name, known),
            attachment_type=allure.attachment_type.TEXT,
        )
    if len(exchanges) > MAX_ATTACHMENTS:
        allure.attach(
            f"{len(exchanges) - MAX_ATTACHMENTS} more exchanges were not attached",
            name="more exchanges",
            attachment_type=allure.attachment_type.TEXT,
        )


def scrub_report(report: pytest.TestReport, call: pytest.CallInfo[Any], secrets: list[str]) -> None:
    """Mask secrets in everything a report carries: the failure text, the exception message
    (allure-pytest reads it from the exception), captured output and logs, user properties."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, line, reason = longrepr
        report.longrepr = (path, line, scrub_text(str(reason), secrets))
    elif longrepr is not None:
        text = report.longreprtext
        clean = scrub_text(text, secrets)
        if clean != text:
            report.longrepr = clean
    if call.excinfo is not None and call.when == report.when:
        error = call.excinfo.value
        message = str(error)
        clean = scrub_text(message, secrets)
        if clean != message:
            try:
                error.args = (clean,)
                if hasattr(error, "msg"):
                    error.msg = clean
            except (AttributeError, TypeError):
                pass
    report.sections = [(name, scrub_text(text, secrets)) for name, text in report.sections]
    report.user_properties[:] = [
        (name, scrub_text(value, secrets) if isinstance(value, str) else value)
        for name, value in report.user_properties
    ]


def record_clause(
    item: pytest.Item,
    found: Clause,
    report: pytest.TestReport,
    call: pytest.CallInfo[Any],
    base_url: str | None,
    secrets: list[str],
    exchanges: Iterable[Exchange] = (),
) -> None:
    """Put the clause (and, on failure, expected vs received and a curl line) into the report's
    properties (and the item's, so the later phases' reports carry them too).

    The curl line resends the exchange the failed check judged, else the last of `exchanges`
    (the test's, as the plugin's ExchangeLog holds them); secrets masked."""
    if any(name == "clause" for name, _ in report.user_properties):
        return
    citation = found.citation
    properties = [
        ("clause", found.title),
        ("clause_level", found.level),
        ("clause_area", found.area),
        ("clause_doc", str(citation)),
        ("clause_quote", citation.quote),
    ]
    if base_url:
        properties.append(("clause_url", doc_link(citation, base_url)))
    error = call.excinfo.value if call.excinfo is not None else None
    if report.failed and isinstance(error, ContractViolation):
        properties.append(("clause_expected", scrub_text(error.expected, secrets)))
        properties.append(("clause_received", scrub_text(error.received, secrets)))
    if report.failed:
        judged = error.exchange if isinstance(error, ContractViolation) else None
        seen = [*exchanges]
        resend = judged if judged is not None else (seen[-1] if seen else None)
        if resend is not None:
            known_secrets = [*secrets, *resend.secrets]
            properties.append(("clause_curl", scrub_text(resend.as_curl(), known_secrets)))
    report.user_properties.extend(properties)
    known = {name for name, _ in item.user_properties}
    item.user_properties.extend(p for p in properties if p[0] not in known)


def _message(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    if longrepr is None:
        return None
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return report.longreprtext


class ReportRun:
    """The controller's view of a run with --webapi-report-dir: outcomes, then the artefacts."""

    def __init__(self, report_dir: Path, doc_base_url: str | None) -> None:
        self.report_dir = report_dir
        self.doc_base_url = doc_base_url
        self.collector = Collector()
        self.started = now_iso()
        self.clock = time.monotonic()

    def start(self) -> None:
        """The session starts now."""
        self.started = now_iso()
        self.clock = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """One phase of one test, as reported to the controller (or in a run without xdist)."""
        self.collector.add(
            report.nodeid,
            report.when,
            report.outcome,
            duration=float(getattr(report, "duration", 0.0) or 0.0),
            message=_message(report) if report.outcome != "passed" else None,
            properties=report.user_properties,
            generated="generated" in report.keywords,
        )

    def finish(
        self, target: dict[str, Any], exit_status: int, settings: Settings
    ) -> dict[str, Any]:
        """Build the conformance data and write conformance.json/.html and history.jsonl."""
        data = self.collector.build(
            target=target,
            started=self.started,
            duration=time.monotonic() - self.clock,
            exit_status=exit_status,
            readonly=settings.readonly,
            strict=settings.strict,
        )
        data = stamped(data, settings.run_stamp())
        for clause in data["clauses"]:
            doc = clause["doc"]
            if not doc.get("url") and doc.get("file"):
                page = _page(str(doc["file"]))
                with contextlib.suppress(SourcesError):  # reported when the suite was collected
                    doc["url"] = quoted_link(page, doc.get("quote"))
                local = docs_dir() / page
                if not doc.get("url") and local.is_file():
                    relative = os.path.relpath(local, self.report_dir)
                    doc["url"] = f"{Path(relative).as_posix()}#L{doc.get('line')}"
        publish(self.report_dir, data)
        return data

    def scrub(self, paths: Iterable[Path | None], secrets: list[str]) -> None:
        """Replace any known secret left in any file of the report folder and other outputs."""
        for path in {self.report_dir, *paths}:
            if path is not None:
                scrub_tree(path, secrets)
