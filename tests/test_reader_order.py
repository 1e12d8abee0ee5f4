"""The reader reads the children of rarer expressions from their fields, in libcst's own order."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from kerascheck.read.cst_fields import child_nodes, nodes_in, of_kind
from kerascheck.read.reader import _NO_EXPRESSIONS, _SOURCE_FIELDS

ROOT = Path(__file__).resolve().parent.parent

# Every expression in the table, with each of its optional parts present and absent.
SOURCE = """\
f = lambda: 0
g = lambda a, /, b=f(1), *c, d=g(2), **e: (a, b)
def fn(a: t(), /, b=f(1), *c: u(), d: int = g(2), **e: v()) -> r():
    pass
h = lambda *, k=h(3): k
x = a() if b() else c()
d = {k(): v() for k, v in items() if ok(k) for _ in range(n())}
s = {e() for e in xs()}
l = [y() async for y in ys() if y]
t = (z() for z in zs())
m = {a(): b(), **c(), d: e}
n = {1, *more(), g()}
p = [*xs(), ys()]
q = f"{x()!r:>{width()}} and {y()=} plain"
r = w[a():b():c(), ::d(), e(), *f()]
async def run():
    await go()
    yield
    yield value()
    yield from gen()
    if (n := size()) > 3:
        pass
    v = ...
"""


def _expression_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    return [
        child
        for child in node.children
        if of_kind(type(child), cst.BaseExpression) or not of_kind(type(child), _NO_EXPRESSIONS)
    ]


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    out, pending = [], [module]
    while pending:
        node = pending.pop()
        out.append(node)
        pending.extend(child_nodes(node))
    return out


def test_fields_give_what_children_gives_in_order() -> None:
    sources = [SOURCE, *(p.read_text("utf-8") for p in sorted((ROOT / "fixtures").rglob("*.py")))]
    seen: set[type] = set()
    for text in sources:
        for node in _nodes(cst.parse_module(text)):
            fields = _SOURCE_FIELDS.get(type(node))
            if fields is None:
                continue
            seen.add(type(node))
            got = [id(child) for child in nodes_in(node, fields)]
            assert got == [id(child) for child in _expression_children(node)], type(node)
    assert seen == set(_SOURCE_FIELDS)  # every entry was compared at least once
