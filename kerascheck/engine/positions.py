"""Positions of reported nodes, computed only for the statements that hold findings."""

from __future__ import annotations

import ast
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange

from kerascheck.engine.code_positions import code_positions
from kerascheck.model.description import SourceLocation
from kerascheck.model.results import Span

# Why not PositionProvider on every file: it re-generates the whole module's code and costs
# more than the parse itself. Findings are few, so positions are computed per top-level
# statement that holds one (a small module of that statement alone), then shifted by the
# statement's line, which `ast` gives cheaply.


class Locator:
    def __init__(self, module: cst.Module, source: str, anchors: dict[int, int]) -> None:
        self.module = module
        self.source = source
        self.anchors = anchors
        self._statement_lines: list[int] | None = None
        self._cache: dict[int, tuple[Mapping[cst.CSTNode, CodeRange], int]] = {}
        self._whole: Mapping[cst.CSTNode, CodeRange] | None = None

    def span(self, node: cst.CSTNode | SourceLocation) -> Span:
        if isinstance(node, SourceLocation):
            return Span(node.line, node.column, node.line, node.column)
        anchor = self.anchors.get(id(node))
        lines = self.statement_lines()
        if anchor is not None and lines is not None and anchor < len(lines):
            positions, offset = self._statement_positions(anchor, lines[anchor])
            found = positions.get(node)
            if found is not None:
                return _to_span(found, offset)
        return _to_span(self._whole_positions()[node], 0)

    def statement_lines(self) -> list[int] | None:
        """The 1-based first line of each libcst top-level statement."""
        if self._statement_lines is None:
            try:
                tree = ast.parse(self.source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            lines: list[int] = []
            stmts = tree.body
            i = 0
            for stmt in self.module.body:
                if i >= len(stmts):
                    return None
                first = stmts[i]
                decorators = getattr(first, "decorator_list", [])
                lines.append(min([first.lineno, *(d.lineno for d in decorators)]))
                i += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
            self._statement_lines = lines
        return self._statement_lines

    def _statement_positions(
        self, anchor: int, line: int
    ) -> tuple[Mapping[cst.CSTNode, CodeRange], int]:
        cached = self._cache.get(anchor)
        if cached is None:
            stmt = self.module.body[anchor]
            mini = self.module.with_changes(header=(), body=(stmt,), footer=())
            positions = code_positions(mini)
            # A decorated definition's range starts at `def`/`class`; `line` is its first decorator.
            decorators = getattr(stmt, "decorators", ())
            start = positions[decorators[0] if decorators else stmt].start.line
            cached = (positions, line - start)
            self._cache[anchor] = cached
        return cached

    def _whole_positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._whole is None:
            self._whole = code_positions(self.module)
        return self._whole


def _to_span(position: object, offset: int) -> Span:
    start = position.start  # type: ignore[attr-defined]
    end = position.end  # type: ignore[attr-defined]
    return Span(start.line + offset, start.column + 1, end.line + offset, end.column + 1)
