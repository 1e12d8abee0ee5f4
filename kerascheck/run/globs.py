"""Config globs (`exclude`, `per-file-ignores`) written as in .gitignore, matched by pathspec."""

from __future__ import annotations

import re


def matches_itself(regex: re.Pattern[str], path: str) -> bool:
    """Whether pathspec's expression matches the path itself (a folder's path ends with `/`).

    The expression also matches everything inside a matched folder (its `ps_d` group, the
    folder's slash); such a match through a parent does not count: a walk never enters an
    excluded folder anyway, and a folder named explicitly is checked.
    """
    found = regex.match(path)
    if found is None:
        return False
    return found.groupdict().get("ps_d") is None or found.end() == len(path)


class PathGlob:
    """A config glob: without a slash it matches a name at any depth, with one it is anchored.

    Unlike a .gitignore line it matches the path itself, not what lies in a matched folder:
    callers ask about each folder above a file when that is what they mean.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled = False
        self._regex: re.Pattern[str] | None = None

    def _expression(self) -> re.Pattern[str] | None:
        if not self._compiled:
            # Imported here to keep start-up fast: checking one named file matches no glob.
            import pathspec

            body = self.pattern[2:] if self.pattern.startswith("./") else self.pattern
            if body.startswith(("!", "#")):
                body = "\\" + body  # a name, not a negation or a comment
            compiled = pathspec.GitIgnoreSpec.from_lines([body]).patterns
            regex = compiled[0].regex if compiled else None
            self._regex = regex if isinstance(regex, re.Pattern) else None
            self._compiled = True
        return self._regex

    def matches(self, rel_parts: tuple[str, ...], is_dir: bool) -> bool:
        """Whether the path (components relative to the config's folder) is matched."""
        regex = self._expression()
        if not rel_parts or regex is None:
            return False
        return matches_itself(regex, "/".join(rel_parts) + ("/" if is_dir else ""))

    def matches_path_or_parent(self, rel_parts: tuple[str, ...], is_dir: bool) -> bool:
        """Whether the path or any folder above it (inside the config's folder) is matched."""
        for i in range(1, len(rel_parts) + 1):
            if self.matches(rel_parts[:i], is_dir or i < len(rel_parts)):
                return True
        return False
