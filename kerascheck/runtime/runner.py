"""The parent's side of a child run: start it, watch time and memory, collect its result."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kerascheck.runtime.protocol import (
    OUTPUT_FILE,
    PROGRESS_FILE,
    RESULT_FILE,
    SPEC_FILE,
    ChildSpec,
)

POLL_SECONDS = 0.1
# What the package root is, so the child imports this very kerascheck.
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

Progress = Callable[[int, str, str], None]


@dataclass
class ChildRun:
    """How one child run ended: its result, or why there is none."""

    workdir: str
    result: dict[str, Any] | None = None
    failure: str | None = None
    returncode: int | None = None
    seconds: float = 0.0
    output_tail: str = ""
    stages: list[str] = field(default_factory=list)


def child_environment(device: str, threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("MPLBACKEND", "Agg")  # plt.show() must not wait for a window
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
        env["JAX_PLATFORMS"] = "cpu"
    if threads is None and env.get("KERAS_BACKEND") == "torch":
        threads = 1  # torch's own pool on a busy small machine made epochs vary 1.3-29 s
    if threads is not None:
        # Two children share the machine: one thread pool each keeps them from thrashing.
        for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, str(threads))
        env.setdefault("TF_NUM_INTEROP_THREADS", "1")
    return env


def start(spec: ChildSpec, threads: int | None) -> subprocess.Popen[bytes]:
    workdir = spec["workdir"]
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, SPEC_FILE), "w", encoding="utf-8") as handle:
        json.dump(spec, handle)
    output = open(os.path.join(workdir, OUTPUT_FILE), "wb")  # noqa: SIM115 - the child owns it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "kerascheck.runtime.child", workdir],
            cwd=workdir,
            env=child_environment(spec["device"], threads),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group: a timeout or Ctrl-C ends everything the script started.
            start_new_session=True,
        )
    finally:
        output.close()


def run_all(
    specs: list[ChildSpec],
    timeout: float,
    memory_limit_mb: int | None,
    progress: Progress,
    threads: int | None = None,
) -> list[ChildRun]:
    """Run the children side by side; each is stopped at the timeout or the memory limit."""
    started = time.monotonic()
    processes = [start(spec, threads) for spec in specs]
    runs = [ChildRun(workdir=spec["workdir"]) for spec in specs]
    seen = [0] * len(specs)
    try:
        while any(p.poll() is None for p in processes):
            elapsed = time.monotonic() - started
            for number, (process, run) in enumerate(zip(processes, runs, strict=False)):
                if process.poll() is not None:
                    continue
                seen[number] = _report_progress(run, number, seen[number], progress)
                if elapsed > timeout:
                    run.failure = f"stopped after {timeout:g} s (--timeout)"
                    _kill(process)
                elif memory_limit_mb and _rss_mb(process.pid) > memory_limit_mb:
                    run.failure = (
                        f"stopped: it used more than {memory_limit_mb} MB (--memory-limit)"
                    )
                    _kill(process)
            time.sleep(POLL_SECONDS)
    except BaseException:  # Ctrl-C included: never leave a child behind
        for process in processes:
            _kill(process)
        for process in processes:
            process.wait(timeout=10)
        raise
    for process, run in zip(processes, runs, strict=False):
        _kill(process)  # what the script left running in its group
        run.returncode = process.wait()
        run.seconds = time.monotonic() - started
        _collect(run)
    return runs


def _report_progress(run: ChildRun, number: int, seen: int, progress: Progress) -> int:
    path = os.path.join(run.workdir, PROGRESS_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return seen
    for line in lines[seen:]:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            return seen  # a line still being written
        run.stages.append(event["stage"])
        progress(number, event["stage"], event.get("detail", ""))
        seen += 1
    return seen


def _collect(run: ChildRun) -> None:
    try:
        with open(os.path.join(run.workdir, OUTPUT_FILE), encoding="utf-8", errors="replace") as f:
            run.output_tail = f.read()[-3000:]
    except OSError:
        run.output_tail = ""
    try:
        with open(os.path.join(run.workdir, RESULT_FILE), encoding="utf-8") as handle:
            run.result = json.load(handle)
    except (OSError, json.JSONDecodeError):
        run.result = None
    if run.result is None and run.failure is None:
        run.failure = _death(run.returncode)


def _death(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the child process died from {name} before it could report"
    return (
        f"the child process exited with status {returncode} without a report "
        "(os._exit, or a crash in native code)"
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
