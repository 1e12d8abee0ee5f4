"""The report for people: findings with code frames, a help line and a summary, via rich."""

from __future__ import annotations

import os
import sys
from typing import IO

from kerascheck.engine.registry import find_rule
from kerascheck.model.results import Applicability, Diagnostic, FileError, RunResult, Severity
from kerascheck.report.concise import location

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def _frame(d: Diagnostic) -> list[tuple[str, str]]:
    """(text, style) pieces of a small code frame with the span underlined."""
    from kerascheck.report.source_lines import file_lines

    lines = file_lines(d.path).get(d.cell, [])
    if not 1 <= d.line <= len(lines):
        return []
    width = len(str(min(d.end_line, d.line + 2)))
    out: list[tuple[str, str]] = []
    last = min(d.end_line, d.line + 2)
    for number in range(d.line, last + 1):
        text = lines[number - 1].rstrip("\r\n").expandtabs(4)
        out.append((f"  {number:>{width}} │ ", "dim"))
        out.append((text + "\n", ""))
        start = d.column if number == d.line else len(text) - len(text.lstrip()) + 1
        end = d.end_column if number == d.end_line else len(text) + 1
        if end <= start:
            end = start + 1
        out.append((f"  {'':>{width}} │ " + " " * (start - 1), "dim"))
        out.append(("^" * (end - start) + "\n", _STYLE[d.severity]))
    return out


def _help(d: Diagnostic) -> str | None:
    rule = find_rule(d.code)
    if rule is None:
        return None
    fix = ""
    if d.fix is not None:
        fix = f" (fix: {d.fix.description}; {d.fix.applicability.value})"
    return f"kerascheck rule {d.code} for details{fix}"


def summary(result: RunResult, fixed: int = 0) -> str:
    found = len(result.diagnostics)
    files_with = len({d.path for d in result.diagnostics})
    broken = sum(1 for f in result.files if not f.parsed)
    clean = sum(1 for f in result.files if f.parsed and not f.diagnostics and not f.errors)
    parts = [f"{clean} file{'s' if clean != 1 else ''} clean"]
    if broken:
        parts.append(f"{broken} could not be parsed")
    if found == 0:
        head = f"No problems found in {result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    else:
        head = (
            f"Found {found} problem{'s' if found != 1 else ''} in "
            f"{files_with} file{'s' if files_with != 1 else ''}"
        )
    return f"{head} ({', '.join(parts)}).{fix_hint(result)}"


def fix_hint(result: RunResult) -> str:
    """ruff's convention: say how many findings `--fix` would repair, and with what flag."""
    fixes = [d.fix.applicability for d in result.diagnostics if d.fix is not None]
    safe = fixes.count(Applicability.SAFE)
    unsafe = len(fixes) - safe
    if safe:
        more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
        return f"\n[*] {safe} fixable with --fix{more}."
    if unsafe:
        return f"\n{unsafe} fixable with --fix --unsafe-fixes."
    return ""


def render(result: RunResult, stream: IO[str] | None = None, color: bool | None = None) -> None:
    stream = stream or sys.stdout
    if color is None:
        color = stream.isatty() and "NO_COLOR" not in os.environ
    if not color and not result.diagnostics and not result.errors:
        # Nothing to lay out: the plain summary, without the start-up cost of loading rich.
        stream.write(summary(result) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True
    )
    for d in result.diagnostics:
        head = Text()
        head.append(location(d.path, d.line, d.column, d.cell), "bold")
        head.append(": ")
        head.append(d.code, _STYLE[d.severity])
        if d.fix is not None and d.fix.applicability is Applicability.SAFE:
            head.append(" [*]", "cyan")
        head.append(f" {d.message}")
        console.print(head)
        frame = Text()
        for piece, style in _frame(d):
            frame.append(piece, style)
        if frame:
            console.print(frame, end="")
        hint = _help(d)
        if hint:
            console.print(Text("  = help: ", "cyan").append(hint, ""))
        console.print()
    for e in result.errors:
        line = Text()
        line.append(location(e.path, e.line, e.column, e.cell), "bold")
        line.append(": ")
        line.append("error", "bold red")
        line.append(f": {e.message}")
        console.print(line)
    console.print(Text(summary(result), "bold"))


def error_text(e: FileError) -> str:
    return f"{location(e.path, e.line, e.column, e.cell)}: error: {e.message}"
