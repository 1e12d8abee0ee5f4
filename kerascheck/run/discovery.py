"""What counts as a file to check, which folders are never walked, and how paths are shown."""

from __future__ import annotations

import os
from pathlib import Path

SUFFIXES = (".py", ".ipynb")
# Folders excluded by default (the `exclude` setting's default); run/files.py walks.
SKIP_DIRS = frozenset(
    {"__pycache__", "build", "dist", "site-packages", "node_modules", "venv", "env"}
)


def display_path(path: str) -> str:
    """Paths as the user wrote them: relative stays relative, without a leading './'."""
    return str(Path(path)) if not os.path.isabs(path) else path
