"""Helpers for the runtime tests: `kerascheck run` in a real subprocess, with small thread pools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "runtime"
LABELLED = Path(__file__).resolve().parent / "labelled"
# Two cores: one thread per pool keeps two children (the reproducibility run) from thrashing.
ENV = {
    "NO_COLOR": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "PYTHONPATH": str(ROOT),
}


def kerascheck_run(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kerascheck", "run", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **ENV, **(env or {})},
        timeout=timeout,
    )


def run_json(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Exit code and the one JSON object printed on stdout."""
    done = kerascheck_run("--format", "json", *args, cwd=cwd, env=env)
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout)


def codes(report: dict[str, Any]) -> set[str]:
    return {d["code"] for d in report["diagnostics"]}


def runtime_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The KR findings only: the static rules' own codes may change under us."""
    return [d for d in report["diagnostics"] if d["code"].startswith("KR")]


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def labels() -> dict[str, dict[str, Any]]:
    found = json.loads((LABELLED / "labels.json").read_text())
    return {k: v for k, v in found.items() if not k.startswith("_")}


@pytest.fixture(scope="session")
def labelled_reports() -> dict[str, tuple[int, dict[str, Any]]]:
    """Every labelled target run once (seed 0), two at a time: one run shared by its tests."""

    def one(name: str) -> tuple[int, dict[str, Any]]:
        args = [] if labels()[name].get("repro") else ["--no-repro"]
        return run_json(*args, str(LABELLED / name), cwd=LABELLED, env={"LABELLED_SEED": "0"})

    names = list(labels())
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(names, pool.map(one, names), strict=True))
