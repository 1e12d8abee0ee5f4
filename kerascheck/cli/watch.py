"""`check --watch`: check again whenever a checked file or a config file changes."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable

from kerascheck.run.discovery import SUFFIXES

_WATCHED = (*SUFFIXES, ".toml")
# Polling keeps kerascheck free of a file-events dependency; a check takes longer anyway.
POLL_SECONDS = 0.5


def snapshot(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every source and TOML file under the paths (hidden folders skipped)."""
    out: dict[str, tuple[int, int]] = {}

    def note(path: str) -> None:
        try:
            stat = os.stat(path)
        except OSError:
            return
        out[path] = (stat.st_mtime_ns, stat.st_size)

    for path in paths:
        if not os.path.isdir(path):
            note(path)
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = [s for s in subfolders if not s.startswith(".")]
            for name in files:
                if name.endswith(_WATCHED):
                    note(os.path.join(folder, name))
    return out


def watch(paths: list[str], check_once: Callable[[], None]) -> None:
    """Check, then check again after every change, until Ctrl-C."""
    while True:
        before = snapshot(paths)
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[2J\x1b[H")  # a fresh screen for each run, as ruff does
        check_once()
        sys.stdout.write("Watching for file changes (Ctrl-C to stop).\n")
        sys.stdout.flush()
        while snapshot(paths) == before:
            time.sleep(POLL_SECONDS)
