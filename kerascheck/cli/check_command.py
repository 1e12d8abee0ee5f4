"""`kerascheck check`: options in, one `api.run`, the report out, one exit code."""

from __future__ import annotations

import dataclasses
import sys

import click

from kerascheck import api
from kerascheck.cli.check_options import InputOptions, input_options
from kerascheck.cli.config_command import show
from kerascheck.cli.watch import watch as watch_paths
from kerascheck.engine.registry import UnknownSelector, expand
from kerascheck.report.emit import FORMATS


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--select", multiple=True, help="Codes, prefixes or names to enable (comma lists ok)."
)
@click.option("--ignore", multiple=True, help="Codes, prefixes or names to disable.")
@click.option("--extend-select", multiple=True, help="Enable these on top of the defaults.")
@click.option(
    "--output-format",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="How to write the findings (`--format` is the older name).",
)
@click.option(
    "--output-file", "-o", type=click.Path(dir_okay=False), help="Write the report to this file."
)
@click.option("--statistics", is_flag=True, help="Print how many findings each rule made.")
@click.option("--exit-zero", "-e", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, without the summary.")
@click.option(
    "--silent", is_flag=True, help="Print nothing; the exit code still says if problems are found."
)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a diff and write nothing.")
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply the fixes and say what was fixed; do not report or fail on what is left.",
)
@click.option("--show-fixes", is_flag=True, help="With --fix: list the fixes applied, per file.")
@click.option(
    "--fixable", multiple=True, help="Only the fixes of these codes, prefixes or names may apply."
)
@click.option("--unfixable", multiple=True, help="The fixes of these are never applied.")
@click.option(
    "--watch", "-w", is_flag=True, help="Check again whenever a file changes (Ctrl-C to stop)."
)
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# noqa: CODE` for every finding (to adopt kerascheck on an old codebase).",
)
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
    quiet: bool = False,
    silent: bool = False,
    fix_only: bool = False,
    show_fixes: bool = False,
    fixable: tuple[str, ...] = (),
    unfixable: tuple[str, ...] = (),
    add_noqa: bool = False,
    watch: bool = False,
) -> None:
    """Check Python files, notebooks and directories (the default command)."""
    if add_noqa and (fix or diff or fix_only):
        raise click.UsageError("--add-noqa cannot be used with --fix, --fix-only or --diff")
    fixing = fix or diff or fix_only
    if watch and (fixing or add_noqa or api.STDIN in paths or inputs.stdin_filename):
        raise click.UsageError("--watch checks files; it cannot fix them or read stdin")
    mode = api.FixMode(unsafe=unsafe_fixes, write=not diff) if fixing else None
    request = build_request(
        paths,
        _split(select) if select else None,
        _split(ignore),
        _split(extend_select),
        verbose,
        inputs,
        mode,
        (_split(fixable) if fixable else None, _split(unfixable)),
    )
    if mode is None and fmt != "sarif":
        request = dataclasses.replace(request, fix_edits=False)
    options = api.ReportOptions(
        fmt, output_file, statistics, quiet, silent, show_fixes, fix_only and not diff
    )
    if watch:
        watch_paths(list(request.paths), lambda: _check_once(request, options))
    try:
        resolver = api.resolver_for(request)
        if inputs.show_settings:
            first = request.paths[0]
            show(resolver, (inputs.stdin_filename or ".") if first == api.STDIN else first, "text")
            sys.exit(0)
        outcome = api.run(request, resolver)
    except (api.ConfigError, api.MissingPaths) as exc:
        raise click.UsageError(str(exc)) from exc
    if add_noqa:
        sys.exit(_add_noqa(outcome, quiet or silent))
    api.report(outcome, options)
    sys.exit(api.exit_code(outcome, exit_zero, fix_only and not diff))


def _check_once(request: api.Request, options: api.ReportOptions) -> None:
    """One run of a watch: a bad config or a missing path is said, and the watch goes on."""
    try:
        api.report(api.run(request, api.resolver_for(request)), options)
    except (api.ConfigError, api.MissingPaths) as exc:
        click.echo(f"error: {exc}", err=True)


def _add_noqa(outcome: api.Outcome, quiet: bool) -> int:
    # Imported here: it loads the fixer, which a plain check (pre-commit) never needs.
    from kerascheck.run.add_noqa import add_noqa

    done = add_noqa(outcome.result)
    for path, reason in done.skipped:
        click.echo(f"{path}: no noqa added: {reason}", err=True)
    if not quiet:
        n = done.added
        click.echo(
            f"Added {n} noqa directive{'s' if n != 1 else ''} in {done.files} file"
            f"{'s' if done.files != 1 else ''}."
        )
    return 2 if any(e.internal for e in outcome.result.errors) else 0


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_request(
    paths: tuple[str, ...],
    select: list[str] | None,
    ignore: list[str],
    extend_select: list[str],
    verbose: bool,
    inputs: InputOptions,
    fix: api.FixMode | None,
    fixable: tuple[list[str] | None, list[str]] = (None, []),
) -> api.Request:
    """The run the options ask for; contradictions and unknown rule codes are usage errors."""
    if inputs.config and inputs.isolated:
        raise click.UsageError("--config and --isolated cannot be used together")
    if inputs.stdin_filename and not paths:
        paths = (api.STDIN,)
    try:
        for token in [*(select or []), *ignore, *extend_select, *(fixable[0] or []), *fixable[1]]:
            expand(token)
    except UnknownSelector as exc:
        raise click.UsageError(str(exc)) from exc
    return api.Request(
        paths=paths or (".",),
        overrides=api.Overrides(
            select=select,
            extend_select=tuple(extend_select),
            ignore=tuple(ignore),
            ignore_noqa=inputs.ignore_noqa,
            verbose=verbose,
            force_exclude=inputs.force_exclude,
            tables=inputs.tables,
            fixable=None if fixable[0] is None else tuple(fixable[0]),
            unfixable=tuple(fixable[1]),
        ),
        config_file=inputs.config,
        isolated=inputs.isolated,
        stdin_filename=inputs.stdin_filename,
        jobs=inputs.jobs,
        use_cache=not inputs.no_cache,
        cache_dir=inputs.cache_dir,
        fix=fix,
    )
