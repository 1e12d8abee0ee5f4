"""What a check runs: the selected rules, their options, suppression handling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kerascheck.model.rule import Rule


@dataclass
class Settings:
    """What to run: rules already selected, their options, and how to treat suppressions."""

    rules: Sequence[type[Rule]]
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignore_noqa: bool = False
    verbose: bool = False
    # The Keras the checked code targets: "keras2" or "keras3". Settings built in code speak of
    # the current Keras; runs over a project infer the project's own (kerascheck.run.config).
    target_version: str = "keras3"
    # `--fixable` / `--unfixable`: the codes whose fixes `--fix` may apply; None for all.
    fixable: frozenset[str] | None = None
    # Whether fixes become text edits (fixing, diffs and SARIF need them); a plain check only
    # reports that a fix exists, and skips the cost of placing it.
    fix_edits: bool = True
