"""Git's ignore rules for a walk: .gitignore files and .git/info/exclude, matched by pathspec."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pathspec

from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.run.globs import matches_itself


@dataclass(frozen=True)
class IgnoreFile:
    """The patterns of one ignore file and the folder they are relative to."""

    base: str  # absolute folder
    spec: pathspec.GitIgnoreSpec


def parse_lines(lines: list[str], base: str) -> IgnoreFile | None:
    """An ignore file's lines as git reads them (pathspec's gitignore rules); None when empty."""
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    return IgnoreFile(base, spec) if len(spec) else None


def parse_line(line: str, base: str) -> IgnoreFile | None:
    return parse_lines([line], base)


def read_patterns(path: str, base: str) -> list[IgnoreFile]:
    try:
        # Regular files only, capped: a FIFO named .gitignore must not stop the walk.
        lines = read_source(path).decode("utf-8", errors="replace").splitlines()
    except (OSError, SourceUnreadable):
        return []
    found = parse_lines(lines, base)
    return [] if found is None else [found]


def find_repo_root(start: str) -> str | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in worktrees)."""
    current = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitIgnore:
    """The patterns in force for one folder of a walk; `child` adds the next folder's file."""

    def __init__(self, patterns: list[IgnoreFile]) -> None:
        self.patterns = patterns

    @classmethod
    def for_walk_root(cls, root: str) -> GitIgnore | None:
        """Patterns above a walk's root, from the repository root down; None outside a repo."""
        root = os.path.abspath(root)
        repo = find_repo_root(root)
        if repo is None:
            return None
        patterns = read_patterns(os.path.join(repo, ".git", "info", "exclude"), repo)
        folders = [root]
        while folders[-1] != repo:
            folders.append(os.path.dirname(folders[-1]))
        for folder in reversed(folders[1:]):
            patterns += read_patterns(os.path.join(folder, ".gitignore"), folder)
        return cls(patterns)

    def child(self, folder: str) -> GitIgnore:
        """The patterns in force inside `folder`, adding its own `.gitignore` if it has one."""
        path = os.path.join(folder, ".gitignore")
        if not os.path.isfile(path):
            return self
        return GitIgnore(self.patterns + read_patterns(path, os.path.abspath(folder)))

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Git's answer for one path: the last matching pattern decides (a deeper file's
        patterns come later). Only the path itself is matched: the walk does not enter an
        ignored folder, and a folder named explicitly is walked even when git ignores it."""
        path = os.path.abspath(path)
        verdict: bool | None = None
        for ignore in self.patterns:
            if not path.startswith(ignore.base + os.sep):
                continue
            rel = path[len(ignore.base) + 1 :].replace(os.sep, "/") + ("/" if is_dir else "")
            for pattern in ignore.spec.patterns:
                regex = pattern.regex
                if pattern.include is None or not isinstance(regex, re.Pattern):
                    continue
                if matches_itself(regex, rel):
                    verdict = pattern.include
        return bool(verdict)
