"""`kerascheck clean`: remove the result cache."""

from __future__ import annotations

import os

import click

from kerascheck.run.cache import clean as remove
from kerascheck.run.cache import default_cache_dir
from kerascheck.run.config import ConfigError


@click.command("clean")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    envvar="KERASCHECK_CACHE_DIR",
    show_envvar=True,
    help="The cache folder, if not the default.",
)
def clean(cache_dir: str | None) -> None:
    """Remove .kerascheck_cache/ (in the project root of the current folder)."""
    try:
        where = cache_dir or default_cache_dir(os.getcwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"Removed {where}" if remove(where) else f"No cache at {where}")
