"""The rule base class, its examples, and selecting rules by code, prefix or name."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kerascheck.types import Applicability, FileModel, Finding, Fix, Severity

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


@dataclass(frozen=True)
class Invalid:
    """An example the rule must report, on the given 1-based lines (of the dedented code)."""

    code: str
    lines: tuple[int, ...]
    # The code after applying the rule's fixes (safe and unsafe), when the rule can fix.
    fixed: str | None = None


@dataclass
class RuleContext:
    """What a rule sees of one file: the model description and its own options."""

    file: FileModel
    options: dict[str, Any] = field(default_factory=dict)


class Rule:
    """One check. Subclasses set the class attributes and implement `check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    fix_applicability: ClassVar[Applicability | None] = None
    options: ClassVar[dict[str, Any]] = {}
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def check(self, ctx: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def docs(cls) -> dict[str, str]:
        """The rule's docstring split into its fixed sections."""
        return parse_doc(cls.__doc__ or "")

    @staticmethod
    def finding(node: Any, message: str, fix: Fix | None = None) -> Finding:
        return Finding(node=node, message=message, fix=fix)


def parse_doc(doc: str) -> dict[str, str]:
    import inspect

    text = inspect.cleandoc(doc)
    sections: dict[str, str] = {}
    current = "summary"
    buffer: list[str] = []
    for line in text.splitlines():
        header = re.fullmatch(r"##\s*(.+?)\s*", line)
        if header:
            sections[current] = "\n".join(buffer).strip()
            current, buffer = header.group(1), []
        else:
            buffer.append(line)
    sections[current] = "\n".join(buffer).strip()
    return sections


_REGISTRY: dict[str, type[Rule]] | None = None


def all_rules() -> dict[str, type[Rule]]:
    """Every rule in `kerascheck.rules`, by code, loaded once."""
    global _REGISTRY
    if _REGISTRY is None:
        # Imported by name: the package lives in rules/ and is mapped in only when installed.
        package = importlib.import_module("kerascheck.rules")
        found: dict[str, type[Rule]] = {}
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Rule)
                    and value is not Rule
                    and value.__module__ == module.__name__
                    and hasattr(value, "code")
                ):
                    found[value.code] = value
        _REGISTRY = dict(sorted(found.items()))
    return _REGISTRY


# Codes of checks that are not static rules (the runtime checker's), so selectors accept them.
RUNTIME_CODES: dict[str, str] = {
    "KR001": "non-reproducible-training",
    "KR002": "self-normalization-drift",
    "KR003": "non-finite-values",
    "KR004": "dead-units",
    "KR005": "gradient-vanishing-or-exploding",
    "KR006": "loss-not-decreasing",
    "KR007": "labels-do-not-fit-loss",
    "KR008": "selu-input-not-standardized",
    "KR009": "saturated-activations",
}


class UnknownSelector(ValueError):
    pass


def known_codes() -> dict[str, str]:
    codes = {code: rule.name for code, rule in all_rules().items()}
    codes.update(RUNTIME_CODES)
    return codes


def expand(selector: str) -> set[str]:
    """Codes matched by a code (KC101), prefix (KC1, KR), name or ALL."""
    codes = known_codes()
    token = selector.strip()
    if token.upper() == "ALL":
        return set(codes)
    by_name = {name: code for code, name in codes.items()}
    if token in by_name:
        return {by_name[token]}
    upper = token.upper()
    matched = {code for code in codes if code.startswith(upper)}
    if not matched or not re.fullmatch(r"K[CR]\d*|K", upper):
        raise UnknownSelector(f"unknown rule selector {selector!r}")
    return matched


def select_rules(
    select: Iterable[str] | None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> list[type[Rule]]:
    rules = all_rules()
    if select is None:
        chosen = {code for code, rule in rules.items() if rule.default_enabled}
    else:
        chosen = set().union(*(expand(s) for s in select)) if select else set()
    for s in extend_select:
        chosen |= expand(s)
    for s in ignore:
        chosen -= expand(s)
    return [rules[code] for code in sorted(chosen) if code in rules]


def find_rule(token: str) -> type[Rule] | None:
    rules = all_rules()
    upper = token.upper()
    if upper in rules:
        return rules[upper]
    for rule in rules.values():
        if rule.name == token:
            return rule
    # Imported here: the runtime rules' documentation module imports this one.
    from kerascheck.runtime.docs import find_runtime_rule

    return find_runtime_rule(token)


def iter_examples(rule: type[Rule]) -> Iterator[tuple[str, str, Invalid | None]]:
    for code in rule.VALID:
        yield "valid", code, None
    for invalid in rule.INVALID:
        yield "invalid", invalid.code, invalid
