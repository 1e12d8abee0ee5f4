"""The `check` options about configuration and input, and the glue from them to a run."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kerascheck.model.results import RunResult
    from kerascheck.run.fix_run import FixOptions


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
    target_version: str | None = None


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
    click.option(
        "--target-version",
        type=click.Choice(("keras2", "keras3")),
        help="The Keras the code targets (default: inferred from the project's pins).",
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
            target_version=kwargs.pop("target_version"),
        )
        return command(*args, inputs=inputs, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated


def run_check(
    paths: tuple[str, ...],
    select: list[str] | None,
    ignore: list[str],
    extend_select: list[str],
    verbose: bool,
    inputs: InputOptions,
    fixes: FixOptions | None = None,
) -> RunResult:
    """Run the check as the options say; usage problems become click.UsageError (exit 2).

    With `fixes`, the files are fixed (or diffed) first; the findings left are returned.
    """
    from kerascheck.engine.registry import UnknownSelector, expand
    from kerascheck.run.config import ConfigError, Overrides
    from kerascheck.run.pipeline import MissingPaths, Request, resolver_for, run

    if inputs.config and inputs.isolated:
        raise click.UsageError("--config and --isolated cannot be used together")
    if inputs.stdin_filename and not paths:
        paths = ("-",)
    try:
        for token in [*(select or []), *ignore, *extend_select]:
            expand(token)
    except UnknownSelector as exc:
        raise click.UsageError(str(exc)) from exc
    request = Request(
        paths=paths or (".",),
        overrides=Overrides(
            select=select,
            extend_select=tuple(extend_select),
            ignore=tuple(ignore),
            ignore_noqa=inputs.ignore_noqa,
            verbose=verbose,
            force_exclude=inputs.force_exclude,
            target_version=inputs.target_version,
        ),
        config_file=inputs.config,
        isolated=inputs.isolated,
        stdin_filename=inputs.stdin_filename,
        jobs=inputs.jobs,
        use_cache=not inputs.no_cache,
        cache_dir=inputs.cache_dir,
    )
    try:
        resolver = resolver_for(request)
        if inputs.show_settings:
            from kerascheck.cli.config_command import show

            first = request.paths[0]
            show(resolver, (inputs.stdin_filename or ".") if first == "-" else first, "text")
            sys.exit(0)
        if fixes is not None:
            from kerascheck.run.fix_run import fix_run

            return fix_run(request, resolver, fixes)
        return run(request, resolver)
    except (ConfigError, MissingPaths) as exc:
        raise click.UsageError(str(exc)) from exc
