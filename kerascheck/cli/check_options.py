"""The `check` options about configuration and input, collected into one InputOptions.

To add an option: a `click.option` in _OPTIONS, a field in InputOptions, and its use in
`check_command.build_request`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from kerascheck.run.config import Config, ConfigError, parse_inline, validate_table


@dataclass(frozen=True)
class InputOptions:
    config: str | None
    # `--config KEY=VALUE`, `--exclude` and the like, as TOML tables over each config file.
    tables: tuple[dict[str, Any], ...]
    isolated: bool
    show_settings: bool
    ignore_noqa: bool
    force_exclude: bool
    stdin_filename: str | None
    jobs: int | None
    no_cache: bool
    cache_dir: str | None


_OPTIONS = (
    click.option(
        "--config",
        "config",
        multiple=True,
        metavar="PATH|KEY=VALUE",
        help="A config file (pyproject.toml or kerascheck.toml) to use for every path, or a "
        'TOML setting over every file\'s, as in `--config "rules.KC202.min-ratio = 2.0"`.',
    ),
    click.option(
        "--exclude",
        multiple=True,
        help="Globs to exclude, instead of the configured `exclude` (comma lists ok).",
    ),
    click.option("--extend-exclude", multiple=True, help="Globs to exclude on top of `exclude`."),
    click.option(
        "--per-file-ignores",
        multiple=True,
        metavar="GLOB:CODES",
        help='Ignore codes in matching files, as in `--per-file-ignores "tests/*:KC401,KC402"`.',
    ),
    click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
    click.option(
        "--show-settings", is_flag=True, help="Print the settings for the first path and exit."
    ),
    click.option("--ignore-noqa", is_flag=True, help="Report findings suppressed by comments."),
    click.option(
        "--force-exclude",
        is_flag=True,
        help="Apply `exclude` to paths given explicitly too (as pre-commit passes them).",
    ),
    click.option(
        "--stdin-filename", help="The name of the file read from `-` (for messages and config)."
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        help="Worker processes (default: the number of cores; 1 checks in this process).",
    ),
    click.option(
        "--no-cache",
        "-n",
        "no_cache",
        is_flag=True,
        help="Neither read nor write .kerascheck_cache/.",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        envvar="KERASCHECK_CACHE_DIR",
        show_envvar=True,
        help="Keep the cache here instead of .kerascheck_cache/ in the project root.",
    ),
)


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options above to a click command; it receives them as `inputs: InputOptions`."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        config, tables = _config_values(
            kwargs.pop("config"),
            kwargs.pop("exclude"),
            kwargs.pop("extend_exclude"),
            kwargs.pop("per_file_ignores"),
        )
        inputs = InputOptions(
            config=config,
            tables=tables,
            isolated=kwargs.pop("isolated"),
            show_settings=kwargs.pop("show_settings"),
            ignore_noqa=kwargs.pop("ignore_noqa"),
            force_exclude=kwargs.pop("force_exclude"),
            stdin_filename=kwargs.pop("stdin_filename"),
            jobs=kwargs.pop("jobs"),
            no_cache=kwargs.pop("no_cache"),
            cache_dir=kwargs.pop("cache_dir"),
        )
        return command(*args, inputs=inputs, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated


def _globs(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _config_values(
    values: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    per_file_ignores: tuple[str, ...],
) -> tuple[str | None, tuple[dict[str, Any], ...]]:
    """(the config file, the settings given on the command line as TOML tables)."""
    files = [v for v in values if os.path.isfile(v)]
    if len(files) > 1:
        raise click.UsageError(f"--config names {len(files)} files; one at most")
    tables: list[dict[str, Any]] = []
    try:
        for value in values:
            if value not in files:
                tables.append(parse_inline(value))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    flags: list[dict[str, Any]] = []
    if exclude:
        flags.append({"exclude": _globs(exclude)})
    if extend_exclude:
        flags.append({"extend-exclude": _globs(extend_exclude)})
    ignores: dict[str, list[str]] = {}
    for value in per_file_ignores:
        glob, colon, codes = value.rpartition(":")
        if not colon or not glob.strip() or not codes.strip():
            raise click.BadParameter(
                f"{value!r} is not GLOB:CODES", param_hint="'--per-file-ignores'"
            )
        ignores.setdefault(glob.strip(), []).extend(_globs((codes,)))
    if ignores:
        flags.append({"per-file-ignores": ignores})
    try:
        for table in flags:
            validate_table(table, Config(path=None, root=os.getcwd()))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    tables += flags
    return (files[0] if files else None), tuple(tables)
