"""A finding's fix as SARIF replacements (line/column regions), read from the result."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from kerascheck.engine.text_edits import splice
from kerascheck.model.results import Diagnostic
from kerascheck.report.source_lines import file_lines

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def fix_replacements(diagnostics: Sequence[Diagnostic]) -> dict[int, list[dict[str, Any]]]:
    """For each fixable finding of a .py file (by id): the SARIF replacements of its fix.

    The fix's text edits are made on the file's text alone, so the change is exactly what
    `--fix` would write for that finding; a fix that cannot be applied has none.
    """
    out: dict[int, list[dict[str, Any]]] = {}
    for d in diagnostics:
        fix = d.fix
        if fix is None or d.cell is not None or not fix.edits or fix.problem is not None:
            continue
        lines = file_lines(d.path).get(None)
        if not lines:
            continue
        text = "".join(lines)
        if any(edit.end > len(text) for edit in fix.edits):
            continue  # the file changed since it was checked
        replacements = replacements_between(text, splice(text, fix.edits))
        if replacements:
            out[id(d)] = replacements
    return out


def split_keep_ends(text: str) -> list[str]:
    return _LINE.findall(text)


def replacements_between(old: str, new: str) -> list[dict[str, Any]]:
    """SARIF replacements (1-based line/column regions of `old`) that turn `old` into `new`."""
    a, b = split_keep_ends(old), split_keep_ends(new)
    out: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        prefix = _common_prefix(before, after)
        suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
        start = _position(before, prefix, i1 + 1)
        end = _position(before, len(before) - suffix, i1 + 1)
        replacement: dict[str, Any] = {
            "deletedRegion": {
                "startLine": start[0],
                "startColumn": start[1],
                "endLine": end[0],
                "endColumn": end[1],
            }
        }
        inserted = after[prefix : len(after) - suffix]
        if inserted:
            replacement["insertedContent"] = {"text": inserted}
        out.append(replacement)
    return out


def _common_prefix(x: str, y: str) -> int:
    n, limit = 0, min(len(x), len(y))
    while n < limit and x[n] == y[n]:
        n += 1
    return n


def _position(chunk: str, offset: int, first_line: int) -> tuple[int, int]:
    """(line, column), 1-based, of `offset` in `chunk` whose first line is `first_line`."""
    lines = split_keep_ends(chunk[:offset])
    if not lines or lines[-1].endswith(("\n", "\r")):
        return first_line + len(lines), 1
    return first_line + len(lines) - 1, len(lines[-1]) + 1
