"""The `check` options about configuration and input, collected into one InputOptions.

To add an option: a `click.option` in _OPTIONS, a field in InputOptions, and its use in
`check_command.build_request`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class InputOptions:
    config: str | None
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
        type=click.Path(exists=True, dir_okay=False),
        help="Use this config file (pyproject.toml or kerascheck.toml) for every path.",
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
    click.option("--no-cache", is_flag=True, help="Neither read nor write .kerascheck_cache/."),
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
        inputs = InputOptions(
            config=kwargs.pop("config"),
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
