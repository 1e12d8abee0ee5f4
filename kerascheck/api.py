"""The library API (the CLI is a thin layer over it): check or fix paths or source text.

`run(Request(...))` is what `kerascheck check` does: config files, discovery, cache, workers,
stdin, `--fix`/`--diff`; `report` writes its outcome and `exit_code` says how it ended. The
smaller functions check or fix with one explicit Settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from kerascheck.engine.check import check_bytes
from kerascheck.engine.registry import select_rules
from kerascheck.model.results import FileResult, RunResult
from kerascheck.model.settings import Settings
from kerascheck.read.project import forget_files
from kerascheck.run.config import ConfigError, Overrides
from kerascheck.run.file_check import MAX_FILE_BYTES, check_file
from kerascheck.run.fix_outcome import FixRun
from kerascheck.run.pipeline import (
    STDIN,
    FixMode,
    MissingPaths,
    Outcome,
    ReportOptions,
    Request,
    exit_code,
    report,
    resolver_for,
    run,
)

__all__ = [
    "MAX_FILE_BYTES",
    "STDIN",
    "ConfigError",
    "FixMode",
    "FixRun",
    "MissingPaths",
    "Outcome",
    "Overrides",
    "ReportOptions",
    "Request",
    "check_cells",
    "check_file",
    "check_paths",
    "check_source",
    "default_settings",
    "exit_code",
    "fix_paths",
    "fix_source",
    "report",
    "resolver_for",
    "run",
]


def default_settings() -> Settings:
    return Settings(rules=select_rules(None))


def check_source(
    source: str, path: str = "<string>", settings: Settings | None = None
) -> FileResult:
    """Check Python source text, as `kerascheck -` does with stdin."""
    forget_files()
    return check_bytes(source.encode("utf-8"), path, settings or default_settings())


def check_cells(
    sources: Sequence[str], path: str = "<notebook>", settings: Settings | None = None
) -> FileResult:
    """Check code cells as one notebook (IPython syntax allowed); findings name cells 1, 2, ..."""
    forget_files()
    cells = [{"cell_type": "code", "metadata": {}, "source": source} for source in sources]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}).encode("utf-8")
    # Imported here, as the fixer below: `kerascheck check` loads this module at start-up.
    from kerascheck.engine.notebook_check import check_notebook

    return check_notebook(data, path, settings or default_settings())


def check_paths(paths: Iterable[str], settings: Settings | None = None) -> RunResult:
    """Check these files with one Settings; `run` also reads config files, walks folders and
    uses the cache and workers, as the CLI does."""
    settings = settings or default_settings()
    forget_files()
    return RunResult(files=[check_file(path, settings) for path in paths])


def fix_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
) -> FixRun:
    """Apply the findings' fixes (safe ones; also unsafe ones when asked) to these files."""
    # Imported here: `kerascheck check` loads this module at start-up and never fixes.
    from kerascheck.run.fix_files import fix_paths as _fix_paths

    forget_files()

    return _fix_paths(paths, settings or default_settings(), unsafe=unsafe, write=write)


def fix_source(source: str, settings: Settings | None = None, *, unsafe: bool = False) -> str:
    """Python source text with its fixes applied."""
    # Imported here: `kerascheck check` loads this module at start-up and never fixes.
    from kerascheck.engine.fixer import fix_text

    forget_files()

    return fix_text(source, "<string>", settings or default_settings(), unsafe).text
