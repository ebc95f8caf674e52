"""Wall time of a sharded run on one small machine: N shards in parallel vs one unsharded run.

What a user with one 2-core CI runner would try, against the embedded mock (each run starts its
own, as `webapi-contract run` does without --base-url):
1. unsharded: `webapi-contract run --workers 2` (the default), one process;
2. sharded: N processes at once, `webapi-contract run --shard i/N --workers 0 --run-id ID`
   (one pytest process each, no xdist), wall = first start to last exit;
3. merge: `webapi-contract merge` of the N shard folders.
Every run is pinned to the same --cores CPUs (Linux affinity) and bounded by --timeout. Prints
each wall, the ratios sharded/unsharded and (sharded + merge)/unsharded, and the clause and
generated-case counts of both (they must agree: the shards cover the run once).

    .venv/bin/python bench/shard_wall.py [--shards 4] [--cores 2] [--examples 20] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
_DROP = ("WEBAPI_", "PYTEST_", "GITHUB_", "GITLAB_", "CI_")


def tool() -> list[str]:
    program = VENV_BIN / "webapi-contract"
    return [str(program)] if program.exists() else [sys.executable, "-m", "webapi_contract"]


def environment(examples: int) -> dict[str, str]:
    """This environment without the user's or a CI system's settings; the example count."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROP) and k != "CI"}
    env.update({"WEBAPI_GENERATED_EXAMPLES": str(examples), "WEBAPI_NO_ALLURE_REPORT": "1"})
    return env


def pinning(cores: int) -> Callable[[], None] | None:
    """A preexec_fn that keeps a process (and its children) on the first `cores` CPUs."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    chosen = sorted(os.sched_getaffinity(0))[:cores]
    return lambda: os.sched_setaffinity(0, chosen)


def counts(report_dir: Path) -> tuple[int, int, int]:
    """(clauses, tests, generated cases) of a report folder's conformance.json."""
    path = report_dir / "conformance.json"
    if not path.is_file():
        return 0, 0, 0
    totals = json.loads(path.read_text(encoding="utf-8"))["totals"]
    return totals["clauses"], totals["tests"], totals["generated_cases"]


def timed(
    commands: list[list[str]], cwd: Path, env: dict[str, str], args: argparse.Namespace
) -> tuple[float, list[tuple[int, float]]]:
    """Start every command at once; (wall from first start to last exit, [(rc, seconds)])."""
    started = time.perf_counter()
    running = [
        (
            subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=pinning(args.cores),
            ),
            time.perf_counter(),
        )
        for command in commands
    ]
    finished: list[tuple[int, float]] = []
    for process, began in running:
        try:
            _, err = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        finished.append((process.returncode, time.perf_counter() - began))
        if process.returncode != 0:
            print(f"  exit {process.returncode}: {' '.join(commands[len(finished) - 1][1:])}")
            print("  " + "\n  ".join((err or "").strip().splitlines()[-5:]))
    return time.perf_counter() - started, finished


def one_round(args: argparse.Namespace, work: Path, env: dict[str, str]) -> dict[str, Any]:
    run = [*tool(), "run"]
    unsharded_dir = work / "unsharded"
    unsharded, _ = timed(
        [[*run, "--workers", "2", "--report-dir", str(unsharded_dir)]], work, env, args
    )
    shard_dirs = [work / f"shard-{i}" for i in range(1, args.shards + 1)]
    shard_commands = [
        [
            *run,
            "--shard",
            f"{i}/{args.shards}",
            "--workers",
            "0",
            "--run-id",
            work.name,
            "--report-dir",
            str(folder),
        ]
        for i, folder in enumerate(shard_dirs, start=1)
    ]
    sharded, per_shard = timed(shard_commands, work, env, args)
    merged_dir = work / "merged"
    merge_command = [*tool(), "merge", *map(str, shard_dirs), "--out", str(merged_dir)]
    merge, _ = timed([merge_command], work, env, args)
    return {
        "unsharded": unsharded,
        "sharded": sharded,
        "merge": merge,
        "shards": [seconds for _, seconds in per_shard],
        "counts_unsharded": counts(unsharded_dir),
        "counts_merged": counts(merged_dir),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=4, help="shards run in parallel")
    parser.add_argument("--cores", type=int, default=2, help="CPUs every run is pinned to")
    parser.add_argument("--examples", type=int, default=20, help="generated examples per variant")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are printed")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    args = parser.parse_args()
    env = environment(args.examples)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rounds: list[dict[str, Any]] = []
    for n in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix=f"shard-wall-{n}-") as tmp:
            rounds.append(one_round(args, Path(tmp), env))

    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in rounds))

    unsharded, sharded, merge = median("unsharded"), median("sharded"), median("merge")
    last = rounds[-1]
    print(
        f"machine: {available} CPU(s) available, runs pinned to {min(args.cores, available or 1)}; "
        f"{args.examples} generated examples per variant; {args.repeat} round(s), medians"
    )
    each = ", ".join(f"{s:.1f}" for s in last["shards"])
    rows = [
        ("unsharded: run --workers 2", unsharded, ""),
        (
            f"sharded: {args.shards} x run --shard i/{args.shards} --workers 0",
            sharded,
            f" (last round, per shard: {each} s)",
        ),
        (f"merge of the {args.shards} shard folders", merge, ""),
    ]
    width = max(len(label) for label, _, _ in rows)
    for label, seconds, note in rows:
        print(f"{label:<{width}}  {seconds:6.1f} s wall{note}")
    print(
        f"ratio sharded/unsharded: {sharded / unsharded:.2f}; "
        f"(sharded + merge)/unsharded: {(sharded + merge) / unsharded:.2f}"
    )
    clauses, tests, cases = last["counts_unsharded"]
    m_clauses, m_tests, m_cases = last["counts_merged"]
    same = (clauses, tests, cases) == (m_clauses, m_tests, m_cases)
    print(
        f"counts (clauses, tests, generated cases): unsharded {clauses}, {tests}, {cases}; "
        f"merged {m_clauses}, {m_tests}, {m_cases} ({'same' if same else 'DIFFERENT'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
