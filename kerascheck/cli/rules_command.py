"""`kerascheck rules` (the list) and `kerascheck rule CODE` (one rule's documentation)."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from kerascheck.engine.registry import all_rules, find_rule


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("--all", "show_all", is_flag=True, hidden=True)
def rules_command(fmt: str, show_all: bool) -> None:
    """List every rule: code, name, default, fix, summary."""
    rows = [
        {
            "code": rule.code,
            "name": rule.name,
            "default": rule.default_enabled,
            "severity": rule.severity.value,
            "fix": rule.fix_applicability.value if rule.fix_applicability else None,
            "summary": rule.summary,
        }
        for rule in all_rules().values()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="kerascheck rules")
    for column in ("Code", "Name", "Default", "Fix", "Summary"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["code"]),
            str(row["name"]),
            "on" if row["default"] else "off",
            str(row["fix"] or "-"),
            str(row["summary"]),
        )
    Console().print(table)


@click.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show one rule's documentation (by code or name)."""
    rule = find_rule(code)
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; `kerascheck rules` lists them")
    docs = rule.docs()
    fix = rule.fix_applicability.value if rule.fix_applicability else "none"
    click.echo(f"# {rule.code} {rule.name}\n")
    click.echo(
        f"{rule.summary}\n\nDefault: {'on' if rule.default_enabled else 'off'}. "
        f"Severity: {rule.severity.value}. Fix: {fix}.\n"
    )
    for section, body in docs.items():
        if section == "summary" or not body:
            continue
        click.echo(f"## {section}\n\n{body}\n")
