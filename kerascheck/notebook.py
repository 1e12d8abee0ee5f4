"""Jupyter notebooks: join the code cells into one source and map findings back to cells."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass

from kerascheck.engine import Settings, check_text, mentions_keras
from kerascheck.types import FileError, FileResult

# IPython lines that are not Python: magics, shell escapes, help.
_MAGIC = re.compile(r"^\s*(%|!|\?)|^\s*[\w.]+\?\??\s*$")


@dataclass(frozen=True)
class JoinedNotebook:
    text: str
    # For each line of `text` (0-based): (1-based cell index, 1-based line in that cell).
    lines: list[tuple[int, int]]


class NotebookError(ValueError):
    pass


def cell_source(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(str(part) for part in source)
    if isinstance(source, str):
        return source
    raise NotebookError("a cell's 'source' is neither a string nor a list of strings")


def mask_line(line: str) -> str:
    """Turn an IPython-only line into a comment of the same length, keeping positions."""
    if _MAGIC.match(line):
        stripped = line.rstrip("\r\n")
        ending = line[len(stripped) :]
        return "#" + stripped[1:] + ending if stripped else line
    return line


def join_cells(data: bytes) -> JoinedNotebook:
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"not a valid notebook: {exc}") from exc
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("not a notebook: no 'cells' list")
    out: list[str] = []
    lines: list[tuple[int, int]] = []
    for index, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        cell_lines = source.splitlines(keepends=True)
        if cell_lines and cell_lines[0].lstrip().startswith("%%"):
            # A cell magic (`%%time`, `%%bash`): only `%%time`-like ones hold Python.
            python_body = cell_lines[0].lstrip().startswith(("%%time", "%%capture"))
            cell_lines = [mask_line(cell_lines[0])] + [
                line if python_body else "#" + line for line in cell_lines[1:]
            ]
        for number, line in enumerate(cell_lines, start=1):
            masked = mask_line(line)
            out.append(masked if masked.endswith("\n") else masked + "\n")
            lines.append((index, number))
    return JoinedNotebook("".join(out), lines)


def check_notebook(data: bytes, path: str, settings: Settings) -> FileResult:
    try:
        joined = join_cells(data)
    except NotebookError as exc:
        return FileResult(path=path, errors=[FileError(path, str(exc))], parsed=False)
    if not mentions_keras(joined.text.encode("utf-8")):
        return FileResult(path=path)
    result = check_text(joined.text, path, settings)
    result.diagnostics = [
        dataclasses.replace(d, cell=cell, line=line, end_line=end_line)
        for d in result.diagnostics
        for cell, line, end_line in [_place(joined, d.line, d.end_line)]
    ]
    result.errors = [
        dataclasses.replace(e, cell=c, line=ln) if e.line is not None else e
        for e in result.errors
        for c, ln, _ in [_place(joined, e.line or 1, e.line or 1)]
    ]
    return result


def _place(joined: JoinedNotebook, line: int, end_line: int) -> tuple[int | None, int, int]:
    if not joined.lines:
        return None, line, end_line
    cell, in_cell = joined.lines[min(max(line, 1), len(joined.lines)) - 1]
    end_cell, end_in_cell = joined.lines[min(max(end_line, 1), len(joined.lines)) - 1]
    return cell, in_cell, end_in_cell if end_cell == cell else in_cell
