"""What `kerascheck run` costs over a plain run of the same script with the same epochs.

    python bench/runtime_cost.py [--runs 3] [script.py epochs]

Wall time and CPU time (user + system of the process and all its children) of a plain
`python script.py EPOCHS`, `kerascheck run --no-repro` and the full `kerascheck run` (two runs
side by side), each the median of several fresh processes. CPU time is the steadier figure on
a shared machine; wall time is what a user waits for.
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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "fixtures" / "runtime" / "wide_deep_seeded.py"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}


def measure(command: list[str], cwd: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(command: list[str], runs: int, cwd: str) -> tuple[float, float]:
    found = [measure(command, cwd) for _ in range(runs)]
    return statistics.median(w for w, _ in found), statistics.median(c for _, c in found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("script", nargs="?", default=str(DEFAULT))
    parser.add_argument("epochs", nargs="?", default="2")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    kerascheck = [sys.executable, "-m", "kerascheck", "run", "--epochs", options.epochs]
    with tempfile.TemporaryDirectory() as work:
        rows = {
            "plain": median([sys.executable, options.script, options.epochs], options.runs, work),
            "no-repro": median([*kerascheck, "--no-repro", options.script], options.runs, work),
            "full": median([*kerascheck, options.script], options.runs, work),
        }
    plain_wall, plain_cpu = rows["plain"]
    print(f"{'':10s} {'wall s':>8s} {'x plain':>8s} {'CPU s':>8s} {'x plain':>8s}")
    for name, (wall, cpu) in rows.items():
        print(f"{name:10s} {wall:8.2f} {wall / plain_wall:8.2f} {cpu:8.2f} {cpu / plain_cpu:8.2f}")


if __name__ == "__main__":
    main()
