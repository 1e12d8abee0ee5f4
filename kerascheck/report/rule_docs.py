"""Each rule's documentation page: its name in docs/rules/, its URL, and its Markdown text."""

from __future__ import annotations

from kerascheck.engine.registry import RUNTIME_CODES, all_rules, find_rule
from kerascheck.model.rule import Rule

# Where the repository lives; rule pages are linked from reports under it.
REPOSITORY_URL = "https://github.com/OWNER/kerascheck"
DOCS_FOLDER = "docs/rules"
BRANCH = "main"

RUNTIME_SUMMARIES = {
    "KR001": "Two fresh runs with the same seed end with different weights.",
    "KR002": "A SELU network's layer outputs leave mean 0 / std 1.",
    "KR003": "NaN or Inf in the loss, weights or gradients during the short fit.",
    "KR004": "ReLU-family layers where most units never activate.",
    "KR005": "Gradient norms vanish or explode from the last layer to the first.",
    "KR006": "The loss at the end of the short fit is not below its start.",
    "KR007": "Labels outside what the loss expects (class range, one-hot, 0/1).",
    "KR008": "A SELU network fed inputs that are not standardized.",
    "KR009": "Sigmoid/tanh layers with most pre-activations beyond +-5.",
}


def lookup(token: str) -> str | None:
    """The code of a static or runtime rule named by code or name, or None."""
    rule = find_rule(token)
    if rule is not None:
        return rule.code
    upper = token.strip().upper()
    if upper in RUNTIME_CODES:
        return upper
    by_name = {name: code for code, name in RUNTIME_CODES.items()}
    return by_name.get(token.strip())


def rule_name(code: str) -> str | None:
    rule = all_rules().get(code)
    return rule.name if rule is not None else RUNTIME_CODES.get(code)


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
    rule = all_rules().get(code)
    if rule is not None:
        return _static_text(rule)
    name = RUNTIME_CODES[code]
    return (
        f"# {code} {name}\n\n{RUNTIME_SUMMARIES.get(code, '')}\n\n"
        "Runtime check: reported by `kerascheck run`, which trains the model briefly in a "
        "child process and measures what only execution shows (it needs the `runtime` extra: "
        "TensorFlow and Keras). Select or ignore it like any rule, by code or name.\n"
    )


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
        rule = all_rules().get(code)
        summary = rule.summary if rule is not None else RUNTIME_SUMMARIES.get(code, "")
        rows.append(f"| [{code}]({page_file(code)}) | `{rule_name(code)}` | {summary} |")
    pages["README.md"] = (
        "\n".join(rows) + "\n\nGenerated from the rules' own documentation by "
        "`scripts/gen_rule_docs.py`; `kerascheck rule CODE` prints the same text.\n"
    )
    return pages
