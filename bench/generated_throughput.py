"""Generated cases per second: our sharded pytest run vs the `schemathesis run` CLI, same mock.

Starts the reference mock in its own process on loopback (so neither client shares its GIL), then:
1. our generated tests (the shipped suite's `test_generated.py`, stateless items only) with `-n 2`,
2. `schemathesis run` on the same `schemas/openapi.json`, same mock, comparable settings: the
   fuzzing phase only, positive and negative modes, the same examples per operation, the same
   checks, a fixed seed, continue on failure, one worker (its default),
and prints cases/s of each (cases counted from each run's own report, wall time incl. startup)
and the ratio; then times the full suite (clauses + stateful + >= 1,000 generated cases) with
`-n 2` against the embedded mock. Every run is bounded by --timeout.

    .venv/bin/python bench/generated_throughput.py [--examples 100] [--timeout 300]
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_SUITE_S, MIN_SUITE_CASES = 2.0, 30.0, 1000
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


def junit_cases(path: Path) -> tuple[int, int]:
    """(generated requests, of them answered 2xx) from the junit properties of our run."""
    cases = successes = 0
    for prop in ET.parse(path).iter("property"):
        if prop.get("name") == "generated_statuses":
            statuses = ast.literal_eval(prop.get("value") or "{}")
            cases += sum(statuses.values())
            successes += sum(n for code, n in statuses.items() if 200 <= int(code) < 300)
    return cases, successes


def run_ours(base_url: str, user: str, password: str, examples: int, timeout: float) -> dict:
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
            f"--username={user}",
            f"--password={password}",
            f"--generated-examples={examples}",
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


def run_cli(base_url: str, user: str, password: str, examples: int, timeout: float) -> dict:
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
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=tmp, capture_output=True, text=True, timeout=timeout, env=env
        )
        wall = time.perf_counter() - started
    match = re.search(r"(\d+) generated", done.stdout)
    return {"cases": int(match.group(1)) if match else 0, "wall": wall}


def run_suite(examples: int, timeout: float) -> dict:
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
            f"--generated-examples={examples}",
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per variant/operation")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per run")
    args = parser.parse_args()
    user, password = "bench", secrets.token_urlsafe(12)
    mock, base_url = start_mock(user, password)
    try:
        ours = run_ours(base_url, user, password, args.examples, args.timeout)
        cli = run_cli(base_url, user, password, args.examples, args.timeout)
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    suite = run_suite(args.examples, args.timeout)
    our_rate = ours["cases"] / ours["wall"]
    cli_rate = cli["cases"] / cli["wall"] if cli["cases"] else 0.0
    ratio = our_rate / cli_rate if cli_rate else float("inf")
    share = ours["successes"] / ours["cases"] if ours["cases"] else 0.0
    print(f"mock: {base_url} (own process, loopback)")
    print(
        f"ours (pytest -n 2):   {ours['cases']:5d} cases in {ours['wall']:5.1f} s = "
        f"{our_rate:6.1f} cases/s; 2xx share {share:.1%} ({ours['summary']})"
    )
    print(
        f"schemathesis run CLI: {cli['cases']:5d} cases in {cli['wall']:5.1f} s = "
        f"{cli_rate:6.1f} cases/s"
    )
    print(f"ratio: {ratio:.2f}x (target >= {TARGET_RATIO:g}x)")
    print(
        f"full suite (-n 2, embedded mock): {suite['wall']:.1f} s wall, {suite['cases']} generated "
        f"cases + clauses + stateful (target < {TARGET_SUITE_S:g} s with >= {MIN_SUITE_CASES}); "
        f"{suite['summary']}"
    )
    met = ratio >= TARGET_RATIO and suite["wall"] < TARGET_SUITE_S
    met = met and suite["cases"] >= MIN_SUITE_CASES
    print("targets met" if met else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
