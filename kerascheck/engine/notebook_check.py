"""Check a notebook: join its cells, check the joined code, map findings back to cells."""

from __future__ import annotations

import ast
import dataclasses
import warnings

from kerascheck.engine.check import PARSE_ERRORS, check_text, mentions_keras, parse, syntax_error
from kerascheck.model.results import Diagnostic, FileError, FileResult
from kerascheck.model.settings import Settings
from kerascheck.read.notebook import CodeCell, JoinedNotebook, NotebookError, join, read_cells


def check_notebook(data: bytes, path: str, settings: Settings) -> FileResult:
    try:
        cells, problems, python = read_cells(data)
    except NotebookError as exc:
        error = FileError(path, str(exc), exc.line, exc.column)
        return FileResult(path=path, errors=[error], parsed=False)
    errors = [
        FileError(path, f"could not read this cell: {message}", cell=c) for c, message in problems
    ]
    if not python or not mentions_keras(join(cells).text.encode("utf-8")):
        return FileResult(path=path, errors=errors, checked=False)
    # Cells that would only parse glued to their neighbours are errors, as in Jupyter.
    broken = _broken_cells([cell for cell in cells if not cell.complete], path)
    errors.extend(broken)
    cells = _without(cells, broken)
    joined = join(cells)
    result = check_text(joined.text, path, settings)
    if not result.parsed:
        # Report each cell that does not parse on its own, then check the others together.
        broken = _broken_cells(cells, path)
        if broken:
            errors.extend(broken)
            joined = join(_without(cells, broken))
            result = check_text(joined.text, path, settings)
    result.errors = errors + [_place_error(joined, e) for e in result.errors]
    result.diagnostics = [_place(joined, d) for d in result.diagnostics]
    result.suppressed = [_place(joined, d) for d in result.suppressed]
    return result


def _without(cells: list[CodeCell], broken: list[FileError]) -> list[CodeCell]:
    dropped = {error.cell for error in broken}
    return [cell for cell in cells if cell.index not in dropped]


def _broken_cells(cells: list[CodeCell], path: str) -> list[FileError]:
    broken: list[FileError] = []
    for cell in cells:
        error = _cell_error(cell.text, path)
        if error is not None:
            line = None if error.line is None else min(max(error.line, 1), len(cell.lines))
            broken.append(dataclasses.replace(error, cell=cell.index, line=line))
    return broken


def _cell_error(text: str, path: str) -> FileError | None:
    """Why one cell does not parse; CPython's message and position are the more precise."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return syntax_error(path, exc)
    try:
        parse(text)
    except PARSE_ERRORS as exc:
        return syntax_error(path, exc)
    return None


def _locate(joined: JoinedNotebook, line: int) -> tuple[int, int] | None:
    if not joined.lines:
        return None
    return joined.lines[min(max(line, 1), len(joined.lines)) - 1]


def _place_error(joined: JoinedNotebook, error: FileError) -> FileError:
    if error.line is None or error.cell is not None:
        return error
    found = _locate(joined, error.line)
    if found is None:
        return error
    return dataclasses.replace(error, cell=found[0], line=found[1])


def _place(joined: JoinedNotebook, d: Diagnostic) -> Diagnostic:
    start = _locate(joined, d.line)
    end = _locate(joined, d.end_line)
    if start is None or end is None:
        return d
    end_line, end_column = end[1], d.end_column
    if end[0] != start[0]:
        # A span that runs into the next cell ends with the first cell.
        end_line, end_column = start[1], d.column + 1
    return dataclasses.replace(
        d, cell=start[0], line=start[1], end_line=end_line, end_column=end_column
    )
