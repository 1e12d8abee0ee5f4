"""Where reported nodes are: found as text in the source, without positions for the whole file."""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import libcst as cst

from kerascheck.engine.code_positions import LineTable, Spans, node_code
from kerascheck.model.description import SourceLocation
from kerascheck.model.results import Span

# Why not PositionProvider: it generates the code of the whole module, which costs more than
# the parse. A libcst tree prints back to exactly its source, so a node's own code (its
# syntactic part) occurs in the source where the node is; when it occurs there once, that
# is the node's place, and only the node itself was printed. Code that occurs more than once
# (`Dense(10)` twice) is looked for within the node's top-level statement, then placed by
# printing that statement; a node outside every recorded statement, by printing the module.

# Stands for the indentation of the blocks around a node while it is printed alone. Sources
# holding it are never searched (the parser rejects NUL bytes, and such text is not code).
_INDENT = "\x00"

# Nodes whose syntactic part prints differently alone than in place: `elif` prints as `if`,
# a parameter's `*` and an annotation's `:` or `->` come from the parent, the last newline of
# a file without one is dropped. They are placed by printing their statement.
_CONTEXTUAL = (
    cst.If,
    cst.Param,
    cst.Annotation,
    cst.MatchOrElement,
    cst.Module,
    cst.Newline,
    cst.TrailingWhitespace,
    cst.EmptyLine,
)

# A top-level statement starts a line at column 0 with none of these: whitespace, a comment,
# a closing bracket, a backslash (continuation lines and lines in strings may start anyhow).
_LINE_START = re.compile(r"^[^\s#)\]}\\]", re.MULTILINE)


class Locator:
    """Node -> span (1-based lines and columns) and offsets (into the source text)."""

    def __init__(self, module: cst.Module, source: str, anchors: Mapping[int, int]) -> None:
        self.module = module
        self.source = source
        # id(node) -> index of the top-level statement holding it, recorded by the reader.
        self.anchors = anchors
        self.lines = LineTable(source)
        self._searchable = _INDENT not in source
        self._found: dict[int, tuple[int, int]] = {}
        self._statement_starts: list[int] | None = None
        # Top-level statement index -> its spans, the shift into the source, and whether it
        # was printed whole (else up to the one node asked for).
        self._statement_spans: dict[int, tuple[Spans, int, bool]] = {}
        self._module_spans: Spans | None = None
        # Nodes whose code is not found once as text; statements to print whole when first.
        self._not_by_text: set[int] = set()
        self._print_whole: set[int] = set()

    def span(self, node: cst.CSTNode | SourceLocation) -> Span:
        if isinstance(node, SourceLocation):
            return Span(node.line, node.column, node.line, node.column)
        start, end = self.offsets(node)
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(end)
        return Span(line, column + 1, end_line, end_column + 1)

    def spans(self, nodes: Sequence[cst.CSTNode | SourceLocation]) -> list[Span]:
        """The span of each node. A top-level statement that two or more of them can only be
        placed by printing is printed once, whole, not up to the first and then again."""
        if len(nodes) > 1:
            printed = Counter(
                self._printed_for(node) for node in nodes if not isinstance(node, SourceLocation)
            )
            self._print_whole.update(a for a, n in printed.items() if a is not None and n > 1)
        return [self.span(node) for node in nodes]

    def offsets(self, node: cst.CSTNode) -> tuple[int, int]:
        """Start and end of the node's syntactic span (its own whitespace left out)."""
        found = self._found.get(id(node))
        if found is None:
            found = self._locate(node)
            self._found[id(node)] = found
        return found

    def _printed_for(self, node: cst.CSTNode) -> int | None:
        """The top-level statement printed to place the node; None when its code is found
        as text (then it is placed already), or it is placed by printing the module."""
        if id(node) in self._found:
            return None
        found = self._by_text(node)
        if found is not None:
            self._found[id(node)] = found
            return None
        return self.anchors.get(id(node))

    def _by_text(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """Where the node's code occurs once: in the source, or within its statement."""
        if id(node) in self._not_by_text:
            return None
        searchable = self._searchable and not isinstance(node, _CONTEXTUAL)
        pattern = self._pattern(node) if searchable else None
        if pattern is not None:
            found = _only_match(pattern, self.source, 0, len(self.source))
            if found is not None:
                return found
            anchor = self.anchors.get(id(node))
            starts = self.statement_starts() if anchor is not None else None
            if anchor is not None and starts is not None:
                end = starts[anchor + 1] if anchor + 1 < len(starts) else len(self.source)
                found = _only_match(pattern, self.source, starts[anchor], end)
                if found is not None:
                    return found
        self._not_by_text.add(id(node))
        return None

    def _locate(self, node: cst.CSTNode) -> tuple[int, int]:
        found = self._by_text(node)
        if found is not None:
            return found
        anchor = self.anchors.get(id(node))
        starts = self.statement_starts() if anchor is not None else None
        if anchor is not None and starts is not None:
            spans, shift = self._statement(anchor, starts[anchor], node)
            entry = spans.get(id(node))
            if entry is not None and entry[0] is node:
                return entry[1] + shift, entry[2] + shift
        entry = self._whole().get(id(node))
        if entry is None or entry[0] is not node:
            raise KeyError(node)
        return entry[1], entry[2]

    def _pattern(self, node: cst.CSTNode) -> re.Pattern[str] | str | None:
        """What the node's syntactic part looks like in the source: plain text or a regex."""
        try:
            code, spans = node_code(node, self.module, _INDENT)
        except Exception:  # a node that cannot print alone is placed by its statement
            return None
        entry = spans.get(id(node))
        if entry is None:
            return None
        text = code[entry[1] : entry[2]]
        if not text.strip():
            return None  # empty or blank: found everywhere, says nothing
        if _INDENT not in text:
            return text
        # The same indentation at each marked line start, whatever the enclosing blocks use.
        first, *rest = text.split(_INDENT)
        parts = [re.escape(first), r"([ \t\f]*)", re.escape(rest[0])]
        for part in rest[1:]:
            parts += [r"\1", re.escape(part)]
        return re.compile("".join(parts))

    def statement_starts(self) -> list[int] | None:
        """The offset of the first line of each top-level statement (decorators included)."""
        if self._statement_starts is None:
            self._statement_starts = self._starts_from_text() or self._starts_from_ast()
        return self._statement_starts or None

    def statement_lines(self) -> list[int] | None:
        """The 1-based first line of each top-level statement (its first decorator's)."""
        starts = self.statement_starts()
        if starts is None:
            return None
        line_starts = self.lines.starts()
        return [bisect.bisect_right(line_starts, start) for start in starts]

    def _starts_from_text(self) -> list[int] | None:
        # Every top-level statement, each of its decorators and each of its `elif`, `else`,
        # `except` and `finally` lines start a line at column 0; a continuation line may too.
        # When the lines that could start one are exactly as many as those, they are those.
        if "\r" in self.source and self.source.count("\r") != self.source.count("\r\n"):
            return None  # lone CR line endings, which `^` does not see
        candidates = [m.start() for m in _LINE_START.finditer(self.source)]
        lines = [self._column_zero_lines(stmt) for stmt in self.module.body]
        if len(candidates) != sum(lines):
            return None
        starts: list[int] = []
        i = 0
        for count in lines:
            starts.append(candidates[i])
            i += count
        return starts

    def _column_zero_lines(self, stmt: cst.BaseStatement) -> int:
        """How many lines a top-level statement starts at column 0: decorators and clauses;
        the lines of a docstring, the most common string to run over lines, as printed."""
        if _is_docstring(stmt):
            return len(_LINE_START.findall(node_code(stmt, self.module)[0]))
        return _clause_lines(stmt)

    def _starts_from_ast(self) -> list[int]:
        try:
            tree = ast.parse(self.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return []
        line_starts = self.lines.starts()
        starts: list[int] = []
        stmts = tree.body
        i = 0
        for stmt in self.module.body:
            if i >= len(stmts):
                return []
            first = stmts[i]
            decorators = getattr(first, "decorator_list", [])
            line = min([first.lineno, *(d.lineno for d in decorators)])
            starts.append(line_starts[line - 1])
            i += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        return starts

    def _statement(self, anchor: int, start: int, node: cst.CSTNode) -> tuple[Spans, int]:
        """Spans within one printed top-level statement, and the shift into the source.

        The first node placed in a statement stops the printing where it ends (a finding in
        a 3,000-line function is placed printing half of it, on average); a second node not
        printed by then has the statement printed whole, as has the first when `spans` was
        asked for two nodes that need it.
        """
        cached = self._statement_spans.get(anchor)
        if cached is not None and (cached[2] or id(node) in cached[0]):
            return cached[0], cached[1]
        until = node if cached is None and anchor not in self._print_whole else None
        code, spans = node_code(self.module.body[anchor], self.module, until=until)
        # The statement's code opens with its leading blank and comment lines.
        first = _LINE_START.search(code)
        shift = start - (first.start() if first else 0)
        self._statement_spans[anchor] = (spans, shift, until is None)
        return spans, shift

    def _whole(self) -> Spans:
        if self._module_spans is None:
            self._module_spans = node_code(self.module, self.module)[1]
        return self._module_spans


def _only_match(
    pattern: re.Pattern[str] | str, source: str, start: int, end: int
) -> tuple[int, int] | None:
    """The span of the one occurrence of `pattern` in source[start:end], if it occurs once."""
    if isinstance(pattern, str):
        at = source.find(pattern, start, end)
        if at < 0 or source.find(pattern, at + 1, end) >= 0:
            return None
        return at, at + len(pattern)
    match = pattern.search(source, start, end)
    if match is None or pattern.search(source, match.start() + 1, end) is not None:
        return None
    return match.span()


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _clause_lines(stmt: cst.BaseStatement) -> int:
    """Decorators, the header and each `elif`, `else`, `except` and `finally`."""
    count = 1 + len(getattr(stmt, "decorators", ()))
    orelse = getattr(stmt, "orelse", None)
    while orelse is not None:  # `elif` chains nest an If in `orelse`
        count += 1
        orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    if isinstance(stmt, cst.Try | cst.TryStar):
        count += len(stmt.handlers) + (stmt.finalbody is not None)
    return count
