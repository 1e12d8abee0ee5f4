"""A model's successors and predecessors follow its edges as they change."""

from __future__ import annotations

from kerascheck.model.description import Model, SourceLocation


def test_links_follow_edges_appended_and_replaced() -> None:
    model = Model(kind="functional", var="m", node=SourceLocation("<test>", 1))
    model.edges += [(0, 1), (0, 2), (1, 2)]
    assert model.successors(0) == [1, 2]
    assert model.predecessors(2) == [0, 1]
    model.edges.append((2, 3))
    assert model.successors(2) == [3]
    model.edges = [(3, 0)]
    assert model.successors(0) == []
    assert model.predecessors(0) == [3]
    # A caller may change what it is given without changing the model.
    model.successors(3).append(9)
    assert model.successors(3) == [0]


def test_links_of_a_large_model_as_scanned() -> None:
    model = Model(kind="functional", var="m", node=SourceLocation("<test>", 1))
    model.edges = [(i, i + 1) for i in range(40)] + [(i, i + 2) for i in range(0, 40, 3)]
    for i in range(42):
        assert model.successors(i) == [b for a, b in model.edges if a == i]
        assert model.predecessors(i) == [a for a, b in model.edges if b == i]
    model.edges.append((0, 41))
    assert model.successors(0) == [1, 2, 41]
