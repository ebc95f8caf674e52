"""CPU time of a suite run with the heap frozen after collection (the plugin's default) and
without (`webapi_contract.heap.freeze_loaded` patched to freeze nothing).

Runs `webapi-contract run` against the embedded mock (`--workers 0`, `--generated-examples N`,
no Allure HTML) --repeat times per mode, the modes interleaved so the machine's drift hits both.
Prints, per mode, the median and the spread of CPU seconds (user + sys of the run's process) and
wall seconds, the ratio frozen/unfrozen, and the load average before and after.

    .venv/bin/python bench/heap_freeze.py [--repeat 5] [--generated-examples 1]
        [--vendor superoffice]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A pytest plugin module the unfrozen runs load with `-p`: it makes the plugin freeze nothing.
UNFROZEN_PLUGIN = """
from webapi_contract import heap

heap.freeze_loaded = lambda: False
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def once(mode: str, plugin_dir: Path, examples: int, vendor: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run."""
    with tempfile.TemporaryDirectory(prefix="bench-heap-") as folder:
        command = [
            sys.executable, "-m", "webapi_contract", "run", "--vendor", vendor,
            "--report-dir", str(Path(folder) / "reports"), "--workers", "0",
            "--generated-examples", str(examples), "--no-allure-report",
        ]  # fmt: skip
        if mode == "unfrozen":
            command += ["--", "-p", "bench_heap_unfrozen"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEBAPI_")}
        env["PYTHONPATH"] = str(plugin_dir)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as under `make`: bytecode cached
        before, started = children_cpu(), time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        cpu, wall = children_cpu() - before, time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"the {mode} run failed (exit {done.returncode}):\n{done.stdout[-2000:]}")
    return cpu, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--generated-examples", type=int, default=1)
    parser.add_argument("--vendor", default="superoffice")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs: dict[str, list[tuple[float, float]]] = {"frozen": [], "unfrozen": []}
    with tempfile.TemporaryDirectory(prefix="bench-heap-plugin-") as folder:
        plugin_dir = Path(folder)
        (plugin_dir / "bench_heap_unfrozen.py").write_text(UNFROZEN_PLUGIN, encoding="utf-8")
        once("frozen", plugin_dir, args.generated_examples, args.vendor)  # warm the caches
        for _ in range(args.repeat):
            for mode in runs:
                runs[mode].append(once(mode, plugin_dir, args.generated_examples, args.vendor))
    medians = {}
    for mode, measured in runs.items():
        cpu = [c for c, _ in measured]
        wall = [w for _, w in measured]
        medians[mode] = statistics.median(cpu)
        print(
            f"{mode:>8}: CPU median {medians[mode]:.2f} s (min {min(cpu):.2f}, max "
            f"{max(cpu):.2f}), wall median {statistics.median(wall):.2f} s, {len(cpu)} runs"
        )
    ratio = medians["frozen"] / medians["unfrozen"]
    print(f"frozen/unfrozen CPU: {ratio:.3f} ({(1 - ratio) * 100:.1f} % less CPU a run)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
