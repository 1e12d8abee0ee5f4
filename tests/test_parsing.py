"""The parse of checked source: libcst's own trees, without the validation they never fail."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

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
