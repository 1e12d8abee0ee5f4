"""`kerascheck rules` (the list) and `kerascheck rule CODE` (one rule's documentation)."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from kerascheck.engine.registry import all_rules
from kerascheck.knowledge.runtime_rules import RUNTIME_RULES
from kerascheck.report import rule_docs


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("--all", "show_all", is_flag=True, hidden=True)
def rules_command(fmt: str, show_all: bool) -> None:
    """List every rule: code, name, default, fix, summary (the runtime checks of `kerascheck
    run` last, their default shown as `run`)."""
    static = [(rule, "static") for rule in all_rules().values()]
    runtime = [(rule, "runtime") for rule in RUNTIME_RULES.values()]
    rows = [
        {
            "code": rule.code,
            "name": rule.name,
            "kind": kind,
            "default": rule.default_enabled,
            "severity": rule.severity.value,
            "fix": rule.fix_applicability.value if rule.fix_applicability else None,
            "summary": rule.summary,
        }
        for rule, kind in [*static, *runtime]
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    cells = [
        [
            str(row["code"]),
            str(row["name"]),
            "run" if row["kind"] == "runtime" else "on" if row["default"] else "off",
            str(row["fix"] or "-"),
            str(row["summary"]),
        ]
        for row in rows
    ]
    if not sys.stdout.isatty():
        # Piped: plain columns, never cut; the names are what people type into config.
        head = ["Code", "Name", "Default", "Fix", "Summary"]
        widths = [max(len(r[i]) for r in [head, *cells]) for i in range(4)]
        for line in [head, *cells]:
            click.echo(
                "  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[4]])
            )
        return
    table = Table(title="kerascheck rules")
    for column in ("Code", "Name", "Default", "Fix"):
        table.add_column(column, no_wrap=True)
    table.add_column("Summary")
    for line in cells:
        table.add_row(*line)
    Console().print(table)


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show one rule's documentation (by code or name; static and runtime rules)."""
    found = rule_docs.lookup(code)
    if found is None:
        raise click.UsageError(f"unknown rule {code!r}; `kerascheck rules` lists them")
    click.echo(rule_docs.text(found))
    click.echo(f"Online: {rule_docs.page_url(found)}")
