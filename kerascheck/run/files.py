"""Collect the files to check: walk folders honouring excludes and .gitignore, filter explicit paths."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kerascheck.run.config import Resolver
from kerascheck.run.discovery import SUFFIXES, display_path

if TYPE_CHECKING:
    from kerascheck.run.gitignore import GitIgnore


def _always_skipped(name: str, path: str) -> bool:
    """Hidden folders and virtual environments (whatever their name) are never walked."""
    return name.startswith(".") or os.path.exists(os.path.join(path, "pyvenv.cfg"))


def walk(root: str, resolver: Resolver) -> Iterator[str]:
    """Files under a folder in sorted order, minus excluded and git-ignored ones."""
    # Imported here to keep start-up fast: pathspec is only needed to walk a folder.
    from kerascheck.run.gitignore import GitIgnore

    gitignore = GitIgnore.for_walk_root(root) if resolver.for_path(root).respect_gitignore else None
    yield from _walk(root, resolver, gitignore)


def _walk(folder: str, resolver: Resolver, gitignore: GitIgnore | None) -> Iterator[str]:
    if gitignore is not None:
        gitignore = gitignore.child(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    excluder = resolver.for_path(folder).excluder
    subfolders: list[str] = []
    for entry in entries:
        try:
            # Symlinked folders are not followed: they loop, or leave the project.
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if _always_skipped(entry.name, entry.path) or excluder.excluded(entry.path, True):
                continue
            if gitignore is not None and gitignore.ignored(entry.path, True):
                continue
            subfolders.append(entry.path)
        elif entry.name.endswith(SUFFIXES):
            if excluder.excluded(entry.path, False):
                continue
            if gitignore is not None and gitignore.ignored(entry.path, False):
                continue
            yield entry.path
    for sub in subfolders:
        yield from _walk(sub, resolver, gitignore)


def collect(paths: Iterable[str], resolver: Resolver) -> tuple[list[str], list[str]]:
    """(files to check, paths that do not exist); explicit files skip excludes unless forced."""
    files: list[str] = []
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(display_path(p) for p in walk(path, resolver))
        elif os.path.lexists(path):
            resolved = resolver.for_path(path)
            if resolved.force_exclude and resolved.excluder.excluded_with_parents(path):
                continue
            files.append(display_path(path))
        else:
            missing.append(path)
    return sorted(dict.fromkeys(files)), missing
