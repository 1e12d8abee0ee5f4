"""The runtime labelled set over several seeds: misses and false alarms of `kerascheck run`.

    python bench/labelled.py --seeds 5            # every statistical target, seeds 0-4
    python bench/labelled.py --seeds 1 --all      # every target once

Each target of tests/runtime/labelled/labels.json runs in a child `kerascheck run`, two at
a time; a fault counts as found when its code is reported, a correct twin as a false alarm
when any runtime (KR) finding or error is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "runtime" / "labelled"
ENV = {
    "NO_COLOR": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}


def labels() -> dict[str, dict[str, Any]]:
    found = json.loads((LABELLED / "labels.json").read_text())
    return {k: v for k, v in found.items() if not k.startswith("_")}


def run_target(name: str, label: dict[str, Any], seed: int) -> dict[str, Any]:
    # The seed reaches the scripts (LABELLED_SEED) and kerascheck's synthetic data (--seed);
    # a factory's model is built unseeded, so each of its runs draws new weights as well.
    args = [sys.executable, "-m", "kerascheck", "run", "--format", "json", "--seed", str(seed)]
    if not label.get("repro"):
        args.append("--no-repro")
    args.append(str(LABELLED / name))
    started = time.monotonic()
    done = subprocess.run(
        args,
        cwd=LABELLED,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, "LABELLED_SEED": str(seed), "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    report = json.loads(done.stdout) if done.stdout.strip() else {"diagnostics": [], "errors": []}
    return {
        "target": name,
        "seed": seed,
        "exit": done.returncode,
        "codes": sorted({d["code"] for d in report["diagnostics"] if d["code"].startswith("KR")}),
        "errors": [e["message"][:200] for e in report["errors"]],
        "messages": [d["message"] for d in report["diagnostics"] if d["code"].startswith("KR")],
        "report": report,
        "seconds": time.monotonic() - started,
    }


def verdict(label: dict[str, Any], outcome: dict[str, Any]) -> str:
    expected = set(label["expect"])
    codes = set(outcome["codes"])
    if expected:
        # A fault may also crash the fit (labels the loss rejects): found is found.
        return "found" if expected <= codes else ("error" if outcome["errors"] else "missed")
    return "false alarm" if codes or outcome["errors"] else "clean"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="every target, not only statistical")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="targets whose name contains this")
    options = parser.parse_args()
    table = labels()
    jobs = [
        (name, label, seed)
        for name, label in table.items()
        if (options.all or label.get("statistical")) and options.only in name
        for seed in range(options.seeds if label.get("statistical") else 1)
    ]
    with ThreadPoolExecutor(options.jobs) as pool:
        outcomes = list(pool.map(lambda job: run_target(*job), jobs))
    tally: dict[str, dict[str, int]] = {}
    for (name, label, _), outcome in zip(jobs, outcomes, strict=True):
        result = verdict(label, outcome)
        tally.setdefault(name, {}).setdefault(result, 0)
        tally[name][result] += 1
        if result not in ("found", "clean"):
            print(f"{name} seed {outcome['seed']}: {result} {outcome['codes']} {outcome['errors']}")
            for message in outcome["messages"]:
                print(f"    {message[:300]}")
    faults = [n for n in tally if table[n]["expect"]]
    twins = [n for n in tally if not table[n]["expect"]]
    runs_faults = sum(sum(tally[n].values()) for n in faults)
    runs_twins = sum(sum(tally[n].values()) for n in twins)
    found = sum(tally[n].get("found", 0) for n in faults)
    alarms = sum(tally[n].get("false alarm", 0) + tally[n].get("error", 0) for n in twins)
    print(json.dumps(tally, indent=1))
    print(f"faults found: {found}/{runs_faults} runs; false alarms: {alarms}/{runs_twins} runs")
    print(f"wall time {sum(o['seconds'] for o in outcomes):.0f} s of child runs")


if __name__ == "__main__":
    main()
