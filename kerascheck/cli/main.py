"""The command line: a thin click layer over kerascheck.api."""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any

import click

from kerascheck import __version__
from kerascheck.cli.check_options import InputOptions, input_options

# Subcommands that load heavy modules are imported only when run.
_LAZY = {
    "run": "kerascheck.runtime.command:run",
    "config": "kerascheck.cli.config_command:config",
    "clean": "kerascheck.cli.clean_command:clean",
    "describe": "kerascheck.cli.describe_command:describe",
}


class _Group(click.Group):
    """`kerascheck PATH` means `kerascheck check PATH`; `run` loads only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY and name not in self.commands:
            module, _, attr = _LAZY[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        group_flags = {"--version", "-h", "--help"}
        if args and args[0] not in group_flags and self.get_command(ctx, args[0]) is None:
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kerascheck")
def cli() -> None:
    """Find the mistakes in Keras model code before the training runs."""


FORMATS = ("text", "concise", "json", "github", "sarif", "junit")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--select", multiple=True, help="Codes, prefixes or names to enable (comma lists ok)."
)
@click.option("--ignore", multiple=True, help="Codes, prefixes or names to disable.")
@click.option("--extend-select", multiple=True, help="Enable these on top of the defaults.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report to this file."
)
@click.option("--statistics", is_flag=True, help="Print how many findings each rule made.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a diff and write nothing.")
@input_options
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    fmt: str,
    output_file: str | None,
    statistics: bool,
    exit_zero: bool,
    verbose: bool,
    inputs: InputOptions,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
) -> None:
    """Check Python files, notebooks and directories (the default command)."""
    from kerascheck.cli.check_options import run_check

    fixes = None
    if fix or diff:
        from kerascheck.run.fix_run import FixOptions

        fixes = FixOptions(unsafe=unsafe_fixes, write=not diff)

    result = run_check(
        paths,
        _split(select) if select else None,
        _split(ignore),
        _split(extend_select),
        verbose,
        inputs,
        fixes,
    )
    if fixes is not None:
        from kerascheck.run.fix_run import finish

        emit = functools.partial(_emit, fmt=fmt, output_file=output_file, statistics=statistics)
        sys.exit(finish(fixes, result, fmt, exit_zero, emit))
    _emit(result, fmt, output_file, statistics)
    if any(e.internal for e in result.errors):
        sys.exit(2)
    if exit_zero:
        sys.exit(0)
    sys.exit(1 if result.diagnostics or result.errors else 0)


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _emit(result: Any, fmt: str, output_file: str | None = None, statistics: bool = False) -> None:
    from kerascheck.report.emit import emit

    emit(result, fmt, output_file, statistics)


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
    from rich.console import Console
    from rich.table import Table

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


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Show one rule's documentation (by code or name)."""
    from kerascheck.engine.registry import find_rule

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


def main() -> None:
    try:
        cli.main(prog_name="kerascheck", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
