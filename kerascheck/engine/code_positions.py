"""Node positions from one code generation pass, as PositionProvider gives them, for a third of it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import TracebackType

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState

# Why not PositionProvider itself: it builds two position objects per node, runs a
# generator-based context manager for each expression and splits every token with a regex
# to count newlines. The hooks below compute the same numbers with tuples and plain string
# tests; tests/test_code_positions.py compares both on every node of real files.

_Pair = tuple[int, int]


class _State(PositionProvidingCodegenState):
    """libcst's position-recording codegen state, with cheaper bookkeeping."""

    computed: dict[int, tuple[cst.CSTNode, _Pair, _Pair]]
    starts: list[_Pair]

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self._update_position(value)
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        # A position recorded by record_syntactic_position (inside the node) wins.
        if id(node) not in self.computed:
            self.computed[id(node)] = (node, start, (self.line, self.column))

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
        state: _State,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.start: _Pair = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        state = self.state
        computed = state.computed
        start = self.start
        end = (state.line, state.column)
        if self.start_node is not None:
            start = computed[id(self.start_node)][1]
        if self.end_node is not None:
            end = computed[id(self.end_node)][2]
        computed[id(self.node)] = (self.node, start, end)


class Positions(Mapping[cst.CSTNode, CodeRange]):
    """Node -> CodeRange, built only for the nodes asked for."""

    def __init__(self, computed: dict[int, tuple[cst.CSTNode, _Pair, _Pair]]) -> None:
        self._computed = computed

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(id(node))
        if found is None or found[0] is not node:
            raise KeyError(node)
        _, start, end = found
        return CodeRange(CodePosition(*start), CodePosition(*end))

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return (node for node, _, _ in self._computed.values())

    def __len__(self) -> int:
        return len(self._computed)


def code_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """What `MetadataWrapper(module).resolve(PositionProvider)` gives for each node."""
    state = _State(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=PositionProvider(),
    )
    state.computed = {}
    state.starts = []
    module._codegen(state)
    return Positions(state.computed)
