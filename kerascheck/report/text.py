"""The report for people: findings with code frames, a help line and a summary; rich colours it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import IO

from kerascheck.model.results import Applicability, Diagnostic, FileError, RunResult, Severity
from kerascheck.report.concise import in_order, location
from kerascheck.report.rule_docs import page_url

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def _frame(d: Diagnostic) -> list[tuple[str, str]]:
    """(text, style) pieces of a small code frame with the span underlined."""
    # Imported here: the concise format imports this module for its summary, without frames.
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


def _help(d: Diagnostic) -> list[tuple[str, str]]:
    """`= fix:` and `= docs:` lines: what the fix does, and the rule's page."""
    out = []
    if d.fix is not None:
        out.append(("fix", f"{d.fix.description} ({d.fix.applicability.value})"))
    url = page_url(d.code)
    if url is not None:
        out.append(("docs", url))
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def summary(result: RunResult, fixed: int = 0) -> str:
    """`Found 3 problems and 1 error in 2 files (9 files clean, 1 could not be parsed).`"""
    found = len(result.diagnostics)
    errors = len(result.errors)
    with_either = len({d.path for d in result.diagnostics} | {e.path for e in result.errors})
    broken = sum(1 for f in result.files if not f.parsed)
    skipped = sum(1 for f in result.files if not f.checked and not f.errors)
    clean = sum(
        1 for f in result.files if f.checked and f.parsed and not f.diagnostics and not f.errors
    )
    parts = [f"{_plural(clean, 'file')} clean"]
    if broken:
        parts.append(f"{broken} could not be parsed")
    if skipped:
        parts.append(f"{skipped} skipped: no Keras")
    if found == 0 and errors == 0:
        head = f"No problems found in {_plural(result.files_checked, 'file')}"
    else:
        what = [_plural(found, "problem")] if found else []
        what += [_plural(errors, "error")] if errors else []
        head = f"Found {' and '.join(what)} in {_plural(with_either, 'file')}"
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


# What one print of the report holds: the line's own style, its (text, style) pieces, and
# what ends it.
_Printed = tuple[str, list[tuple[str, str]], str]

# What rich leaves out of text it prints: bell, backspace, vertical tab, form feed, CR.
_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))


def render(
    result: RunResult, stream: IO[str] | None = None, color: bool | None = None, quiet: bool = False
) -> None:
    """Findings and errors in position order, then the summary (left out when `quiet`)."""
    stream = stream or sys.stdout
    if color is None:
        color = stream.isatty() and "NO_COLOR" not in os.environ
    printed = list(layout(result, quiet))
    if not color and not any("\t" in text for _, pieces, _ in printed for text, _ in pieces):
        # Nothing to colour: written as rich writes it to a file, without the cost of loading
        # rich (13 ms, a tenth of checking one file). Tabs are left to rich, which expands
        # them by the width characters take on screen.
        write_plain(printed, stream)
    else:
        write_rich(printed, stream, color)


def write_plain(printed: list[_Printed], stream: IO[str]) -> None:
    for _, pieces, end in printed:
        stream.write("".join(text for text, _ in pieces).translate(_STRIPPED) + end)


def write_rich(printed: list[_Printed], stream: IO[str], color: bool) -> None:
    # Imported here: only a coloured report (or one with tabs) needs rich (13 ms to load).
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream, force_terminal=color, no_color=not color, highlight=False, soft_wrap=True
    )
    for style, pieces, end in printed:
        line = Text(style=style)
        for text, piece_style in pieces:
            line.append(text, piece_style)
        console.print(line, end=end)


def layout(result: RunResult, quiet: bool = False) -> Iterator[_Printed]:
    """What the report prints, one print at a time."""
    for item in in_order(result):
        if isinstance(item, FileError):
            where = location(item.path, item.line, item.column, item.cell)
            yield (
                "",
                [(where, "bold"), (": ", ""), ("error", "bold red"), (f": {item.message}", "")],
                "\n",
            )
            yield "", [], "\n"
            continue
        d = item
        head = [
            (location(d.path, d.line, d.column, d.cell), "bold"),
            (": ", ""),
            (d.code, _STYLE[d.severity]),
        ]
        if d.fix is not None and d.fix.applicability is Applicability.SAFE:
            head.append((" [*]", "cyan"))
        head.append((f" {d.message}", ""))
        yield "", head, "\n"
        frame = _frame(d)
        if frame:
            yield "", frame, ""
        for label, hint in _help(d):
            yield "cyan", [(f"  = {label}: ", ""), (hint, "")], "\n"
        yield "", [], "\n"
    if not quiet:
        yield "bold", [(summary(result), "")], "\n"


def error_text(e: FileError) -> str:
    return f"{location(e.path, e.line, e.column, e.cell)}: error: {e.message}"
