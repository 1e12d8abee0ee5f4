"""Fix files on disk: keep encoding, BOM, line endings and mode; write atomically or diff."""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import stat
import tempfile
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field

from kerascheck.engine.check import mentions_keras
from kerascheck.engine.fixer import SkippedFix, fix_text
from kerascheck.model.results import Applicability, FileResult, RunResult
from kerascheck.model.settings import Settings


@dataclass
class FileFix:
    """The outcome of fixing one file. `data` is the new content, None when unchanged."""

    path: str
    result: FileResult
    fixed: int = 0
    skipped: list[SkippedFix] = field(default_factory=list)
    data: bytes | None = None
    diff: str = ""
    written: bool = False


@dataclass
class FixRun:
    """Fixing many files: the findings left, and what was (or would be) fixed."""

    files: list[FileFix] = field(default_factory=list)
    unsafe: bool = False

    @property
    def result(self) -> RunResult:
        return RunResult(files=[f.result for f in self.files])

    @property
    def fixed(self) -> int:
        return sum(f.fixed for f in self.files)

    @property
    def skipped(self) -> list[SkippedFix]:
        return [s for f in self.files for s in f.skipped]

    @property
    def diff(self) -> str:
        return "".join(f.diff for f in self.files)

    @property
    def more_with_unsafe(self) -> int:
        """Findings left that `--unsafe-fixes` would also fix."""
        if self.unsafe:
            return 0
        # By applicability alone: results from worker processes carry no edit nodes.
        return sum(
            1
            for d in self.result.diagnostics
            if d.fix is not None and d.fix.applicability is Applicability.UNSAFE
        )


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff; a last line without a newline is marked the way patch expects."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


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
    from kerascheck.engine.check import check_bytes, decode

    if not mentions_keras(data):
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


def fix_file(path: str, settings: Settings, unsafe: bool = False, write: bool = True) -> FileFix:
    """Fix one file; write it (atomically) only when a fix changed it and `write` is set."""
    from kerascheck.api import check_file
    from kerascheck.read.file_bytes import SourceUnreadable, read_source

    try:
        data = read_source(path)
    except (OSError, SourceUnreadable):
        # Whatever stops reading it, check_file says so the usual way.
        return FileFix(path, check_file(path, settings))
    if path.endswith(".ipynb"):
        from kerascheck.run.notebook_fix import fix_notebook

        outcome = fix_notebook(data, path, settings, unsafe)
    else:
        outcome = fix_python(data, path, settings, unsafe)
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
            outcome.result = check_file(path, settings)
    return outcome


def fix_paths(
    paths: Iterable[str], settings: Settings, unsafe: bool = False, write: bool = True
) -> FixRun:
    return FixRun([fix_file(p, settings, unsafe, write) for p in paths], unsafe=unsafe)


def skipped_line(skip: SkippedFix) -> str:
    from kerascheck.report.concise import location

    what = f"{skip.code} fix" if skip.code else "fixes"
    return f"{location(skip.path, skip.line, skip.column, skip.cell)}: {what} not applied: {skip.reason}"


def summary_line(run: FixRun, write: bool) -> str:
    """`Fixed 3 problems; 2 more fixable with --unsafe-fixes` (or `Would fix` for --diff)."""
    n = run.fixed
    head = f"{'Fixed' if write else 'Would fix'} {n} problem{'s' if n != 1 else ''}"
    more = run.more_with_unsafe
    if more:
        head += f"; {more} more fixable with --unsafe-fixes"
    skipped = len(run.skipped)
    if skipped:
        head += f"; {skipped} fix{'es' if skipped != 1 else ''} not applied"
    return head + "."
