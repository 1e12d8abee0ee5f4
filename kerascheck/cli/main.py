"""The command line: a thin click layer over kerascheck.api."""

from __future__ import annotations

import importlib
import sys

import click

from kerascheck import __version__

# Subcommands that load heavy modules (the parser, the rules) are imported only when run, so
# `kerascheck --version` and `kerascheck rules` start fast.
_LAZY = {
    "check": "kerascheck.cli.check_command:check",
    "run": "kerascheck.runtime.command:run",
    "config": "kerascheck.cli.config_command:config",
    "clean": "kerascheck.cli.clean_command:clean",
}


class _Group(click.Group):
    """`kerascheck PATH` means `kerascheck check PATH`; subcommands load only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY and name not in self.commands:
            module, _, attr = _LAZY[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        group_flags = {"--version", "-V", "-h", "--help"}
        if args and args[0] not in group_flags and self.get_command(ctx, args[0]) is None:
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="kerascheck")
def cli() -> None:
    """Find the mistakes in Keras model code before the training runs."""


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
@click.option("--all", "show_all", is_flag=True, hidden=True)
def rules_command(fmt: str, show_all: bool) -> None:
    """List every rule: code, name, default, fix, summary."""
    from kerascheck.engine.registry import all_rules

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
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    cells = [
        [
            str(row["code"]),
            str(row["name"]),
            "on" if row["default"] else "off",
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
    from rich.console import Console
    from rich.table import Table

    table = Table(title="kerascheck rules")
    for column in ("Code", "Name", "Default", "Fix"):
        table.add_column(column, no_wrap=True)
    table.add_column("Summary")
    for line in cells:
        table.add_row(*line)
    Console().print(table)


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show one rule's documentation (by code or name; static and runtime rules)."""
    from kerascheck.report import rule_docs

    found = rule_docs.lookup(code)
    if found is None:
        raise click.UsageError(f"unknown rule {code!r}; `kerascheck rules` lists them")
    click.echo(rule_docs.text(found))
    click.echo(f"Online: {rule_docs.page_url(found)}")


def main() -> None:
    try:
        cli.main(prog_name="kerascheck", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
