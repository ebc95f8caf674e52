"""selfcheck.json: the result of a selfcheck as data (the format is in the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from webapi_contract.mock import faults as fault_registry
from webapi_contract.reports.conformance import write_json
from webapi_contract.selfcheck.runs import Outcome, Plan

__all__ = ["FORMAT", "document", "write_result"]

FORMAT = "webapi-contract/selfcheck/1"


def _run(outcome: Outcome) -> dict[str, Any]:
    """What every run says: result, seconds, tests run, pytest's exit status, the failures."""
    if outcome.fault is None:
        result = "error" if outcome.problem else ("passed" if outcome.returncode == 0 else "failed")
    else:
        result = outcome.result
    return {
        "result": result,
        "seconds": round(outcome.seconds, 2),
        "tests": outcome.tests,
        "exit_status": outcome.returncode,
        "problem": outcome.problem,
        "failed": [failure.as_json() for failure in outcome.failures],
    }


def _fault(outcome: Outcome, vendor: str) -> dict[str, Any]:
    known = fault_registry.catalogue(vendor).get(outcome.name)
    return {
        "fault": outcome.name,
        "area": known.area if known is not None else None,
        "summary": known.summary if known is not None else None,
        **_run(outcome),
        "only_should": outcome.result == "detected" and outcome.only_should,
    }


def document(
    plan: Plan,
    clean: Outcome,
    faulty: Sequence[Outcome],
    *,
    workers: int,
    seconds: float,
    runner: str,
) -> dict[str, Any]:
    """The selfcheck.json data of one selfcheck."""
    detected = [o for o in faulty if o.result == "detected"]
    only_should = sum(o.only_should for o in detected)
    totals = {
        "faults": len(faulty),
        "detected": len(detected),
        "by_must": len(detected) - only_should,
        "only_by_should": only_should,
        "missed": sum(o.result == "missed" for o in faulty),
        "errors": sum(o.result == "error" for o in faulty),
        "kill_rate": round(len(detected) / len(faulty), 4) if faulty else 1.0,
        "clean": _run(clean)["result"],
    }
    return {
        "format": FORMAT,
        "vendor": plan.vendor,
        "suite": str(plan.suite),
        "generated_examples": plan.generated_examples,
        "workers": workers,
        "runner": runner,
        "duration_s": round(seconds, 2),
        "passed": len(detected) == len(faulty) and clean.result == "passed",
        "totals": totals,
        "clean": _run(clean),
        "faults": [_fault(outcome, plan.vendor) for outcome in faulty],
    }


def write_result(path: Path, data: dict[str, Any]) -> None:
    """Write selfcheck.json atomically (a reader never sees half a file)."""
    write_json(path, data)
