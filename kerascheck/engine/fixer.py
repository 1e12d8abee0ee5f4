"""Apply the fixes of a file's findings: planned, applied in one libcst pass, re-parsed, repeated.

One pass: check the text, keep the fixes the caller allows, merge identical ones (two findings
from one `partial(...)` factory carry the same edit), skip any whose node contains or lies
inside a node another kept fix already edits, replace every kept node by identity in one
transformer pass, add the imports they need, and re-parse. A fix that makes the file not
parse is dropped. Passes repeat until nothing more applies, at most MAX_PASSES times, so a
fix skipped for overlapping one that did apply gets its turn in the next pass.
"""

from __future__ import annotations

import ast
import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from kerascheck.engine import fix_imports
from kerascheck.engine.check import analyse_text
from kerascheck.model.results import Applicability, Diagnostic, Edit, FileResult, Fix
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
class TextFix:
    """What fixing one source text gave: the text, how many findings were fixed, what remains."""

    original: str
    text: str
    fixed: int
    # The findings of the fixed text (or of the original when nothing applied).
    result: FileResult
    skipped: list[SkippedFix] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or not (fix.edits or fix.imports):
        return False
    return unsafe or fix.applicability is Applicability.SAFE


@dataclass
class _Group:
    """One distinct fix and every finding it resolves."""

    fix: Fix
    diagnostics: list[Diagnostic]
    key: tuple[Any, ...]
    # Ids of the nodes above its edited nodes: the only subtrees the transformer enters.
    above: frozenset[int] = frozenset()


def _code(node: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[Any]) -> str:
    if isinstance(node, cst.RemovalSentinel):
        return "<removed>"
    if isinstance(node, cst.FlattenSentinel):
        return "\n".join(_code(n) for n in node.nodes)
    return cst.Module(body=()).code_for_node(node)


def _edit_key(edit: Edit) -> tuple[int, str]:
    return id(edit.node), _code(edit.replacement)


def _walk_targets(
    module: cst.Module, targets: set[int]
) -> tuple[dict[int, frozenset[int]], dict[int, frozenset[int]]]:
    """For each target node found in the module: (the targets that contain it, every node
    on the way down to it). The second lets the transformer skip all other subtrees."""
    inside: dict[int, frozenset[int]] = {}
    paths: dict[int, frozenset[int]] = {}
    path: list[int] = []
    # (node, depth): the path is cut back to `depth` before the node is entered.
    stack: list[tuple[cst.CSTNode, int]] = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        key = id(node)
        if key in targets:
            paths[key] = frozenset(path)
            inside[key] = frozenset(a for a in path if a in targets)
        path.append(key)
        stack.extend((child, depth + 1) for child in _children(node))
    return inside, paths


_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children, read from its fields: libcst's `children` runs a visitor per node,
    which costs more than the whole rest of fixing on a large file."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, (tuple, list)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode))
    return out


def _where(d: Diagnostic) -> str:
    return f"{d.code} at {d.line}:{d.column}"


def _skip(d: Diagnostic, reason: str) -> SkippedFix:
    return SkippedFix(d.path, d.line, d.column, d.code, reason, d.cell)


def plan(
    module: cst.Module, diagnostics: Sequence[Diagnostic], unsafe: bool
) -> tuple[list[_Group], list[SkippedFix]]:
    """The fixes to apply together in one pass, in finding order, and those skipped."""
    candidates = [d for d in diagnostics if allowed(d.fix, unsafe)]
    if not candidates:
        return [], []
    targets = {id(e.node) for d in candidates if d.fix for e in d.fix.edits}
    ancestors, paths = _walk_targets(module, targets) if targets else ({}, {})
    groups: list[_Group] = []
    by_key: dict[tuple[Any, ...], _Group] = {}
    owner: dict[int, Diagnostic] = {}  # edited node -> the finding whose fix edits it
    skipped: list[SkippedFix] = []
    for d in candidates:
        fix = d.fix
        assert fix is not None
        key = (tuple(sorted(_edit_key(e) for e in fix.edits)), tuple(sorted(fix.imports)))
        same = by_key.get(key)
        if same is not None:
            same.diagnostics.append(d)
            continue
        reason = _conflict(fix, ancestors, owner)
        if reason is None:
            _, problems = fix_imports.needed(module, fix.imports)
            reason = problems[0] if problems else None
        if reason is not None:
            skipped.append(_skip(d, reason))
            continue
        for edit in fix.edits:
            owner[id(edit.node)] = d
        above = frozenset().union(*(paths[id(e.node)] for e in fix.edits))
        group = _Group(fix, [d], key, above)
        by_key[key] = group
        groups.append(group)
    return groups, skipped


def _conflict(
    fix: Fix, ancestors: dict[int, frozenset[int]], owner: dict[int, Diagnostic]
) -> str | None:
    """Why this fix cannot go with the fixes already kept in this pass, or None."""
    mine: set[int] = set()
    for edit in fix.edits:
        key = id(edit.node)
        if key not in ancestors:
            return "its edit names a node that is not in the file (a bug in the rule)"
        if key in owner:
            return f"it edits the same code as the fix for {_where(owner[key])}"
        if key in mine:
            return "two of its edits touch the same code (a bug in the rule)"
        inside = [owner[a] for a in ancestors[key] if a in owner]
        if inside:
            return f"it overlaps the fix for {_where(inside[0])}"
        around = [d for k, d in owner.items() if key in ancestors.get(k, ())]
        if around:
            return f"it overlaps the fix for {_where(around[0])}"
        if any(a in mine for a in ancestors[key]) or any(key in ancestors[m] for m in mine):
            return "two of its edits overlap (a bug in the rule)"
        mine.add(key)
    return None


class _Replace(cst.CSTTransformer):
    """Replace nodes by identity, entering only the subtrees that hold one.

    A replaced node's children are never visited, so its replacement (built by the rule from
    the original node) is returned as it is.
    """

    def __init__(self, edits: dict[int, Edit], above: frozenset[int]) -> None:
        super().__init__()
        self.edits = edits
        self.above = above

    def on_visit(self, node: cst.CSTNode) -> bool:
        key = id(node)
        return key in self.above and key not in self.edits

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[Any]:
        edit = self.edits.get(id(original_node))
        return updated_node if edit is None else edit.replacement


def _render(module: cst.Module, groups: Sequence[_Group]) -> tuple[str | None, str]:
    """(the code with these fixes applied, "") or (None, why it cannot be)."""
    edits = {id(e.node): e for g in groups for e in g.fix.edits}
    imports = [line for g in groups for line in g.fix.imports]
    try:
        above = frozenset().union(*(g.above for g in groups))
        fixed = module.visit(_Replace(edits, above)) if edits else module
        if imports:
            fixed = fix_imports.add_imports(fixed, imports)
        code = fixed.code
    except Exception as exc:  # whatever a broken replacement does, that fix is dropped
        return None, f"the fix cannot be applied ({type(exc).__name__}: {exc})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cst.parse_module(code)
            ast.parse(code)
    except Exception:
        return None, "the fixed code would not parse"
    return code, ""


def apply(
    module: cst.Module, groups: Sequence[_Group]
) -> tuple[str, list[_Group], list[SkippedFix]]:
    """Apply the planned fixes; if together they break the file, keep those that do not."""
    code, _ = _render(module, groups)
    if code is not None:
        return code, list(groups), []
    kept: list[_Group] = []
    dropped: list[SkippedFix] = []
    code = module.code
    for group in groups:
        trial, why = _render(module, [*kept, group])
        if trial is None:
            dropped.extend(_skip(d, why) for d in group.diagnostics)
        else:
            kept.append(group)
            code = trial
    return code, kept, dropped


def fix_text(
    text: str, path: str, settings: Settings, unsafe: bool = False, passes: int = MAX_PASSES
) -> TextFix:
    """Fix Python source text; the result's findings are those left in the fixed text."""
    current = text
    fixed = 0
    for _ in range(passes):
        module, result = analyse_text(current, path, settings)
        if module is None:
            return TextFix(text, current, fixed, result)
        groups, skipped = plan(module, result.diagnostics, unsafe)
        if not groups:
            return TextFix(text, current, fixed, result, skipped)
        code, kept, dropped = apply(module, groups)
        skipped += dropped
        if not kept or code == current:
            if kept:
                skipped += [
                    _skip(d, "the fix changes nothing") for g in kept for d in g.diagnostics
                ]
            return TextFix(text, current, fixed, result, skipped)
        fixed += sum(len(g.diagnostics) for g in kept)
        current = code
    module, result = analyse_text(current, path, settings)
    groups, skipped = plan(module, result.diagnostics, unsafe) if module else ([], [])
    # A finding its own fix did not remove would come back at every pass: a bug in its rule.
    again = f"the finding is still reported after {passes} pass{'es' if passes != 1 else ''}"
    skipped += [_skip(d, again) for g in groups for d in g.diagnostics]
    return TextFix(text, current, fixed, result, skipped)
