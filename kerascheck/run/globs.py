"""Glob patterns as git writes them (`*`, `?`, `[...]`, `**`) compiled to regular expressions."""

from __future__ import annotations

import re


def glob_to_regex(pattern: str) -> str:
    """A regex matching a whole slash-separated path; `*` stays inside one component."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            if pattern.startswith("**", i):
                before_ok = i == 0 or pattern[i - 1] == "/"
                after = i + 2
                if before_ok and after < n and pattern[after] == "/":
                    # `**/` matches zero or more whole directories.
                    out.append("(?:[^/]*/)*")
                    i = after + 1
                    continue
                if before_ok and after == n:
                    out.append(".*")
                    i = after
                    continue
                # `**` glued to other characters behaves like `*` in git.
                i = after
                out.append("[^/]*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = _class_end(pattern, i)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """Index of the `]` closing the class opened at `start`, or -1 when it never closes."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "]":
            return i
        i += 1
    return -1


class PathGlob:
    """A config glob: without a slash it matches a name at any depth, with one it is anchored."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        body = pattern[2:] if pattern.startswith("./") else pattern
        self.dir_only = body.endswith("/")
        body = body.rstrip("/")
        self.anchored = "/" in body
        self._regex = re.compile(glob_to_regex(body.lstrip("/")) + r"\Z", re.DOTALL)

    def matches(self, rel_parts: tuple[str, ...], is_dir: bool) -> bool:
        """Whether the path (components relative to the config's folder) is matched."""
        if self.dir_only and not is_dir:
            return False
        if not rel_parts:
            return False
        if self.anchored:
            return self._regex.match("/".join(rel_parts)) is not None
        return self._regex.match(rel_parts[-1]) is not None

    def matches_path_or_parent(self, rel_parts: tuple[str, ...], is_dir: bool) -> bool:
        """Whether the path or any folder above it (inside the config's folder) is matched."""
        for i in range(1, len(rel_parts) + 1):
            if self.matches(rel_parts[:i], is_dir or i < len(rel_parts)):
                return True
        return False
