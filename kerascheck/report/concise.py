"""One line a finding: `path:line:col: CODE message`."""

from __future__ import annotations

from kerascheck.model.results import Applicability, Diagnostic, FileError, RunResult


def location(path: str, line: int | None, column: int | None, cell: int | None) -> str:
    parts = [path]
    if cell is not None:
        parts.append(f"cell {cell}")
    if line is not None:
        parts.append(str(line))
        if column is not None:
            parts.append(str(column))
    return ":".join(parts)


def diagnostic_line(d: Diagnostic) -> str:
    # `[*]` marks what plain `--fix` repairs; unsafe fixes are listed in the summary.
    fix = " [*]" if d.fix is not None and d.fix.applicability is Applicability.SAFE else ""
    return f"{location(d.path, d.line, d.column, d.cell)}: {d.code}{fix} {d.message}"


def error_line(e: FileError) -> str:
    return f"{location(e.path, e.line, e.column, e.cell)}: error: {e.message}"


def in_order(result: RunResult) -> list[Diagnostic | FileError]:
    """Findings and file errors together, in position order (an error without a line first)."""

    def key(item: Diagnostic | FileError) -> tuple[str, int, int, int, int]:
        return (
            item.path,
            item.cell or 0,
            item.line or 0,
            item.column or 0,
            0 if isinstance(item, FileError) else 1,
        )

    return sorted([*result.diagnostics, *result.errors], key=key)


def render(result: RunResult) -> str:
    lines = [
        error_line(item) if isinstance(item, FileError) else diagnostic_line(item)
        for item in in_order(result)
    ]
    return "\n".join(lines) + ("\n" if lines else "")
