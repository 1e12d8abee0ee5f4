"""The subset of git's ignore rules a linter needs: .gitignore files and .git/info/exclude."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from kerascheck.run.globs import glob_to_regex

# Written by hand rather than depending on `pathspec`: the rules git applies to a walk are a
# few dozen lines, and the static linter keeps its runtime dependencies to libcst, click, rich.


@dataclass(frozen=True)
class _Pattern:
    base: str  # absolute folder the pattern is relative to
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool


def parse_line(line: str, base: str) -> _Pattern | None:
    """One line of an ignore file, or None for blanks and comments."""
    line = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated or line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    dir_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/")
    if not line:
        return None
    # A slash at the start or in the middle anchors the pattern to the file's folder.
    anchored = "/" in line
    body = glob_to_regex(line.lstrip("/"))
    if not anchored:
        body = "(?:[^/]*/)*" + body
    return _Pattern(base, re.compile(body + r"\Z", re.DOTALL), negated, dir_only)


def read_patterns(path: str, base: str) -> list[_Pattern]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    return [p for p in (parse_line(line, base) for line in lines) if p is not None]


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

    def __init__(self, patterns: list[_Pattern]) -> None:
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
        """Git's answer for one path: the last matching pattern decides."""
        path = os.path.abspath(path)
        verdict = False
        for pattern in self.patterns:
            if pattern.dir_only and not is_dir:
                continue
            if not path.startswith(pattern.base + os.sep):
                continue
            rel = path[len(pattern.base) + 1 :].replace(os.sep, "/")
            if pattern.regex.match(rel):
                verdict = not pattern.negated
        return verdict
