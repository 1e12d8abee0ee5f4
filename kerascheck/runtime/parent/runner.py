"""The parent's side of a child run: start it, watch time and memory, collect its result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kerascheck.runtime.parent import processes
from kerascheck.runtime.protocol import (
    OUTPUT_FILE,
    PARENT_PID,
    PROGRESS_FILE,
    RESULT_FILE,
    RUN_MARKER,
    SPEC_FILE,
    ChildResult,
    ChildSpec,
)

POLL_SECONDS = 0.1
MEMORY_POLL_SECONDS = 0.5
# The child's entry file: run as a file, so sys.path is what plain `python script.py` gives.
BOOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "child", "boot.py")
WATCHDOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "watchdog.py")

Progress = Callable[[int, str, str], None]


@dataclass
class ChildRun:
    """How one child run ended: its result, or why there is none."""

    workdir: str
    result: ChildResult | None = None
    failure: str | None = None
    returncode: int | None = None
    seconds: float = 0.0
    output_tail: str = ""
    stages: list[str] = field(default_factory=list)
    peak_mb: float = 0.0


def child_environment(
    device: str, threads: int | None, marker: str, gpu_index: str | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    env[RUN_MARKER] = marker
    env[PARENT_PID] = str(os.getpid())
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONUNBUFFERED"] = "1"
    # Imports of the user's modules must not leave __pycache__ folders in their tree.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("MPLBACKEND", "Agg")  # plt.show() must not wait for a window
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
        env["JAX_PLATFORMS"] = "cpu"
    else:
        if gpu_index is not None:
            env["CUDA_VISIBLE_DEVICES"] = gpu_index
        # Two runs share the GPU: each takes memory as it needs it, none takes it all at start.
        env.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
        env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
        env.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")
    if threads is None and env.get("KERAS_BACKEND") == "torch":
        threads = 1  # torch's own pool on a busy small machine made epochs vary 1.3-29 s
    if threads is not None:
        # Two children share the machine: one thread pool each keeps them from thrashing.
        for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, str(threads))
        env.setdefault("TF_NUM_INTEROP_THREADS", "1")
    return env


def start(
    spec: ChildSpec, threads: int | None, marker: str, gpu_index: str | None = None
) -> subprocess.Popen[bytes]:
    workdir = spec["workdir"]
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, SPEC_FILE), "w", encoding="utf-8") as handle:
        json.dump(spec, handle)
    output = open(os.path.join(workdir, OUTPUT_FILE), "wb")  # noqa: SIM115 - the child owns it
    try:
        return subprocess.Popen(
            [sys.executable, BOOT, workdir],
            cwd=workdir,
            env=child_environment(spec["device"], threads, marker, gpu_index),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own session: a timeout or Ctrl-C ends everything the script started. The
            # child asks for a death signal itself (boot.py), so it ends when this process does.
            start_new_session=True,
        )
    finally:
        output.close()


def start_watchdog(root: str, marker: str) -> subprocess.Popen[bytes] | None:
    """A process that ends the runs and removes `root` once this process is gone, however
    it went (SIGKILL included)."""
    if not os.path.isdir("/proc"):
        return None
    env = {k: v for k, v in os.environ.items() if k != RUN_MARKER}
    return subprocess.Popen(
        [sys.executable, WATCHDOG, root, marker],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # Ctrl-C at the terminal must not end it before the cleanup
    )


def run_all(
    specs: list[ChildSpec],
    timeout: float,
    memory_limit_mb: int | None,
    progress: Progress,
    threads: int | None = None,
    marker: str = "",
    gpu_index: str | None = None,
) -> list[ChildRun]:
    """Run the children side by side; each is stopped at the timeout, and the largest at the
    memory limit, which counts every process of every run together."""
    started = time.monotonic()
    processes.adopt_orphans()
    children = [start(spec, threads, marker, gpu_index) for spec in specs]
    runs = [ChildRun(workdir=spec["workdir"]) for spec in specs]
    seen = [0] * len(specs)
    last_memory = 0.0
    try:
        while any(p.poll() is None for p in children):
            elapsed = time.monotonic() - started
            for number, (process, run) in enumerate(zip(children, runs, strict=False)):
                if process.poll() is not None:
                    continue
                seen[number] = _report_progress(run, number, seen[number], progress)
                if elapsed > timeout:
                    run.failure = f"stopped after {timeout:g} s (--timeout)"
                    _end(process)
            if memory_limit_mb and time.monotonic() - last_memory > MEMORY_POLL_SECONDS:
                last_memory = time.monotonic()
                _check_memory(children, runs, memory_limit_mb)
            time.sleep(POLL_SECONDS)
    except BaseException:  # Ctrl-C and SIGTERM included: never leave a child behind
        for process in children:
            _end(process)
        _end_marked(marker, children)
        for process in children:
            process.wait(timeout=10)
        raise
    for process, run in zip(children, runs, strict=False):
        _end(process)  # what the script left running in its session
        run.returncode = process.wait()
        run.seconds = time.monotonic() - started
        _collect(run)
    _end_marked(marker, children)
    return runs


def _check_memory(
    children: list[subprocess.Popen[bytes]], runs: list[ChildRun], limit_mb: int
) -> None:
    table = processes.table()
    own = os.getpid()
    trees = [processes.descendants(p.pid, table) | {p.pid} for p in children]
    # Orphans this process adopted belong to no run's tree but count all the same.
    every = processes.descendants(own, table)
    total = sum(table[pid][1] for pid in every if pid in table) / 2**20
    sizes = [sum(table[pid][1] for pid in tree if pid in table) / 2**20 for tree in trees]
    for run, size in zip(runs, sizes, strict=False):
        run.peak_mb = max(run.peak_mb, size)
    if total <= limit_mb:
        return
    live = [i for i, p in enumerate(children) if p.poll() is None]
    if not live:
        return
    largest = max(live, key=lambda i: sizes[i])
    runs[largest].failure = (
        f"stopped: its processes used {sizes[largest]:.0f} MB, and all runs together "
        f"{total:.0f} MB, past the limit of {limit_mb} MB (--memory-limit)"
    )
    processes.kill(trees[largest])
    _end(children[largest])


def _end(process: subprocess.Popen[bytes]) -> None:
    processes.kill_group(process.pid)


def _end_marked(marker: str, children: list[subprocess.Popen[bytes]]) -> None:
    """End what escaped the session (a new session of its own, a daemon), found by the marker."""
    if not marker:
        return
    keep = {p.pid for p in children}
    processes.kill(processes.marked(f"{RUN_MARKER}={marker}") - keep)
    processes.reap(keep)


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
    if run.failure is not None:
        return
    if run.result is None:
        run.failure = _death(run.returncode)
    elif not run.result.get("complete"):
        if run.returncode == 0:
            run.result.setdefault("warnings", []).append(
                "the target ended with os._exit(0): what was measured before it is reported"
            )
        else:
            run.failure = _death(run.returncode) + "; what was measured before it is reported"


def _death(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"the child process died from {name} before it finished"
    return (
        f"the child process exited with status {returncode} before it finished "
        "(os._exit, or a crash in native code)"
    )
