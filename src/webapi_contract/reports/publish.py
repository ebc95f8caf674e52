"""Writing a run's conformance artefacts: conformance.json, history.jsonl, conformance.html."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from webapi_contract.reports import history
from webapi_contract.reports.conformance import write_json
from webapi_contract.reports.html import render

__all__ = ["CONFORMANCE_HTML", "CONFORMANCE_JSON", "publish", "stamped"]

CONFORMANCE_JSON = "conformance.json"
CONFORMANCE_HTML = "conformance.html"


def stamped(data: Mapping[str, Any], run: Mapping[str, Any]) -> dict[str, Any]:
    """A run's conformance data with its vendor (from its target) and run identity (run id and
    shard) at the top, for history keys and `webapi-contract merge`."""
    return {"vendor": data.get("target", {}).get("vendor"), **data, "run": dict(run)}


def publish(report_dir: Path, data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Append the run to the history, then write the JSON and the page; the runs charted (this
    target's)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    recorded = history.append(report_dir / history.HISTORY_FILE, history.entry_from(data))
    runs = history.for_target(recorded, history.target_key(data))
    document = {**data, "history": {"file": history.HISTORY_FILE, "runs": len(runs)}}
    write_json(report_dir / CONFORMANCE_JSON, document)
    page = report_dir / CONFORMANCE_HTML
    temporary = page.with_name(f".{page.name}.tmp")
    temporary.write_text(render(document, runs), encoding="utf-8")
    temporary.replace(page)
    return runs
