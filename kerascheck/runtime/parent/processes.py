"""The run's processes: every descendant found, measured together, and ended together.

Linux first (/proc, prctl); elsewhere the process group is what is watched and ended.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(option, value, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def adopt_orphans() -> bool:
    """Make this process the subreaper of its descendants: a process the script starts in a
    new session, or a double-forked daemon, stays in this process's tree instead of init's."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident memory in bytes) for every process visible in /proc."""
    found: dict[int, tuple[int, int]] = {}
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
            # The command name may hold spaces and parentheses: fields start after the last ')'.
            fields = stat[stat.rindex(b")") + 2 :].split()
            found[int(name)] = (int(fields[1]), int(fields[21]) * page)
        except (OSError, ValueError, IndexError):
            continue
    return found


def descendants(root: int, processes: dict[int, tuple[int, int]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in processes.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def marked(marker: str) -> set[int]:
    """Processes whose environment carries `marker` (NAME=value): the run's, wherever they went."""
    needle = marker.encode() + b"\0"
    found = set()
    own = os.getpid()
    for name in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not name.isdigit() or int(name) == own:
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                if needle in handle.read() + b"\0":
                    found.add(int(name))
        except OSError:
            continue
    return found


def kill(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def reap(keep: set[int]) -> None:
    """Collect the exit status of adopted orphans (not of `keep`, which Popen waits for)."""
    own = os.getpid()
    for pid, (ppid, _) in table().items():
        if ppid == own and pid not in keep:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)


def machine_memory_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    if hasattr(os, "sysconf"):
        with contextlib.suppress(ValueError, OSError):
            return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20)
    return None
