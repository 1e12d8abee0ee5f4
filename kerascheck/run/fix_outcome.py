"""What fixing gave: per file (the findings left, the new content, the diff) and for a run."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kerascheck.model.results import Applicability, FileResult, RunResult
from kerascheck.report.concise import location

if TYPE_CHECKING:
    from kerascheck.engine.fixer import SkippedFix


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
    # The code of each finding fixed (for `--show-fixes`).
    codes: list[str] = field(default_factory=list)


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


def skipped_line(skip: SkippedFix) -> str:
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
