"""Times `kerascheck run` against a plain capped run of the wide and deep fixture.

python tests/runtime/bench_speed.py [repeats]: prints the median wall time of
  plain      python fixtures/runtime/wide_deep_seeded.py 2   (the same 2-epoch cap)
  no-repro   kerascheck run --no-repro
  run        kerascheck run (with the reproducibility run)
and the ratios the issue bounds (instrumentation <= 1.2x, with reproducibility <= 2.5x).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = str(ROOT / "fixtures" / "runtime" / "wide_deep_seeded.py")
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT)}
COMMANDS = {
    "plain": [sys.executable, SCRIPT, "2"],
    "no-repro": [sys.executable, "-m", "kerascheck", "run", SCRIPT, "--no-repro"],
    "run": [sys.executable, "-m", "kerascheck", "run", SCRIPT],
}


def timed(command: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=False, capture_output=True)
    return time.perf_counter() - started


def main(repeats: int) -> None:
    scratch = ROOT / ".bench-scratch"  # the plain run's checkpoints land here, not in the tree
    scratch.mkdir(exist_ok=True)
    medians = {}
    for name, command in COMMANDS.items():
        times = [timed(command, str(scratch)) for _ in range(repeats)]
        medians[name] = statistics.median(times)
        print(f"{name:9s} median {medians[name]:.2f} s  ({', '.join(f'{t:.2f}' for t in times)})")
    print(f"no-repro / plain = {medians['no-repro'] / medians['plain']:.2f}")
    print(f"run / plain      = {medians['run'] / medians['plain']:.2f}")
    for leftover in scratch.iterdir():
        leftover.unlink()
    scratch.rmdir()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
