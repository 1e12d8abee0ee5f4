"""Properties of fixing over the fixtures, the rules' examples and random mixes of them.

For any source that parses: the fixed code parses, fixing it again changes nothing, and every
finding that still has an applicable fix was reported as not applied (never dropped silently).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerascheck.engine.fix_imports import add_imports
from kerascheck.engine.fixer import allowed, fix_text
from kerascheck.engine.positions import Locator
from kerascheck.engine.registry import all_rules
from kerascheck.engine.text_edits import Converter, splice
from kerascheck.model.results import Fix, TextFix
from kerascheck.model.rule import RuleContext
from kerascheck.model.settings import Settings
from kerascheck.read.reader import read_module
from kerascheck.report.fix_changes import replacements_between

ROOT = Path(__file__).resolve().parent.parent
ALL = Settings(rules=list(all_rules().values()))


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("fixtures/**/*.py"))]
    for rule in all_rules().values():
        texts.extend(textwrap.dedent(example.code) for example in rule.INVALID)
    # `from __future__` must open a file; mixed into the middle of another it would not parse.
    texts = ["".join(x for x in t.splitlines(True) if "__future__" not in x) for t in texts]
    return [t if t.endswith("\n") else t + "\n" for t in texts if _parses(t)]


CORPUS = _corpus()


def check_properties(text: str, unsafe: bool) -> None:
    outcome = fix_text(text, "mix.py", ALL, unsafe=unsafe)
    assert _parses(outcome.text), outcome.text
    again = fix_text(outcome.text, "mix.py", ALL, unsafe=unsafe)
    assert again.text == outcome.text, "fixing twice changed the file again"
    assert again.fixed == 0
    left = sorted(
        (d.code, d.line, d.column) for d in outcome.result.diagnostics if allowed(d.fix, unsafe)
    )
    reported = sorted((s.code, s.line, s.column) for s in outcome.skipped if s.code)
    assert left == reported, "a fixable finding was left without saying why"
    if outcome.fixed:
        assert outcome.changed


def test_every_corpus_text_alone() -> None:
    assert len(CORPUS) > 20
    for text in CORPUS:
        check_properties(text, unsafe=True)
        check_properties(text, unsafe=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(CORPUS), min_size=2, max_size=4),
    st.booleans(),
    st.booleans(),
)
def test_random_mixes(parts: list[str], crlf: bool, unsafe: bool) -> None:
    text = "\n".join(parts)
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    check_properties(text, unsafe)
    if crlf:
        outcome = fix_text(text, "mix.py", ALL, unsafe=unsafe)
        assert "\n" not in outcome.text.replace("\r\n", ""), "a fix wrote a bare LF in a CRLF file"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(CORPUS), st.booleans()), min_size=1, max_size=4),
    st.booleans(),
)
def test_random_notebooks(cells: list[tuple[str, bool]], unsafe: bool) -> None:
    """Cells (some opening with a magic) fixed: JSON intact, cells parse, a second fix is a no-op."""
    import json

    from kerascheck.read.notebook import mask_cell, split_lines
    from kerascheck.run.notebook_fix import fix_notebook

    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [str(i)]}],
                "execution_count": i,
                "source": split_lines(("%matplotlib inline\n" if magic else "") + text),
            }
            for i, (text, magic) in enumerate(cells)
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode()
    outcome = fix_notebook(data, "nb.ipynb", ALL, unsafe)
    if outcome.data is None:
        return
    fixed = json.loads(outcome.data)
    for before, after in zip(notebook["cells"], fixed["cells"], strict=True):
        assert {k: v for k, v in before.items() if k != "source"} == {
            k: v for k, v in after.items() if k != "source"
        }
        if after["source"] != before["source"]:
            assert _parses("".join(mask_cell("".join(after["source"]))[0]))
            assert after["source"][0].startswith("%matplotlib") == before["source"][0].startswith(
                "%matplotlib"
            )
    again = fix_notebook(outcome.data, "nb.ipynb", ALL, unsafe)
    assert again.data is None and again.fixed == 0


# ---------------------------------------------------------------- text edits = re-generation


class _ReplaceEverywhere(cst.CSTTransformer):
    """The fixer before text edits: replace nodes by identity and re-generate the module."""

    def __init__(self, edits: dict[int, Any]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        edit = self.edits.get(id(original_node))
        return updated_node if edit is None else edit.replacement


def _regenerated(module: cst.Module, fix: Fix) -> str | None:
    """The whole module re-generated with this one fix, or None when that cannot be done."""
    by_id = {id(e.node): e for e in fix.edits}
    try:
        if id(module) in by_id:
            fixed = by_id[id(module)].replacement
        else:
            fixed = module.visit(_ReplaceEverywhere(by_id))
        if fix.imports:
            fixed = add_imports(fixed, list(fix.imports))
        code: str = fixed.code
    except Exception:
        return None
    return code


def _rule_fixes(text: str) -> tuple[cst.Module, list[tuple[Fix, TextFix]]]:
    """The module the rules read, and each rule fix with the text fix the engine made of it."""
    module = cst.parse_module(text)
    file = read_module(module, "t.py")
    locator = Locator(module, text, file.anchors)
    converter = Converter(module, text, file.anchors, locator.statement_lines)
    pairs: list[tuple[Fix, TextFix]] = []
    for rule_cls in ALL.rules:
        ctx = RuleContext(file=file, options=dict(rule_cls.options))
        for finding in rule_cls().check(ctx):
            if finding.fix is not None:
                pairs.append((finding.fix, converter.convert(finding.fix, finding.node)))
    return module, pairs


def test_text_edits_make_exactly_what_regenerating_the_module_made() -> None:
    """Every fix of the corpus: its text edits give the code the whole-module re-generation
    gave (the fixer before text edits), so `--fix` and SARIF, which read the edits, agree
    with the re-analysis SARIF used to run."""
    compared = 0
    for text in CORPUS:
        module, pairs = _rule_fixes(text)
        for fix, text_fix in pairs:
            expected = _regenerated(module, fix)
            if expected is None or text_fix.problem is not None:
                assert not text_fix.edits or text_fix.problem is not None
                continue
            got = splice(text, text_fix.edits)
            assert got == expected
            assert replacements_between(text, got) == replacements_between(text, expected)
            compared += 1
    assert compared > 50
