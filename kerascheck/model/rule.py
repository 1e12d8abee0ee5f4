"""The rule base class, its context and examples: the interface every rule implements."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from kerascheck.model.description import FileModel
from kerascheck.model.results import Applicability, Finding, Fix, Severity

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
