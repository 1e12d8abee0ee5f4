"""GitHub Actions workflow commands: one `::error` / `::warning` annotation a finding."""

from __future__ import annotations

from kerascheck.model.results import Diagnostic, FileError, RunResult, Severity
from kerascheck.report.source_lines import notebook_file_line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message, as the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: `:` and `,` would end it early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {props}::{escape_data(message)}"


def diagnostic_command(d: Diagnostic) -> str:
    properties: dict[str, object] = {"file": d.path}
    message = f"{d.code} {d.message}"
    if d.cell is None:
        properties["line"] = d.line
        if d.end_line == d.line:
            properties["col"] = d.column
        properties["endLine"] = d.end_line
        if d.end_line == d.line:
            properties["endColumn"] = d.end_column
    else:
        # A cell's line is not a line of the .ipynb file: annotate the line of the file that
        # holds it (its JSON string), and say in words where it is in the cell.
        file_line = notebook_file_line(d.path, d.cell, d.line)
        if file_line is not None:
            properties["line"] = file_line
        message = f"cell {d.cell}, line {d.line}, column {d.column}: {message}"
    properties["title"] = f"kerascheck ({d.code})"
    return command(_LEVEL[d.severity], properties, message)


def error_command(e: FileError) -> str:
    properties: dict[str, object] = {"file": e.path}
    message = e.message
    if e.cell is not None:
        where = f"cell {e.cell}" + (f", line {e.line}" if e.line is not None else "")
        message = f"{where}: {message}"
        file_line = notebook_file_line(e.path, e.cell, e.line or 1)
        if file_line is not None:
            properties["line"] = file_line
    elif e.line is not None:
        properties["line"] = e.line
        if e.column is not None:
            properties["col"] = e.column
    title = f"kerascheck ({e.code})" if e.code else "kerascheck"
    properties["title"] = title
    return command("error", properties, message)


def render(result: RunResult) -> str:
    lines = [diagnostic_command(d) for d in result.diagnostics]
    lines += [error_command(e) for e in result.errors]
    return "".join(line + "\n" for line in lines)
