"""`webapi-contract selfcheck`: prove the contract suite fails against broken servers.

The suite runs once against the clean reference mock, which it must pass, and once against the
mock with each fault of the vendor's catalogue (mock/<vendor>/faults.py) switched on, which it
must fail. Every run is its own pytest session against its own in-process mock on a free
loopback port, a few at a time (`--workers`), the clean run (the longest) first. A faulty run
stops at its first failure (`-x`); the suite orders its clauses foundations first, so that
failure names the behaviour that broke. Each session is forked from a fork server that imported
pytest, the plugin and the suite once (`forkserver.py`; `--no-fork`: a `python -m pytest`
process per run). Its verdicts are read from the conformance.json the plugin writes into the
run's report folder (`--webapi-report-dir`): the suite runs with webapi-contract's plugin.
Credentials are generated per run and reach pytest through the environment; they are never
printed, and any output shown is masked.

The table says, per fault, detected or missed, which clause failed and how long it took; the
closing line gives the kill rate. `--json FILE` writes the same as data (selfcheck.json):

    {"format": "webapi-contract/selfcheck/1", "vendor", "suite", "generated_examples",
     "workers", "runner", "duration_s",
     "passed": true when every fault is detected and the clean run passed (exit status 0),
     "totals": {"faults", "detected", "by_must", "only_by_should", "missed", "errors",
                "kill_rate" (detected / faults), "clean" (the clean run's result)},
     "clean": RUN,                        RUN.result: passed, failed or error
     "faults": [{"fault", "area", "summary", **RUN, "only_should"}, …]}   in catalogue order;
                                          RUN.result: detected, missed or error
    RUN = {"result", "seconds", "tests" (run before the first failure), "exit_status",
           "problem" (why the run could not be judged, else null),
           "failed": [{"kind": "clause" | "generated" | "test", "level": "must" | "should",
                       "clause" (its title, else null), "doc" (file:line, else null),
                       "checks" (a generated test's failed checks), "test" (pytest node id),
                       "message" (masked; its last 2000 characters)}, …]}

A fault is detected when its run failed with at least one failed test, by a must unless every
failure is a `should` ("only_should"); missed when everything passed; error when the run could
not be judged (no conformance.json, a timeout, pytest's exit status 2-5).
"""

from __future__ import annotations

from webapi_contract.selfcheck.command import command, main, register, selfcheck
from webapi_contract.selfcheck.result import FORMAT, document, write_result
from webapi_contract.selfcheck.runs import (
    CLEAN,
    Failure,
    Outcome,
    Plan,
    SuiteNotFoundError,
    environment,
    find_suite,
    project_root,
    read_conformance,
    run_once,
)

__all__ = [
    "CLEAN",
    "FORMAT",
    "Failure",
    "Outcome",
    "Plan",
    "SuiteNotFoundError",
    "command",
    "document",
    "environment",
    "find_suite",
    "main",
    "project_root",
    "read_conformance",
    "register",
    "run_once",
    "selfcheck",
    "write_result",
]
