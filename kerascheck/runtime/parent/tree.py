"""The user's files before and after the runs: the safety net behind the scratch folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

# Folders that are not the user's files, or are too large to list on every run.
SKIPPED = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules",
                     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".hypothesis"})  # fmt: skip
MAX_FILES = 50_000


@dataclass
class Listing:
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    complete: bool = True


def listing(roots: list[str], excluded: list[str]) -> Listing:
    found = Listing()
    skip = {os.path.abspath(p) for p in excluded}
    for root in dict.fromkeys(os.path.abspath(r) for r in roots):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIPPED and os.path.join(folder, d) not in skip]
            for name in files:
                if name.startswith(".coverage"):
                    continue  # a test runner's coverage data, written beside the run
                path = os.path.join(folder, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                found.files[path] = (info.st_size, info.st_mtime_ns)
                if len(found.files) >= MAX_FILES:
                    found.complete = False
                    return found
    return found


def changes(before: Listing, after: Listing) -> list[str]:
    """`created x`, `changed x`, `removed x` for each file that differs."""
    found = []
    for path, stamp in after.files.items():
        if path not in before.files:
            if before.complete:
                found.append(f"created {path}")
        elif before.files[path] != stamp:
            found.append(f"changed {path}")
    if after.complete:
        found.extend(f"removed {path}" for path in before.files if path not in after.files)
    return sorted(found)
