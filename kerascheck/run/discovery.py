"""Find the files to check under the paths a user gives."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES = (".py", ".ipynb")
SKIP_DIRS = frozenset(
    {"__pycache__", "build", "dist", "site-packages", "node_modules", "venv", "env"}
)


def _skip_dir(name: str, path: str) -> bool:
    if name.startswith(".") or name in SKIP_DIRS:
        return True
    # A virtual environment, whatever its name.
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def walk(root: str) -> Iterator[str]:
    """Files under a directory, sorted, without following symlinked directories."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not _skip_dir(d, os.path.join(dirpath, d)))
        for name in sorted(filenames):
            if name.endswith(SUFFIXES):
                yield os.path.join(dirpath, name)


def display_path(path: str) -> str:
    """Paths as the user wrote them: relative stays relative, without a leading './'."""
    return str(Path(path)) if not os.path.isabs(path) else path


def discover(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(files to check, paths that do not exist)."""
    files: list[str] = []
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(display_path(p) for p in walk(path))
        elif os.path.lexists(path):
            files.append(display_path(path))
        else:
            missing.append(path)
    return sorted(dict.fromkeys(files)), missing
