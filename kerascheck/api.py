"""The library API under the CLI: check paths or source text and get findings back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kerascheck.engine.check import check_bytes
from kerascheck.engine.registry import select_rules
from kerascheck.model.results import FileError, FileResult, RunResult
from kerascheck.model.settings import Settings
from kerascheck.read.file_bytes import MAX_FILE_BYTES, SourceUnreadable, read_source

if TYPE_CHECKING:
    from kerascheck.run.fix_files import FixRun

__all__ = [
    "MAX_FILE_BYTES",
    "check_cells",
    "check_file",
    "check_paths",
    "check_source",
    "fix_paths",
    "fix_source",
]


def default_settings() -> Settings:
    return Settings(rules=select_rules(None))


def check_file(path: str, settings: Settings) -> FileResult:
    try:
        data = read_source(path)
    except SourceUnreadable as exc:
        return FileResult(path=path, errors=[FileError(path, exc.report())], parsed=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return FileResult(
            path=path, errors=[FileError(path, f"could not read: {reason}")], parsed=False
        )
    if path.endswith(".ipynb"):
        from kerascheck.engine.notebook_check import check_notebook

        return check_notebook(data, path, settings)
    return check_bytes(data, path, settings)


def check_source(
    source: str, path: str = "<string>", settings: Settings | None = None
) -> FileResult:
    """Check Python source text, as `kerascheck -` does with stdin."""
    return check_bytes(source.encode("utf-8"), path, settings or default_settings())


def check_cells(
    sources: Sequence[str], path: str = "<notebook>", settings: Settings | None = None
) -> FileResult:
    """Check code cells as one notebook (IPython syntax allowed); findings name cells 1, 2, ..."""
    import json

    from kerascheck.engine.notebook_check import check_notebook

    cells = [{"cell_type": "code", "metadata": {}, "source": source} for source in sources]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}).encode("utf-8")
    return check_notebook(data, path, settings or default_settings())


def check_paths(paths: Iterable[str], settings: Settings | None = None) -> RunResult:
    """Check files with one explicit Settings; `kerascheck.runner.run` also reads config files,
    walks directories and uses the cache and workers, as the CLI does."""
    settings = settings or default_settings()
    return RunResult(files=[check_file(path, settings) for path in paths])


def fix_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    *,
    unsafe: bool = False,
    write: bool = True,
) -> FixRun:
    """Apply the findings' fixes (safe ones; also unsafe ones when asked) to these files."""
    from kerascheck.run.fix_files import fix_paths as fix

    return fix(paths, settings or default_settings(), unsafe=unsafe, write=write)


def fix_source(source: str, settings: Settings | None = None, *, unsafe: bool = False) -> str:
    """Python source text with its fixes applied."""
    from kerascheck.engine.fixer import fix_text

    return fix_text(source, "<string>", settings or default_settings(), unsafe).text
