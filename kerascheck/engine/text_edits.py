"""A rule's fix (libcst node edits, imports) turned into text edits at exact offsets.

Rules describe a fix on the nodes they were given; nothing after the engine can use nodes.
So each fix is converted right after its rule ran, while the tree and the text are at hand:
an edit of a node becomes (start, end, code) over that node's text, generated in place (in
its statement, so indentation and commas come out as a full re-generation would give them);
statements inserted into the module (a seed line, the imports a fix needs) become insertions
at the start of the statement they precede. Only the top-level statements a fix touches are
generated again, never the whole file. Anything the conversion cannot place exactly falls
back to re-generating the module with the fix applied and keeping the changed stretch.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from kerascheck.engine import fix_imports
from kerascheck.model.results import Edit, Fix, TextEdit, TextFix
from kerascheck.read.cst_fields import child_nodes
from kerascheck.read.notebook import split_lines

NOT_IN_FILE = "its edit names a node that is not in the file (a bug in the rule)"
SAME_NODE_TWICE = "two of its edits touch the same code (a bug in the rule)"
NESTED = "two of its edits overlap (a bug in the rule)"
BREAKS_PARSING = "the fixed code would not parse"
CHANGES_NOTHING = "the fix changes nothing"


class _Unplaceable(Exception):
    """The edit cannot be placed statement by statement: re-generate the whole module."""


class _Recorder(CodegenState):
    """Code generation that remembers where the wanted nodes begin and end (token indices)."""

    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.wanted = wanted
        self.opened: dict[int, int] = {}
        self.spans: dict[int, tuple[int, int]] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.opened[id(node)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted and key not in self.spans:
            self.spans[key] = (self.opened[key], len(self.tokens))


def _generate(
    module: cst.Module, node: cst.CSTNode, wanted: set[int] | None = None
) -> tuple[str, dict[int, tuple[int, int]]]:
    """The code of a top-level node, and the character span of each wanted node in it."""
    state = _Recorder(module, wanted or set())
    node._codegen(state)
    tokens = state.tokens
    if not state.spans:
        return "".join(tokens), {}
    ends = [0, *itertools.accumulate(len(t) for t in tokens)]
    spans = {key: (ends[a], ends[b]) for key, (a, b) in state.spans.items()}
    return "".join(tokens), spans


class _Replace(cst.CSTTransformer):
    """Replace nodes by identity, entering only the subtrees that hold one."""

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


def _paths(root: cst.CSTNode, targets: set[int]) -> dict[int, frozenset[int]]:
    """For each target found under `root`: the ids of the nodes on the way down to it."""
    found: dict[int, frozenset[int]] = {}
    path: list[int] = []
    stack: list[tuple[cst.CSTNode, int]] = [(root, 0)]
    while stack and len(found) < len(targets):
        node, depth = stack.pop()
        del path[depth:]
        key = id(node)
        if key in targets:
            found[key] = frozenset(path)
        path.append(key)
        stack.extend((child, depth + 1) for child in child_nodes(node))
    return found


def _parses(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


class Converter:
    """Converts the fixes of one checked file; caches what several fixes share."""

    def __init__(
        self,
        module: cst.Module,
        text: str,
        anchors: dict[int, int],
        statement_lines: Callable[[], Sequence[int] | None],
    ) -> None:
        self.module = module
        self.text = text
        self.anchors = anchors
        self.statement_lines = statement_lines
        self._index = {id(stmt): i for i, stmt in enumerate(module.body)}
        self._code: dict[int, str] = {}
        self._start: dict[int, int] = {}
        self._line_starts: list[int] | None = None

    # ------------------------------------------------------------ the conversion

    def convert(self, fix: Fix, near: object) -> TextFix:
        """The fix as text edits; `near` is the finding's node (its statement is searched first)."""
        try:
            edits, problem = self._convert(fix, near)
        except _Unplaceable:
            try:
                edits, problem = self._whole_module(fix)
            except Exception as exc:  # a broken replacement: the fix is reported, not applied
                edits, problem = (), f"the fix cannot be applied ({type(exc).__name__}: {exc})"
        except Exception as exc:
            edits, problem = (), f"the fix cannot be applied ({type(exc).__name__}: {exc})"
        if problem is None and (fix.edits or fix.imports) and not edits:
            problem = CHANGES_NOTHING
        return TextFix(fix.applicability, fix.description, edits, problem)

    def _convert(self, fix: Fix, near: object) -> tuple[tuple[TextEdit, ...], str | None]:
        _, problems = fix_imports.needed(self.module, fix.imports) if fix.imports else ([], [])
        module_edits = [e for e in fix.edits if e.node is self.module]
        inner = [e for e in fix.edits if e.node is not self.module]
        if module_edits and (inner or len(module_edits) > 1):
            raise _Unplaceable
        if len({id(e.node) for e in inner}) != len(inner):
            return (), SAME_NODE_TWICE
        where = self._statements_of(inner, near)
        if where is None:
            return (), NOT_IN_FILE
        edits: list[TextEdit] = []
        body: list[cst.BaseStatement] = list(self.module.body)
        # The new statements, by id, and the old statements they stand for.
        replaced: dict[int, int] = {}
        problem: str | None = problems[0] if problems else None
        for index, (group, paths) in where.items():
            placed, new_statement, broken = self._statement_edits(index, group, paths)
            if isinstance(placed, str):
                return (), placed
            edits.extend(placed)
            if broken and problem is None:
                problem = BREAKS_PARSING
            if fix.imports:
                if not isinstance(new_statement, cst.BaseStatement):
                    raise _Unplaceable
                body[index] = new_statement
                replaced[id(new_statement)] = id(self.module.body[index])
        if module_edits:
            after = module_edits[0].replacement
            if not isinstance(after, cst.Module):
                raise _Unplaceable
            if fix.imports and not problems:
                after = fix_imports.add_imports(after, list(fix.imports))
            edits.extend(self._body_edits(after, {}))
        elif fix.imports and not problems:
            after = fix_imports.add_imports(self.module.with_changes(body=body), list(fix.imports))
            edits.extend(self._body_edits(after, replaced))
        edits.sort(key=lambda e: (e.start, e.end))
        for a, b in itertools.pairwise(edits):
            if b.start < a.end:
                return (), NESTED
        return tuple(edits), problem

    def _statements_of(
        self, edits: list[Edit], near: object
    ) -> dict[int, tuple[list[Edit], dict[int, frozenset[int]]]] | None:
        """The top-level statement holding each edited node, with the path down to it."""
        out: dict[int, tuple[list[Edit], dict[int, frozenset[int]]]] = {}
        left = {id(e.node): e for e in edits}
        candidates: list[int] = []
        for node in (near, *(e.node for e in edits)):
            index = self._index.get(id(node), self.anchors.get(id(node)))
            if index is not None and index not in candidates:
                candidates.append(index)
        # The statements the finding and the edited nodes are known to lie in, then the rest.
        rest = (i for i in range(len(self.module.body)) if i not in candidates)
        for index in itertools.chain(candidates, rest):
            if not left:
                break
            found = _paths(self.module.body[index], set(left))
            for key, path in found.items():
                group, paths = out.setdefault(index, ([], {}))
                group.append(left.pop(key))
                paths[key] = path
        return None if left else out

    def _statement_edits(
        self, index: int, edits: list[Edit], paths: dict[int, frozenset[int]]
    ) -> tuple[
        list[TextEdit] | str, cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel, bool
    ]:
        """The edits of one top-level statement as text edits (or why not), the new statement,
        and whether the new statement no longer parses."""
        statement = self.module.body[index]
        wanted = {id(e.node) for e in edits}
        for key, path in paths.items():
            if path & (wanted - {key}):
                return NESTED, statement, False
        old, spans = _generate(self.module, statement, wanted)
        start = self.statement_start(index)
        above = frozenset().union(*paths.values())
        whole = self._apply(statement, edits, above)
        new_whole = self._code_of(whole)
        placed: list[TextEdit] = []
        for edit in sorted(edits, key=lambda e: spans[id(e.node)]):
            a, b = spans[id(edit.node)]
            alone = (
                new_whole
                if len(edits) == 1
                else self._code_of(self._apply(statement, [edit], above))
            )
            tail = len(old) - b
            if not (
                alone.startswith(old[:a]) and alone.endswith(old[b:]) and len(alone) >= a + tail
            ):
                raise _Unplaceable  # the edit changed code outside its node
            placed.append(TextEdit(start + a, start + b, alone[a : len(alone) - tail]))
        spliced = _splice(
            old, [TextEdit(e.start - start, e.end - start, e.content) for e in placed]
        )
        if spliced != new_whole:
            raise _Unplaceable
        return placed, whole, not _parses(new_whole)

    def _apply(
        self, statement: cst.CSTNode, edits: list[Edit], above: frozenset[int]
    ) -> cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel:
        by_id = {id(e.node): e for e in edits}
        if id(statement) in by_id:
            return by_id[id(statement)].replacement
        return statement.visit(_Replace(by_id, above))

    def _code_of(self, node: cst.CSTNode | cst.FlattenSentinel[Any] | cst.RemovalSentinel) -> str:
        if isinstance(node, cst.RemovalSentinel):
            return ""
        if isinstance(node, cst.FlattenSentinel):
            return "".join(self._code_of(n) for n in node.nodes)
        return _generate(self.module, node)[0]

    def _body_edits(self, after: cst.Module, replaced: dict[int, int]) -> list[TextEdit]:
        """Statements inserted, removed or replaced at the top level, as text edits.

        `replaced` maps statements the fix edited inside (already text edits) to the old ones.
        """
        before = self.module
        for name in ("header", "footer", "default_indent", "default_newline", "encoding"):
            if getattr(before, name) != getattr(after, name):
                raise _Unplaceable
        old = [id(s) for s in before.body]
        new = [replaced.get(id(s), id(s)) for s in after.body]
        edited = set(replaced.values())
        out: list[TextEdit] = []
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if any(old[i] in edited for i in range(i1, i2)):
                raise _Unplaceable
            if i2 == len(old) and not before.has_trailing_newline:
                raise _Unplaceable
            if i1 < len(old):
                start = self.statement_start(i1)
            elif old:
                start = self.statement_start(len(old) - 1) + len(self._statement_code(len(old) - 1))
            else:
                raise _Unplaceable
            end = start + sum(len(self._statement_code(i)) for i in range(i1, i2))
            if self.text[start:end] != "".join(self._statement_code(i) for i in range(i1, i2)):
                raise _Unplaceable
            content = "".join(self._code_of(s) for s in after.body[j1:j2])
            out.append(_trimmed(self.text, start, end, content))
        return [e for e in out if e.start != e.end or e.content]

    # ------------------------------------------------------------ positions

    def _statement_code(self, index: int) -> str:
        code = self._code.get(index)
        if code is None:
            code = self._code[index] = _generate(self.module, self.module.body[index])[0]
        return code

    def statement_start(self, index: int) -> int:
        """The offset in the text where a top-level statement's code (its comments too) begins."""
        start = self._start.get(index)
        if start is not None:
            return start
        code = self._statement_code(index)
        lines = self.statement_lines()
        if lines is None or index >= len(lines):
            raise _Unplaceable
        starts = self.line_starts()
        # The statement's first line of code is known (from `ast`); the comments and blank
        # lines it owns come before it. The nearest line start where its code matches is the
        # start: a line of code never equals a blank or comment line.
        first = lines[index] - 1
        last_statement = index == len(self.module.body) - 1
        for line in range(min(first, len(starts) - 1), -1, -1):
            offset = starts[line]
            if self.text.startswith(code, offset) or (
                last_statement
                and not self.module.has_trailing_newline
                and self.text.startswith(code.rstrip("\r\n"), offset)
                and offset + len(code.rstrip("\r\n")) == len(self.text)
            ):
                self._start[index] = offset
                return offset
            if first - line > code.count("\n") + 1:
                break
        raise _Unplaceable

    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            for line in split_lines(self.text):
                starts.append(starts[-1] + len(line))
            self._line_starts = starts
        return self._line_starts

    # ------------------------------------------------------------ the slow, sure way

    def _whole_module(self, fix: Fix) -> tuple[tuple[TextEdit, ...], str | None]:
        _, problems = fix_imports.needed(self.module, fix.imports) if fix.imports else ([], [])
        targets = {id(e.node) for e in fix.edits}
        paths = _paths(self.module, targets) if targets else {}
        if len(paths) != len(targets):
            return (), NOT_IN_FILE
        by_id = {id(e.node): e for e in fix.edits}
        if id(self.module) in by_id:
            fixed = by_id[id(self.module)].replacement
            if not isinstance(fixed, cst.Module):
                raise TypeError("a module can only be replaced by a module")
        else:
            fixed = self.module.visit(_Replace(by_id, frozenset().union(*paths.values())))
        if fix.imports and not problems:
            fixed = fix_imports.add_imports(fixed, list(fix.imports))
        code = fixed.code
        if code == self.text:
            return (), None if not problems else problems[0]
        edit = _trimmed(self.text, 0, len(self.text), code)
        problem = problems[0] if problems else (None if _parses(code) else BREAKS_PARSING)
        return (edit,), problem


def _trimmed(text: str, start: int, end: int, content: str) -> TextEdit:
    """The edit replacing text[start:end] by content, without the ends they share."""
    old = text[start:end]
    prefix = 0
    limit = min(len(old), len(content))
    while prefix < limit and old[prefix] == content[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix and old[len(old) - 1 - suffix] == content[len(content) - 1 - suffix]
    ):
        suffix += 1
    return TextEdit(start + prefix, end - suffix, content[prefix : len(content) - suffix])


def _splice(text: str, edits: Sequence[TextEdit]) -> str:
    """The text with these edits made (sorted by position, none overlapping)."""
    parts: list[str] = []
    at = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[at : edit.start])
        parts.append(edit.content)
        at = edit.end
    parts.append(text[at:])
    return "".join(parts)


def splice(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping text edits; identical edits must be merged before."""
    return _splice(text, edits)
