"""Each rule's documentation page: its name in docs/rules/, its URL, and its Markdown text."""

from __future__ import annotations

from kerascheck.engine.registry import RUNTIME_CODES, all_rules, find_rule
from kerascheck.knowledge.runtime_rules import RUNTIME_RULES
from kerascheck.model.rule import Rule

# Where the repository lives; rule pages are linked from reports under it.
REPOSITORY_URL = "https://github.com/OWNER/kerascheck"
DOCS_FOLDER = "docs/rules"
BRANCH = "main"


def lookup(token: str) -> str | None:
    """The code of a static or runtime rule named by code or name, or None."""
    rule = find_rule(token.strip())
    return None if rule is None else rule.code


def _rule(code: str) -> type[Rule] | None:
    return all_rules().get(code) or RUNTIME_RULES.get(code)


def rule_name(code: str) -> str | None:
    rule = _rule(code)
    return None if rule is None else rule.name


def page_file(code: str) -> str | None:
    """`KC101-selu-without-lecun-normal.md`, or None for an unknown code."""
    name = rule_name(code)
    return None if name is None else f"{code}-{name}.md"


def page_path(code: str) -> str | None:
    """The page's path in the repository."""
    name = page_file(code)
    return None if name is None else f"{DOCS_FOLDER}/{name}"


def page_url(code: str) -> str | None:
    path = page_path(code)
    return None if path is None else f"{REPOSITORY_URL}/blob/{BRANCH}/{path}"


def text(code: str) -> str:
    """The page in Markdown (also what `kerascheck rule CODE` prints)."""
    rule = _rule(code)
    if rule is None:
        raise KeyError(code)
    return _static_text(rule)


def _static_text(rule: type[Rule]) -> str:
    fix = rule.fix_applicability.value if rule.fix_applicability else "none"
    out = [
        f"# {rule.code} {rule.name}\n",
        f"{rule.summary}\n",
        f"Default: {'on' if rule.default_enabled else 'off'}. "
        f"Severity: {rule.severity.value}. Fix: {fix}.\n",
    ]
    for section, body in rule.docs().items():
        if section != "summary" and body:
            out.append(f"## {section}\n\n{body}\n")
    return "\n".join(out)


def all_pages() -> dict[str, str]:
    """Every page by file name, plus the index (README.md)."""
    codes = [*all_rules(), *RUNTIME_CODES]
    pages = {str(page_file(code)): text(code) for code in codes}
    rows = ["# kerascheck rules\n", "| Code | Name | Summary |", "|---|---|---|"]
    for code in codes:
        rule = _rule(code)
        summary = rule.summary if rule is not None else ""
        rows.append(f"| [{code}]({page_file(code)}) | `{rule_name(code)}` | {summary} |")
    pages["README.md"] = (
        "\n".join(rows) + "\n\nGenerated from the rules' own documentation by "
        "`scripts/gen_rule_docs.py`; `kerascheck rule CODE` prints the same text.\n"
    )
    return pages
