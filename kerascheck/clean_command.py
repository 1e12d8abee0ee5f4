"""`kerascheck clean`: remove the result cache."""

from __future__ import annotations

import os

import click


@click.command("clean")
def clean() -> None:
    """Remove .kerascheck_cache/ (in the project root of the current folder)."""
    from kerascheck.cache import CACHE_DIR, cache_root
    from kerascheck.cache import clean as remove
    from kerascheck.config import ConfigError

    try:
        root = cache_root(os.getcwd())
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    where = os.path.join(root, CACHE_DIR)
    click.echo(f"Removed {where}" if remove(root) else f"No cache at {where}")
