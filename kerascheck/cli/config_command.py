"""`kerascheck config [PATH]`: the settings in force for a path and where each one came from."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from kerascheck.run.config import (
    COMMAND_LINE,
    DEFAULT,
    DEFAULT_EXCLUDE,
    ConfigError,
    Overrides,
    Resolver,
)


def describe(resolver: Resolver, path: str) -> dict[str, Any]:
    """Each setting for `path` as {"value": ..., "source": file path | "default" | "command line"}."""
    resolved = resolver.for_path(path)
    config, cli = resolved.config, resolver.cli

    def entry(value: Any, source: str) -> dict[str, Any]:
        return {"value": value, "source": source}

    settings: dict[str, Any] = {
        "select": entry(config.select, config.origin("select")),
        "extend-select": entry(config.extend_select, config.origin("extend-select")),
        "ignore": entry(config.ignore, config.origin("ignore")),
        "per-file-ignores": entry(
            {glob.pattern: codes for glob, codes in config.per_file_ignores},
            config.origin("per-file-ignores"),
        ),
        "exclude": entry(
            config.exclude if config.exclude is not None else list(DEFAULT_EXCLUDE),
            config.origin("exclude"),
        ),
        "extend-exclude": entry(config.extend_exclude, config.origin("extend-exclude")),
        "force-exclude": entry(
            resolved.force_exclude,
            COMMAND_LINE if cli.force_exclude else config.origin("force-exclude"),
        ),
        "respect-gitignore": entry(resolved.respect_gitignore, config.origin("respect-gitignore")),
        "ignore-noqa": entry(cli.ignore_noqa, COMMAND_LINE if cli.ignore_noqa else DEFAULT),
    }
    if cli.select is not None:
        settings["select"] = entry(cli.select, COMMAND_LINE)
    if cli.extend_select:
        settings["extend-select"] = entry([*config.extend_select, *cli.extend_select], COMMAND_LINE)
    if cli.ignore:
        settings["ignore"] = entry([*config.ignore, *cli.ignore], COMMAND_LINE)
    for code, options in sorted(config.rule_options.items()):
        for name, value in sorted(options.items()):
            settings[f"rules.{code}.{name}"] = entry(value, config.origin("rules"))
    enabled = resolved.settings_for(path).rules
    return {
        "path": path,
        "config_file": config.path,
        "settings": settings,
        "enabled_rules": [rule.code for rule in enabled],
    }


def show(resolver: Resolver, path: str, fmt: str) -> None:
    info = describe(resolver, path)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"Settings for {info['path']}")
    click.echo(f"  config file: {info['config_file'] or 'none (defaults)'}")
    width = max(len(key) for key in info["settings"])
    for key, item in info["settings"].items():
        value = json.dumps(item["value"])
        click.echo(f"  {key:<{width}} = {value}  ({item['source']})")
    click.echo(f"  enabled rules: {', '.join(info['enabled_rules']) or 'none'}")


@click.command("config")
@click.argument("path", required=False, default=".", type=click.Path())
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def config(path: str, config_file: str | None, isolated: bool, fmt: str) -> None:
    """Show the settings in force for PATH (default: .) and where each came from."""

    if config_file and isolated:
        raise click.UsageError("--config and --isolated cannot be used together")
    try:
        resolver = Resolver(Overrides(), config_file, isolated)
        show(resolver, os.path.normpath(path), fmt)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
