"""Properties of fixing over the fixtures, the rules' examples and random mixes of them.

For any source that parses: the fixed code parses, fixing it again changes nothing, and every
finding that still has an applicable fix was reported as not applied (never dropped silently).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerascheck.engine import Settings
from kerascheck.fixer import allowed, fix_text
from kerascheck.rule import all_rules

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
