"""Apply the fixes of a file's findings: text edits planned, spliced in, re-checked, repeated.

One pass: check the text (which gives every finding's fix as text edits), keep the fixes the
caller allows, merge identical ones (two findings from one `partial(...)` factory carry the
same edits; two fixes adding the same import share that insertion), skip any fix with an
edit overlapping an edit of a fix already kept (or inserting at the same offset), splice the
kept edits into the text, and parse it. Fixes that together make the file not parse are
tried one by one and those that break it are dropped. Passes repeat until nothing more
applies, at most MAX_PASSES times, so a fix skipped for overlapping one that did apply gets
its turn in the next pass; each pass parses the text once.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from kerascheck.engine.check import PARSE_ERRORS, analyse_module, analyse_text
from kerascheck.engine.text_edits import BREAKS_PARSING, CHANGES_NOTHING, splice
from kerascheck.model.results import Applicability, Diagnostic, FileResult, TextEdit, TextFix
from kerascheck.model.settings import Settings

MAX_PASSES = 5


@dataclass(frozen=True)
class SkippedFix:
    """A fix that was not applied, and why; reported to the user, never dropped silently."""

    path: str
    line: int
    column: int
    code: str | None
    reason: str
    cell: int | None = None


@dataclass
class FixedText:
    """What fixing one source text gave: the text, how many findings were fixed, what remains."""

    original: str
    text: str
    fixed: int
    # The findings of the fixed text (or of the original when nothing applied).
    result: FileResult
    skipped: list[SkippedFix] = field(default_factory=list)
    # The code of each finding fixed, for `--show-fixes`.
    codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def allowed(fix: TextFix | None, unsafe: bool) -> bool:
    """Whether `--fix` (with `unsafe`) would try this fix."""
    if fix is None or not (fix.edits or fix.problem):
        return False
    return unsafe or fix.applicability is Applicability.SAFE


@dataclass
class _Group:
    """One distinct fix and every finding it resolves."""

    fix: TextFix
    diagnostics: list[Diagnostic]


def _where(d: Diagnostic) -> str:
    return f"{d.code} at {d.line}:{d.column}"


def _skip(d: Diagnostic, reason: str) -> SkippedFix:
    return SkippedFix(d.path, d.line, d.column, d.code, reason, d.cell)


def plan(diagnostics: Sequence[Diagnostic], unsafe: bool) -> tuple[list[_Group], list[SkippedFix]]:
    """The fixes to apply together in one pass, in finding order, and those skipped."""
    groups: list[_Group] = []
    by_edits: dict[tuple[TextEdit, ...], _Group] = {}
    # Every kept edit and the finding whose fix brought it, in no particular order.
    kept: dict[TextEdit, Diagnostic] = {}
    skipped: list[SkippedFix] = []
    for d in diagnostics:
        fix = d.fix
        if fix is None or not allowed(fix, unsafe):
            continue
        same = by_edits.get(fix.edits) if fix.problem is None else None
        if same is not None:
            same.diagnostics.append(d)
            continue
        reason = _conflict(fix.edits, kept) or fix.problem
        if reason is not None:
            skipped.append(_skip(d, reason))
            continue
        for edit in fix.edits:
            kept.setdefault(edit, d)
        group = _Group(fix, [d])
        by_edits[fix.edits] = group
        groups.append(group)
    return groups, skipped


def _conflict(edits: Sequence[TextEdit], kept: dict[TextEdit, Diagnostic]) -> str | None:
    """Why these edits cannot go with those already kept in this pass, or None."""
    for edit in edits:
        if edit in kept:
            continue  # the very same edit (an import two fixes need): made once
        for other, owner in kept.items():
            if (other.start, other.end) == (edit.start, edit.end):
                return f"it edits the same code as the fix for {_where(owner)}"
            if _overlap(edit, other):
                return f"it overlaps the fix for {_where(owner)}"
    return None


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    # Two insertions at one offset, or one at the start of a replacement: which text comes
    # first is not defined, so the later fix waits for the next pass.
    return a.start == b.start and (a.start == a.end or b.start == b.end)


def _parse(code: str) -> cst.Module | None:
    """The module, or None when the code does not parse (CPython's parser is asked first)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
        return cst.parse_module(code)
    except (*PARSE_ERRORS, MemoryError):  # type: ignore[misc]
        return None


def _render(text: str, groups: Sequence[_Group]) -> str:
    edits = {edit for g in groups for edit in g.fix.edits}
    return splice(text, sorted(edits, key=lambda e: (e.start, e.end)))


def apply(
    text: str, groups: Sequence[_Group]
) -> tuple[str, cst.Module | None, list[_Group], list[SkippedFix]]:
    """Apply the planned fixes; if together they break the file, keep those that do not.

    Returns the new text, its module (None when nothing applied), the groups applied and
    the fixes dropped.
    """
    code = _render(text, groups)
    module = _parse(code)
    if module is not None:
        return code, module, list(groups), []
    kept: list[_Group] = []
    dropped: list[SkippedFix] = []
    code, module = text, None
    for group in groups:
        trial = _render(text, [*kept, group])
        trial_module = _parse(trial)
        if trial_module is None:
            dropped.extend(_skip(d, BREAKS_PARSING) for d in group.diagnostics)
        else:
            kept.append(group)
            code, module = trial, trial_module
    return code, module, kept, dropped


def fix_text(
    text: str, path: str, settings: Settings, unsafe: bool = False, passes: int = MAX_PASSES
) -> FixedText:
    """Fix Python source text; the result's findings are those left in the fixed text."""
    current = text
    fixed = 0
    codes: list[str] = []
    module, result = analyse_text(current, path, settings)
    for _ in range(passes):
        if module is None:
            return FixedText(text, current, fixed, result, codes=codes)
        groups, skipped = plan(result.diagnostics, unsafe)
        if not groups:
            return FixedText(text, current, fixed, result, skipped, codes)
        code, new_module, kept, dropped = apply(current, groups)
        skipped += dropped
        if not kept or code == current or new_module is None:
            if kept:
                skipped += [_skip(d, CHANGES_NOTHING) for g in kept for d in g.diagnostics]
            return FixedText(text, current, fixed, result, skipped, codes)
        fixed += sum(len(g.diagnostics) for g in kept)
        codes += [d.code for g in kept for d in g.diagnostics]
        current, module = code, new_module
        result = analyse_module(module, current, path, settings)
        if not result.parsed:
            module = None
    groups, skipped = plan(result.diagnostics, unsafe) if module else ([], [])
    # A finding its own fix did not remove would come back at every pass: a bug in its rule.
    again = f"the finding is still reported after {passes} pass{'es' if passes != 1 else ''}"
    skipped += [_skip(d, again) for g in groups for d in g.diagnostics]
    return FixedText(text, current, fixed, result, skipped, codes)
