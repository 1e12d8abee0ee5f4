"""A finding's fix as text replacements (SARIF `artifactChanges`), by applying it alone."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from kerascheck.model.results import Diagnostic

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def artifact_changes(diagnostics: Sequence[Diagnostic]) -> dict[int, list[dict[str, Any]]]:
    """For each fixable finding of a .py file (by id): its SARIF artifactChanges.

    The file is analysed again and each fix applied on its own by the fixer, so the change is
    exactly what `--fix` would write; a fix that cannot be rendered is left without changes.
    """
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        # Not `d.fix.edits`: results from workers and from the cache carry no syntax nodes.
        if d.fix is not None and d.cell is None:
            by_path[d.path].append(d)
    out: dict[int, list[dict[str, Any]]] = {}
    for path, wanted in by_path.items():
        try:
            out.update(_file_changes(path, wanted))
        except Exception:  # a report must not fail over an optional detail of a fix
            continue
    return out


def _file_changes(path: str, wanted: list[Diagnostic]) -> dict[int, list[dict[str, Any]]]:
    from kerascheck.engine.check import analyse_text, decode
    from kerascheck.engine.fixer import apply, plan
    from kerascheck.engine.registry import all_rules
    from kerascheck.model.settings import Settings
    from kerascheck.report.sarif import artifact_location
    from kerascheck.report.source_lines import source_bytes

    data = source_bytes(path)
    if data is None:
        return {}
    text = decode(data)
    rules = all_rules()
    settings = Settings(rules=[rules[c] for c in sorted({d.code for d in wanted}) if c in rules])
    module, result = analyse_text(text, path, settings)
    if module is None:
        return {}
    fresh = {(d.code, d.line, d.column, d.end_line, d.end_column): d for d in result.diagnostics}
    out: dict[int, list[dict[str, Any]]] = {}
    for d in wanted:
        again = fresh.get((d.code, d.line, d.column, d.end_line, d.end_column))
        if again is None:
            continue
        groups, _ = plan(module, [again], unsafe=True)
        if not groups:
            continue
        fixed, kept, _ = apply(module, groups)
        replacements = replacements_between(text, fixed) if kept else []
        if replacements:
            out[id(d)] = [
                {"artifactLocation": artifact_location(path), "replacements": replacements}
            ]
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
