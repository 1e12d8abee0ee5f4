"""Check one file or one source: read it (within the size limit), dispatch `.ipynb` or Python."""

from __future__ import annotations

from kerascheck.engine.check import check_bytes
from kerascheck.model.results import FileError, FileResult
from kerascheck.model.settings import Settings
from kerascheck.read.file_bytes import MAX_FILE_BYTES, SourceUnreadable, read_source

__all__ = ["MAX_FILE_BYTES", "check_data", "check_file", "is_notebook", "read_file"]


def is_notebook(name: str) -> bool:
    return name.endswith(".ipynb")


def read_file(path: str) -> bytes | FileResult:
    """The file's bytes, or the result that says why it is not checked (too big, not a
    regular file, unreadable)."""
    try:
        return read_source(path)
    except SourceUnreadable as exc:
        return FileResult(path=path, errors=[FileError(path, exc.report())], parsed=False)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return FileResult(
            path=path, errors=[FileError(path, f"could not read: {reason}")], parsed=False
        )


def check_data(data: bytes, name: str, settings: Settings) -> FileResult:
    """Check a file's content; `name` says whether it is a notebook and names the findings."""
    if is_notebook(name):
        # Imported here: a run of .py files (pre-commit) never loads the notebook reader.
        from kerascheck.engine.notebook_check import check_notebook

        return check_notebook(data, name, settings)
    return check_bytes(data, name, settings)


def check_file(path: str, settings: Settings) -> FileResult:
    data = read_file(path)
    if isinstance(data, FileResult):
        return data
    return check_data(data, path, settings)
