"""`--statistics`: how many findings each rule made, most frequent first."""

from __future__ import annotations

import json
from collections import Counter

from kerascheck.engine.registry import RUNTIME_CODES, all_rules
from kerascheck.model.results import RunResult


def rows(result: RunResult) -> list[dict[str, object]]:
    counts = Counter(d.code for d in result.diagnostics)
    fixable = Counter(d.code for d in result.diagnostics if d.fix is not None)
    names = {d.code: d.name for d in result.diagnostics}
    rules = all_rules()
    out: list[dict[str, object]] = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(code)
        name = rule.name if rule else RUNTIME_CODES.get(code, names[code])
        out.append({"code": code, "name": name, "count": count, "fixable": fixable[code]})
    return out


def render(result: RunResult, fmt: str = "text") -> str:
    table = rows(result)
    errors = len(result.errors)
    if fmt == "json":
        return json.dumps({"rules": table, "errors": errors}, indent=2) + "\n"
    if not table and not errors:
        return ""
    width = max((len(str(r["count"])) for r in table), default=1)
    lines = [
        f"{r['count']:>{width}}\t{r['code']}\t{'[*] ' if r['fixable'] else '    '}{r['name']}"
        for r in table
    ]
    if errors:
        lines.append(f"{errors:>{width}}\terror\t    files or cells that could not be checked")
    return "\n".join(lines) + "\n"
