"""Every rule's own VALID and INVALID examples, run by one generic test.

Line numbers in `Invalid(lines=...)` count the example's text as written in the rule file,
after `textwrap.dedent`: line 1 is the line of the opening quotes (usually empty).
"""

from __future__ import annotations

import textwrap

import pytest

from kerascheck.engine.check import check_text
from kerascheck.engine.registry import all_rules
from kerascheck.model.rule import Invalid, Rule
from kerascheck.model.settings import Settings

RULES = list(all_rules().values())


def _cases() -> list[object]:
    cases: list[object] = []
    for rule in RULES:
        for i, code in enumerate(rule.VALID):
            cases.append(pytest.param(rule, code, None, id=f"{rule.code}-valid-{i}"))
        for i, invalid in enumerate(rule.INVALID):
            cases.append(pytest.param(rule, invalid.code, invalid, id=f"{rule.code}-invalid-{i}"))
    return cases


def findings(rule: type[Rule], code: str) -> list[int]:
    result = check_text(textwrap.dedent(code), "example.py", Settings(rules=[rule]))
    assert not result.errors, result.errors
    return sorted({d.line for d in result.diagnostics if d.code == rule.code})


@pytest.mark.parametrize(("rule", "code", "invalid"), _cases())
def test_example(rule: type[Rule], code: str, invalid: Invalid | None) -> None:
    lines = findings(rule, code)
    if invalid is None:
        assert lines == [], f"{rule.code} reported a VALID example on lines {lines}"
    else:
        assert lines == sorted(set(invalid.lines)), (
            f"{rule.code} INVALID example: expected lines {sorted(invalid.lines)}, got {lines}"
        )


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_documented_and_has_examples(rule: type[Rule]) -> None:
    docs = rule.docs()
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert docs.get(section), f"{rule.code} docstring lacks section {section!r}"
    assert rule.VALID, f"{rule.code} has no VALID examples"
    assert rule.INVALID, f"{rule.code} has no INVALID examples"
    assert rule.summary and rule.name == rule.name.lower()


def _fix_cases() -> list[object]:
    return [
        pytest.param(rule, invalid, id=f"{rule.code}-invalid-{i}-fixed")
        for rule in RULES
        for i, invalid in enumerate(rule.INVALID)
        if invalid.fixed is not None
    ]


@pytest.mark.parametrize(("rule", "invalid"), _fix_cases())
def test_example_fix(rule: type[Rule], invalid: Invalid) -> None:
    """All the rule's fixes (unsafe ones too) turn the INVALID example into its `fixed` code."""
    from kerascheck.engine.fixer import fix_text

    assert invalid.fixed is not None
    settings = Settings(rules=[rule])
    outcome = fix_text(textwrap.dedent(invalid.code), "example.py", settings, unsafe=True)
    assert outcome.skipped == [], outcome.skipped
    assert outcome.text == textwrap.dedent(invalid.fixed)
    assert not fix_text(outcome.text, "example.py", settings, unsafe=True).changed


FIXABLE = [rule for rule in RULES if rule.fix_applicability is not None]


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.code for r in FIXABLE])
def test_fixable_rule_shows_its_fix(rule: type[Rule]) -> None:
    assert any(invalid.fixed is not None for invalid in rule.INVALID), (
        f"{rule.code} can fix but no INVALID example says what the fixed code is"
    )
