"""The run's settings, resolved as `kerascheck check` resolves them: `[tool.kerascheck]` and the
command line choose the static rules run on live models and the runtime codes reported."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kerascheck.engine.registry import RUNTIME_CODES, Selection, apply_selection, expand
from kerascheck.model.settings import Settings
from kerascheck.run.config import Config, Overrides, Resolver, relative_parts


@dataclass(frozen=True)
class RunSettings:
    static: Settings
    runtime_codes: frozenset[str]


def resolve(path: str, overrides: Overrides, config_file: str | None = None) -> RunSettings:
    """The settings for the target at `path` (a module target resolves from the working folder)."""
    resolved = Resolver(overrides, config_file).for_path(path)
    return RunSettings(
        static=resolved.settings_for(path),
        runtime_codes=frozenset(runtime_codes(resolved.config, overrides, path)),
    )


def runtime_codes(config: Config, cli: Overrides, path: str) -> set[str]:
    """All KR codes by default, then select/extend-select/ignore of the file and the command
    line, then the per-file-ignores that match the target, as for the static codes."""
    layers: list[Selection] = [
        (config.select, config.extend_select, config.ignore),
        (cli.select, list(cli.extend_select), list(cli.ignore)),
    ]
    chosen = apply_selection(set(RUNTIME_CODES), layers)
    if os.path.exists(path):
        parts = relative_parts(config.root, path)
        for glob, codes in config.per_file_ignores:
            if glob.matches_path_or_parent(parts, False):
                for code in codes:
                    chosen -= expand(code)
    return chosen & set(RUNTIME_CODES)
