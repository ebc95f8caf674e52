"""Wall and CPU time of `webapi-contract selfcheck`: forked runs vs a process per run.

Runs `webapi-contract selfcheck --json FILE` (every fault of the vendor's catalogue, or --faults)
with the fork server (the default) and with `--no-fork` (each run its own `python -m pytest`
process, as before the fork server), each --repeat times, at --workers runs at a time. Prints,
per mode, the median wall (selfcheck's own `duration_s`) and CPU seconds (user + sys of the
whole process tree), the kill rate and the clean verdict (they must agree), and the ratios
fork/no-fork. The machine's load average is printed before and after: other work skews walls.

    .venv/bin/python bench/selfcheck_wall.py [--vendor superoffice] [--workers 4] [--repeat 1]
        [--faults A,B] [--modes fork,no-fork]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent


def tool() -> list[str]:
    program = VENV_BIN / "webapi-contract"
    return [str(program)] if program.exists() else [sys.executable, "-m", "webapi_contract"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def once(args: list[str], mode: str) -> dict[str, Any]:
    """One selfcheck: its selfcheck.json, and the CPU seconds its process tree used."""
    with tempfile.TemporaryDirectory(prefix="bench-selfcheck-") as folder:
        path = Path(folder) / "selfcheck.json"
        extra = ["--no-fork"] if mode == "no-fork" else []
        before = children_cpu()
        subprocess.run(
            [*tool(), "selfcheck", *args, *extra, "--json", str(path)],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        cpu = children_cpu() - before
        result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    result["cpu_s"] = cpu
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendor", default="superoffice")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--faults", default="")
    parser.add_argument("--modes", default="fork,no-fork")
    options = parser.parse_args()
    args = ["--vendor", options.vendor, "--workers", str(options.workers)]
    if options.faults:
        args += ["--faults", options.faults]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    medians: dict[str, tuple[float, float]] = {}
    for mode in options.modes.split(","):
        runs = [once(args, mode) for _ in range(options.repeat)]
        wall = statistics.median(r["duration_s"] for r in runs)
        cpu = statistics.median(r["cpu_s"] for r in runs)
        medians[mode] = (wall, cpu)
        totals = runs[-1]["totals"]
        walls = ", ".join(f"{r['duration_s']:.1f}" for r in runs)
        print(
            f"{mode:8} wall {wall:6.1f} s  cpu {cpu:6.1f} s  kill rate "
            f"{totals['detected']}/{totals['faults']} ({totals['by_must']} must, "
            f"{totals['only_by_should']} should), clean {totals['clean']}  "
            f"[walls: {walls}]"
        )
    if "fork" in medians and "no-fork" in medians:
        (fork_wall, fork_cpu), (alone_wall, alone_cpu) = medians["fork"], medians["no-fork"]
        print(f"fork/no-fork: wall {fork_wall / alone_wall:.2f}, cpu {fork_cpu / alone_cpu:.2f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
