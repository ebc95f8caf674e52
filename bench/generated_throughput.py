"""Generated cases per second: our sharded pytest run vs the `schemathesis run` CLI, same mock.

Starts the reference mock in its own process on loopback (so neither client shares its GIL), then:
1. our generated tests (the shipped suite's `test_generated.py`, stateless items only) with `-n 2`,
2. `schemathesis run` on the same `schemas/openapi.json`, same mock, comparable settings: the
   fuzzing phase only, positive and negative modes, the same examples per operation, the same
   checks, a fixed seed, continue on failure, one worker (its default),
and prints cases/s of each (cases counted from each run's own report, wall time incl. startup),
cases per CPU-second of each client (its processes' user + system time: a figure a busy machine
disturbs less than wall time) and the ratios, and the 2xx share of our cases; then times the full
suite (clauses + stateful + >= 1,000 generated cases) with `-n 2` against the embedded mock.
With --repeat N each is run N times (ours and the CLI alternating) and the medians are judged:
PASS or BELOW per target (TARGET_RATIO, TARGET_SUITE_S). Every run is bounded by --timeout.

    .venv/bin/python bench/generated_throughput.py [--examples 100] [--repeat 3] [--no-suite]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_SUITE_S, MIN_SUITE_CASES = 3.0, 45.0, 1000
CHECKS = (
    "not_a_server_error,content_type_conformance,response_headers_conformance,"
    "response_schema_conformance,negative_data_rejection,positive_data_acceptance,"
    "missing_required_header,ignored_auth,status_code_conformance"
)


def start_mock(user: str, password: str) -> tuple[subprocess.Popen[str], str]:
    """The mock in its own process on a free loopback port; its base URL."""
    command = [sys.executable, "-m", "webapi_contract.mock", "--user", f"{user}:{password}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    match = re.search(r"(http://127\.0\.0\.1:\d+\S*)", first)
    if match is None:
        process.kill()
        raise SystemExit(f"the mock did not start: {first!r}")
    return process, match.group(1)


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def junit_cases(path: Path) -> tuple[int, int]:
    """(generated requests, of them answered 2xx) from the junit properties of our run."""
    cases = successes = 0
    for prop in ET.parse(path).iter("property"):
        if prop.get("name") == "generated_statuses":
            statuses = ast.literal_eval(prop.get("value") or "{}")
            cases += sum(statuses.values())
            successes += sum(n for code, n in statuses.items() if 200 <= int(code) < 300)
    return cases, successes


def run_ours(
    base_url: str, user: str, password: str, examples: int, timeout: float
) -> dict[str, Any]:
    """Our stateless generated items with -n 2 against base_url."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            str(VENV_BIN / "pytest"),
            "src/webapi_contract/suites/superoffice/test_generated.py::test_generated_cases_conform",
            "-q",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            f"--base-url={base_url}",
            f"--webapi-generated-examples={examples}",
            f"--junitxml={junit}",
            "-o",
            "junit_family=xunit1",
        ]
        # The credentials go in the environment, not on a command line other users can read.
        env = {**os.environ, "WEBAPI_USERNAME": user, "WEBAPI_PASSWORD": password}
        started, cpu = time.perf_counter(), children_cpu()
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
        )
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        cases, successes = junit_cases(junit) if junit.is_file() else (0, 0)
    tail = done.stdout.strip().splitlines()[-1:] or [""]
    return {"cases": cases, "successes": successes, "wall": wall, "cpu": cpu, "summary": tail[0]}


def run_cli(
    base_url: str, user: str, password: str, examples: int, timeout: float
) -> dict[str, Any]:
    """`schemathesis run` with settings comparable to ours."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            str(VENV_BIN / "schemathesis"),
            "run",
            str(ROOT / "schemas" / "openapi.json"),
            "--url",
            base_url,
            "--auth",
            f"{user}:{password}",
            "--phases",
            "fuzzing",
            "--mode",
            "all",
            "--max-examples",
            str(examples),
            "--seed",
            "0",
            "--checks",
            CHECKS,
            "--continue-on-failure",
            "--no-color",
            "--report",
            "json",
            "--report-dir",
            tmp,
        ]
        env = {**os.environ, "NO_COLOR": "1"}
        started, cpu = time.perf_counter(), children_cpu()
        done = subprocess.run(
            command, cwd=tmp, capture_output=True, text=True, timeout=timeout, env=env
        )
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    match = re.search(r"(\d+) generated", done.stdout)
    return {"cases": int(match.group(1)) if match else 0, "wall": wall, "cpu": cpu}


def run_suite(examples: int, timeout: float) -> dict[str, Any]:
    """The whole contract suite with -n 2 against the embedded mock."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            str(VENV_BIN / "pytest"),
            "src/webapi_contract/suites/superoffice",
            "-q",
            "-n",
            "2",
            "-p",
            "no:cacheprovider",
            f"--webapi-generated-examples={examples}",
            f"--junitxml={junit}",
            "-o",
            "junit_family=xunit1",
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        wall = time.perf_counter() - started
        cases, successes = junit_cases(junit) if junit.is_file() else (0, 0)
    tail = done.stdout.strip().splitlines()[-1:] or [""]
    return {"cases": cases, "successes": successes, "wall": wall, "summary": tail[0]}


def _verdict(met: bool) -> str:
    return "PASS" if met else "BELOW"


def _share(run: dict[str, Any]) -> float:
    return run["successes"] / run["cases"] if run["cases"] else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per variant/operation")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians are judged")
    parser.add_argument("--no-suite", action="store_true", help="skip the full-suite run")
    args = parser.parse_args()
    user, password = "bench", secrets.token_urlsafe(12)
    mock, base_url = start_mock(user, password)
    ratios, cpu_ratios, ours_runs, cli_runs = [], [], [], []
    try:
        for _ in range(args.repeat):
            ours = run_ours(base_url, user, password, args.examples, args.timeout)
            cli = run_cli(base_url, user, password, args.examples, args.timeout)
            our_rate = ours["cases"] / ours["wall"]
            cli_rate = cli["cases"] / cli["wall"] if cli["cases"] else 0.0
            ratios.append(our_rate / cli_rate if cli_rate else float("inf"))
            our_per_cpu = ours["cases"] / ours["cpu"] if ours["cpu"] else 0.0
            cli_per_cpu = cli["cases"] / cli["cpu"] if cli["cpu"] else 0.0
            cpu_ratios.append(our_per_cpu / cli_per_cpu if cli_per_cpu else float("inf"))
            ours_runs.append(ours)
            cli_runs.append(cli)
            print(
                f"ours (pytest -n 2):   {ours['cases']:5d} cases in {ours['wall']:5.1f} s = "
                f"{our_rate:6.1f} cases/s, {our_per_cpu:5.1f} per CPU-s; "
                f"2xx share {_share(ours):.1%} ({ours['summary']})"
            )
            print(
                f"schemathesis run CLI: {cli['cases']:5d} cases in {cli['wall']:5.1f} s = "
                f"{cli_rate:6.1f} cases/s, {cli_per_cpu:5.1f} per CPU-s; ratio {ratios[-1]:.2f}x "
                f"(per CPU-s {cpu_ratios[-1]:.2f}x)"
            )
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    print(f"mock: {base_url} (own process, loopback; its CPU counted in neither)")
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    ratio = statistics.median(ratios)
    print(
        f"ratio (median of {len(ratios)}): {ratio:.2f}x (target >= {TARGET_RATIO:g}x): "
        f"{_verdict(ratio >= TARGET_RATIO)}"
    )
    print(
        f"per CPU-second of the client (median of {len(cpu_ratios)}, "
        f"load-independent): {statistics.median(cpu_ratios):.2f}x"
    )
    shares = statistics.median(_share(run) for run in ours_runs)
    print(f"2xx share of our generated cases (median): {shares:.1%}")
    if args.no_suite:
        return 0
    suites = [run_suite(args.examples, args.timeout) for _ in range(args.repeat)]
    for suite in suites:
        print(
            f"full suite (-n 2, embedded mock): {suite['wall']:.1f} s wall, {suite['cases']} "
            f"generated cases ({_share(suite):.1%} 2xx) + clauses + stateful; {suite['summary']}"
        )
    wall = statistics.median(suite["wall"] for suite in suites)
    cases = min(suite["cases"] for suite in suites)
    print(
        f"full suite wall (median of {len(suites)}): {wall:.1f} s (target <= {TARGET_SUITE_S:g} s "
        f"with >= {MIN_SUITE_CASES} generated cases, {cases} run): "
        f"{_verdict(wall <= TARGET_SUITE_S and cases >= MIN_SUITE_CASES)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
