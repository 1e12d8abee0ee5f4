"""The parse of checked source: libcst's own trees, without the validation they never fail."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import libcst as cst
import pytest

from kerascheck.read import parsing
from kerascheck.read.parsing import parse_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_trees_print_back_to_their_source() -> None:
    sources = sorted(FIXTURES.rglob("*.py"))
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        module = parse_source(text)
        assert module.code == text
        assert module.deep_equals(cst.parse_module(text)), path


def test_validation_is_back_after_a_parse_and_after_a_failed_one() -> None:
    parse_source("x = 1\n")
    with pytest.raises(cst.ParserSyntaxError):
        parse_source("def broken(:\n")
    # A node built by hand is validated as before: a name with a space is refused.
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_our_parse_runs_no_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails when a libcst release moves the validation elsewhere: the parse would still be
    # right, but 10-14% slower, and nothing else would say so.
    original = cst.CSTNode.__post_init__
    validated: list[str] = []

    def counting(self: cst.CSTNode) -> None:
        validated.append(type(self).__name__)
        original(self)

    monkeypatch.setattr(cst.CSTNode, "__post_init__", counting)
    cst.parse_module("x = f(1)\n")
    assert validated  # libcst validates the trees its own parser builds
    validated.clear()
    monkeypatch.setattr("kerascheck.read.parsing._POST_INIT", counting)
    parse_source("x = f(1)\n")
    assert validated == []


# Source with every kind of node the common classes cover, and their rarer neighbours.
_SYNTAX = '''\
import os, sys as system  # comment
from keras import layers, models as m
x: int = 1; y = 2.5e-3
z = [a[1:2, ::3], (b,), {c: d for c, d in e}, {*f}, -g ** 2]
@decorator(arg=1)
async def f(p, /, q=1, *r, s: str = "t", **u) -> None:
    """Doc."""
    global v
    with open(p) as h, other():
        async for i in h:
            yield i if i else (lambda j: j)(i)
    try:
        pass
    except (KeyError, ValueError) as exc:
        raise RuntimeError("x") from exc
    finally:
        del y
class C(Base, metaclass=Meta):
    w = f"{x!r:>{y}}" 'and' "str"
    def g(self): return self.w @ z
match command:
    case [1, *rest] | {"k": _} if rest:
        pass
'''


@pytest.fixture
def fast_constructors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[type, object, object]]:
    """Every parse builds nodes with the fast constructors, whatever it parsed before."""
    constructors = parsing._Constructors()
    constructors.table = parsing.build_constructors()
    monkeypatch.setattr(parsing, "_CONSTRUCTORS", constructors)
    return constructors.table


def test_fast_constructors_build_the_same_trees(fast_constructors: list) -> None:
    assert fast_constructors
    sources = [_SYNTAX, *(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.py")))]
    for text in sources:
        module = parse_source(text)
        assert module.code == text
        assert module.deep_equals(cst.parse_module(text))


def test_every_common_class_gets_a_fast_constructor(fast_constructors: list) -> None:
    # Fails when a libcst release changes how its nodes are built: parses would stay right
    # but lose the speed-up, and nothing else would say so.
    built = {cls.__name__ for cls, _, _ in fast_constructors}
    assert built == set(parsing._FREQUENT)


def test_node_classes_are_as_before_after_a_parse(fast_constructors: list) -> None:
    owns = {cls: cls.__dict__["__init__"] for cls, _, _ in fast_constructors}
    module = parse_source(_SYNTAX)
    with pytest.raises(cst.ParserSyntaxError):
        parse_source("def broken(:\n")
    assert {cls: cls.__dict__["__init__"] for cls in owns} == owns
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    with pytest.raises(dataclasses.FrozenInstanceError):
        module.body[0].body[0].names[0].name.value = "changed"  # type: ignore[attr-defined, misc]


def test_a_fast_constructor_fills_defaults_as_libcst_does(fast_constructors: list) -> None:
    fast = next(entry[2] for entry in fast_constructors if entry[0] is cst.Call)
    call = object.__new__(cst.Call)
    fast(call, func=cst.Name("f"))
    assert call.deep_equals(cst.Call(cst.Name("f")))
    # A default factory makes a new node for each call, not one shared by all.
    other = object.__new__(cst.Call)
    fast(other, func=cst.Name("g"))
    assert other.whitespace_after_func is not call.whitespace_after_func


def test_what_only_validation_refuses_is_still_refused() -> None:
    # `"a" b"b"` is in libcst's grammar; CPython and libcst's validation refuse it.
    with pytest.raises(cst.CSTValidationError):
        parse_source('x = "a" b"b"\n')


def test_constructors_are_built_once_enough_source_is_parsed() -> None:
    constructors = parsing._Constructors()
    assert constructors.for_parse(1_000) == []
    assert constructors.table is None
    table = constructors.for_parse(parsing._WORTH_BUILDING)
    assert table
    assert constructors.for_parse(10) is table
