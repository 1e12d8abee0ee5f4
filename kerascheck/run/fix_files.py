"""Fix files on disk: keep encoding, BOM, line endings and mode; write atomically or diff."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import tokenize
from collections.abc import Iterable

from kerascheck.engine.check import check_bytes, decode, mentions_keras
from kerascheck.engine.fixer import SkippedFix, fix_text
from kerascheck.model.results import FileResult
from kerascheck.model.settings import Settings
from kerascheck.run.file_check import check_file, is_notebook, read_file
from kerascheck.run.fix_outcome import FileFix, FixRun, unified_diff
from kerascheck.run.notebook_fix import fix_notebook


def write_atomic(path: str, data: bytes) -> None:
    """Replace a file's content all at once, keeping its permission bits.

    The new content goes to a temporary file in the same folder, which is then renamed over
    the old one: a reader (or a crash) sees the old file or the new one, never a mix. A
    symlink is followed so the link itself stays a link.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    mode = stat.S_IMODE(os.stat(target).st_mode)
    handle, temp = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".kerascheck-tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        # Also on Ctrl-C: never leave the temporary file behind.
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _encoding(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def fix_python(data: bytes, path: str, settings: Settings, unsafe: bool) -> FileFix:
    if not mentions_keras(data, path):
        return FileFix(path, FileResult(path=path, checked=False))
    try:
        encoding = _encoding(data)
        text = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return FileFix(path, check_bytes(data, path, settings))
    if "\x00" in text:
        return FileFix(path, check_bytes(data, path, settings))
    outcome = fix_text(text, path, settings, unsafe)
    if not outcome.changed:
        return FileFix(path, outcome.result, skipped=outcome.skipped)
    # With a BOM the encoding is `utf-8-sig`, which writes it back.
    try:
        new = outcome.text.encode(encoding)
    except UnicodeEncodeError as exc:
        original = check_bytes(data, path, settings)
        reason = f"the fixed code cannot be written in the file's encoding {encoding}: {exc}"
        return FileFix(path, original, skipped=[SkippedFix(path, 1, 1, None, reason)])
    return FileFix(
        path,
        outcome.result,
        fixed=outcome.fixed,
        codes=outcome.codes,
        skipped=outcome.skipped,
        data=new,
        diff=unified_diff(text, outcome.text, path),
    )


def refuse_to_write(path: str) -> str | None:
    """Why a fixed file must not be written, or None. A symlink may lead anywhere (outside
    the paths given, into a shared library): its target is never rewritten."""
    if os.path.islink(path):
        return f"it is a symbolic link (to {os.readlink(path)}); fix the file it points to"
    return None


def fix_data(data: bytes, name: str, settings: Settings, unsafe: bool) -> FileFix:
    """Fix a file's content (nothing is written); `name` says whether it is a notebook."""
    if is_notebook(name):
        return fix_notebook(data, name, settings, unsafe)
    return fix_python(data, name, settings, unsafe)


def fix_file(path: str, settings: Settings, unsafe: bool = False, write: bool = True) -> FileFix:
    """Fix one file; write it (atomically) only when a fix changed it and `write` is set."""
    data = read_file(path)
    if isinstance(data, FileResult):
        return FileFix(path, data)
    outcome = fix_data(data, path, settings, unsafe)
    if write and outcome.data is not None and outcome.data != data:
        reason = refuse_to_write(path)
        if reason is None:
            try:
                write_atomic(path, outcome.data)
                outcome.written = True
            except OSError as exc:
                reason = f"could not write the fixed file: {exc.strerror or exc}"
        if reason is not None:
            outcome.skipped.append(SkippedFix(path, 1, 1, None, reason))
            outcome.fixed = 0
            outcome.codes = []
            outcome.result = check_file(path, settings)
    return outcome


def fix_paths(
    paths: Iterable[str], settings: Settings, unsafe: bool = False, write: bool = True
) -> FixRun:
    return FixRun([fix_file(p, settings, unsafe, write) for p in paths], unsafe=unsafe)
