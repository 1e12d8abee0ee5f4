"""Write the rules table into README.md between its markers; `--check` fails when stale."""

from __future__ import annotations

import sys
from pathlib import Path

from kerascheck.engine.registry import RUNTIME_CODES, all_rules
from kerascheck.report.rule_docs import RUNTIME_SUMMARIES

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rules-table -->", "<!-- /rules-table -->"


def table() -> str:
    rows = ["| Code | Name | Default | Fix | What it finds |", "|---|---|---|---|---|"]
    for rule in all_rules().values():
        fix = rule.fix_applicability.value if rule.fix_applicability else ""
        default = "on" if rule.default_enabled else "off"
        rows.append(f"| {rule.code} | `{rule.name}` | {default} | {fix} | {rule.summary} |")
    for code, name in RUNTIME_CODES.items():
        summary = RUNTIME_SUMMARIES[code]
        rows.append(f"| {code} | `{name}` | `kerascheck run` | | {summary} |")
    return "\n".join(rows)


def render(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
