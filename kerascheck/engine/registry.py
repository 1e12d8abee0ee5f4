"""The rule registry: load every rule once and select rules by code, prefix or name."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Iterator

from kerascheck.model.rule import Invalid, Rule

_REGISTRY: dict[str, type[Rule]] | None = None


def all_rules() -> dict[str, type[Rule]]:
    """Every rule in `kerascheck.rules`, by code, loaded once."""
    global _REGISTRY
    if _REGISTRY is None:
        # Imported by name: the package lives in rules/ and is mapped in only when installed.
        package = importlib.import_module("kerascheck.rules")
        found: dict[str, type[Rule]] = {}
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
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


# One layer of rule selection: (select, extend-select, ignore); select None keeps the choice
# so far (at first: the rules on by default).
Selection = tuple[Iterable[str] | None, Iterable[str], Iterable[str]]


def selected_codes(layers: Iterable[Selection]) -> list[str]:
    """The codes chosen by the defaults, then by each layer in turn (config file, then
    command line): `select` replaces the choice, `extend-select` adds, `ignore` removes."""
    rules = all_rules()
    chosen = {code for code, rule in rules.items() if rule.default_enabled}
    for select, extend, ignore in layers:
        if select is not None:
            chosen = set().union(*(expand(s) for s in select))
        for s in extend:
            chosen |= expand(s)
        for s in ignore:
            chosen -= expand(s)
    return sorted(code for code in chosen if code in rules)


def select_rules(
    select: Iterable[str] | None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
) -> list[type[Rule]]:
    rules = all_rules()
    return [rules[code] for code in selected_codes([(select, extend_select, ignore)])]


def find_rule(token: str) -> type[Rule] | None:
    rules = all_rules()
    upper = token.upper()
    if upper in rules:
        return rules[upper]
    for rule in rules.values():
        if rule.name == token:
            return rule
    return None


def iter_examples(rule: type[Rule]) -> Iterator[tuple[str, str, Invalid | None]]:
    for code in rule.VALID:
        yield "valid", code, None
    for invalid in rule.INVALID:
        yield "invalid", invalid.code, invalid
