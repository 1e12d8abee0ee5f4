"""Nothing of the user's touched, nothing left running: writes, signals, memory, environment."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ENV, FIXTURES, run_json

pytestmark = pytest.mark.runtime
SAFETY = FIXTURES / "safety"


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(root)) + "/": "" for p in root.rglob("*") if p.is_dir()}


def test_writes_in_many_ways_leave_the_tree_byte_identical(tmp_path: Path) -> None:
    shutil.copy(SAFETY / "writes.py", tmp_path)
    (tmp_path / "existing.log").write_text("before\n")
    (tmp_path / "to_delete.txt").write_text("keep me\n")
    before = _tree(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    # Both runs, side by side: the second one's os.mkdir("results") must work too.
    exit_code, report = run_json("writes.py", cwd=tmp_path)
    assert report["errors"] == [], report["errors"]
    assert _tree(tmp_path) == before
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps
    verdict = report["runtime"][0]["models"][0]["reproducibility"]
    assert verdict["verdict"] == "identical", verdict
    assert exit_code == (1 if report["diagnostics"] else 0)


def _runs_of(root: Path) -> set[int]:
    """Processes that carry this test's run folder in their environment."""
    needle = f"KERASCHECK_RUN_ROOT={root}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def _start_and_wait(tmp: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    parent = subprocess.Popen(
        [sys.executable, "-m", "kerascheck", "run", str(SAFETY / "spawns.py")],
        env={**os.environ, **ENV, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    found: set[int] = set()
    while time.monotonic() < deadline:
        roots = list(tmp.glob("kerascheck-run-*"))
        # Both runs, each with its child in a session of its own.
        found = set().union(*(_runs_of(r) for r in roots)) if roots else set()
        if len(found) >= 4:
            break
        time.sleep(0.2)
    assert len(found) >= 4, found
    return parent, found


def _gone(pids: set[int], tmp: Path, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = {p for p in pids if Path(f"/proc/{p}").exists() and _not_zombie(p)}
        if not alive and not list(tmp.glob("kerascheck-run-*")):
            return True
        time.sleep(0.2)
    return False


def _not_zombie(pid: int) -> bool:
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_ends_every_process_and_removes_the_run_folder(tmp_path: Path) -> None:
    parent, pids = _start_and_wait(tmp_path)
    parent.send_signal(signal.SIGTERM)
    parent.communicate(timeout=60)
    assert parent.returncode == 143
    assert _gone(pids, tmp_path), pids


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_the_parent_leaves_no_process_and_no_folder(tmp_path: Path) -> None:
    parent, pids = _start_and_wait(tmp_path)
    parent.kill()
    parent.communicate(timeout=60)
    assert _gone(pids, tmp_path), pids


def test_memory_of_a_subprocess_counts_toward_the_limit(tmp_path: Path) -> None:
    started = time.monotonic()
    exit_code, report = run_json(
        str(SAFETY / "allocates.py"), "--no-repro", "--memory-limit", "300", cwd=tmp_path
    )
    assert time.monotonic() - started < 60
    assert exit_code == 2
    (error,) = report["errors"]
    assert "--memory-limit" in error["message"] and "300 MB" in error["message"]


def test_backend_chosen_by_the_script_is_honoured(tmp_path: Path) -> None:
    exit_code, report = run_json(
        str(SAFETY / "backend_numpy.py"), "--no-repro", "--no-training", cwd=tmp_path
    )
    assert report["errors"] == [], report["errors"]
    assert report["runtime"][0]["backend"] == "numpy"
    assert exit_code == 0


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="jax is not installed")
def test_jax_backend_chosen_by_the_script_is_measured(tmp_path: Path) -> None:
    exit_code, report = run_json(str(SAFETY / "backend_jax.py"), "--no-repro", cwd=tmp_path)
    assert report["runtime"][0]["backend"] == "jax"
    assert "KR004" in {d["code"] for d in report["diagnostics"]}, report
    assert exit_code == 1


def test_sys_path_is_what_plain_python_gives(tmp_path: Path) -> None:
    env = {k: v for k, v in ENV.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kerascheck",
            "run",
            "--format",
            "json",
            "--no-repro",
            "--no-training",
            str(SAFETY / "sys_path.py"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
