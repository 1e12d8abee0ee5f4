"""Node spans from one code generation pass, as PositionProvider gives them, for a third of it."""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Iterator, Mapping
from types import TracebackType

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

# Why not PositionProvider itself: it builds two position objects per node, runs a
# generator-based context manager for each expression and splits every token with a regex
# to count newlines. The state below records plain character offsets instead, and lines and
# columns are counted only for the nodes asked for; tests/test_code_positions.py compares
# the result with PositionProvider on every node of odd syntax and real files.

# node id -> (node, start, end): the node's syntactic span as offsets into the generated code.
Spans = dict[int, tuple[cst.CSTNode, int, int]]


class _OffsetState(CodegenState):
    """libcst's codegen state, recording where each node's syntactic span starts and ends."""

    spans: Spans
    starts: list[int]
    offset: int
    until: cst.CSTNode | None

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def pop_trailing_newline(self) -> None:
        # As PositionProvider: the module's last newline, dropped from a file without one,
        # still ends the spans that held it (offsets then run one past the code).
        if self.tokens:
            self.tokens.pop()

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        # A span recorded by record_syntactic_position (inside the node) wins.
        if id(node) not in self.spans:
            self.spans[id(node)] = (node, start, self.offset)
        if node is self.until:
            raise _Reached

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """The span of a node without the whitespace it owns, possibly taken from its children."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _OffsetState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            return  # printing stopped inside the node (`until`): its end was not printed
        spans = self.state.spans
        start = self.start
        end = self.state.offset
        if self.start_node is not None:
            start = spans[id(self.start_node)][1]
        if self.end_node is not None:
            end = spans[id(self.end_node)][2]
        spans[id(self.node)] = (self.node, start, end)


class _Reached(Exception):
    """Code generation has printed the node asked for: the rest is not needed."""


def node_code(
    node: cst.CSTNode, module: cst.Module, indent: str = "", until: cst.CSTNode | None = None
) -> tuple[str, Spans]:
    """The code of one node (a whole module too) and the syntactic span of each node in it.

    `indent` stands for the indentation of the blocks around the node: libcst writes it at
    the start of each line inside the node that the enclosing blocks indent. With `until`,
    printing stops once that node inside it is printed: the code up to there, and the spans
    of the nodes printed whole by then.
    """
    state = _OffsetState(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    state.spans = {}
    state.starts = []
    state.offset = 0
    state.until = until
    if indent:
        state.indent_tokens.append(indent)
    with contextlib.suppress(_Reached):
        node._codegen(state)
    return "".join(state.tokens), state.spans


_NEWLINE = re.compile(r"\r\n?|\n")
_COUNTED_LOOKUPS = 16


class LineTable:
    """Character offset -> (1-based line, 0-based column), lines ending as Python's do."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        # With LF endings only (most files), a few lookups count newlines in C and need no
        # table; many lookups (every node of a file, in tests) build it.
        self._counted = 0 if "\r" not in text else _COUNTED_LOOKUPS

    def starts(self) -> list[int]:
        """The offset where each line starts."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self.text))]
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        if offset > len(self.text):  # past the newline a file without one does not end with
            return self.position(len(self.text))[0] + 1, 0
        if self._counted < _COUNTED_LOOKUPS:
            self._counted += 1
            line_start = self.text.rfind("\n", 0, offset) + 1
            return self.text.count("\n", 0, offset) + 1, offset - line_start
        starts = self.starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1]


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """Node -> CodeRange, built only for the nodes asked for."""

    def __init__(self, spans: Spans, lines: LineTable) -> None:
        self._spans = spans
        self._lines = lines

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._spans.get(id(node))
        if found is None or found[0] is not node:
            raise KeyError(node)
        _, start, end = found
        return CodeRange(
            CodePosition(*self._lines.position(start)), CodePosition(*self._lines.position(end))
        )

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return (node for node, _, _ in self._spans.values())

    def __len__(self) -> int:
        return len(self._spans)


def code_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """What `MetadataWrapper(module).resolve(PositionProvider)` gives for each node."""
    code, spans = node_code(module, module)
    return Positions(spans, LineTable(code))
