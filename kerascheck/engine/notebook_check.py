"""Check a notebook: join its cells, check the joined code, map findings back to cells."""

from __future__ import annotations

import ast
import dataclasses
import warnings

import libcst as cst

from kerascheck.engine.check import (
    PARSE_ERRORS,
    analyse_module,
    gc_paused,
    mentions_keras,
    parse,
    syntax_error,
    unparsed,
)
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
    if not python or not mentions_keras(join(cells).text.encode("utf-8"), path):
        return FileResult(path=path, errors=errors, checked=False)
    # Cells that would only parse glued to their neighbours are errors, as in Jupyter.
    broken = _broken_cells([cell for cell in cells if not cell.complete], path)
    errors.extend(broken)
    read = cells
    cells = _without(cells, broken)
    with gc_paused():
        joined, result = _check_joined(cells, errors, path, settings)
    result.errors = errors + [_place_error(joined, e) for e in result.errors]
    result.errors = [_unshift_error(read, e) for e in result.errors]
    result.diagnostics = [_unshift(read, _place(joined, d)) for d in result.diagnostics]
    result.suppressed = [_unshift(read, _place(joined, d)) for d in result.suppressed]
    return result


def _unshift(cells: list[CodeCell], d: Diagnostic) -> Diagnostic:
    """Columns in the cell as written, before IPython removed its leading indent."""
    cell = next((c for c in cells if c.index == d.cell), None)
    if cell is None or not cell.indent:
        return d
    return dataclasses.replace(
        d,
        column=d.column + cell.column_shift(d.line),
        end_column=d.end_column + cell.column_shift(d.end_line),
    )


def _unshift_error(cells: list[CodeCell], error: FileError) -> FileError:
    cell = next((c for c in cells if c.index == error.cell), None)
    if cell is None or not cell.indent or error.line is None or error.column is None:
        return error
    return dataclasses.replace(error, column=error.column + cell.column_shift(error.line))


def _check_joined(
    cells: list[CodeCell], errors: list[FileError], path: str, settings: Settings
) -> tuple[JoinedNotebook, FileResult]:
    """Parse the joined cells once. If they do not parse, parse each cell once, report those
    that do not parse on their own, and check the others together without parsing again."""
    joined = join(cells)
    try:
        module = parse(joined.text)
    except PARSE_ERRORS as exc:
        parsed: list[tuple[CodeCell, cst.Module]] = []
        for cell in cells:
            error, cell_module = _parse_cell(cell, path)
            if error is not None:
                errors.append(error)
            elif cell_module is not None:
                parsed.append((cell, cell_module))
        if len(parsed) == len(cells):
            return joined, unparsed(joined.text, path, exc)
        joined = join([cell for cell, _ in parsed])
        combined = _combined([cell_module for _, cell_module in parsed])
        try:
            module = combined if combined is not None else parse(joined.text)
        except PARSE_ERRORS as again:
            return joined, unparsed(joined.text, path, again)
    return joined, analyse_module(module, joined.text, path, settings)


def _parse_cell(cell: CodeCell, path: str) -> tuple[FileError | None, cst.Module | None]:
    """One cell parsed alone, or why it does not parse (CPython's message and position are the
    more precise), placed in the cell."""
    module: cst.Module | None = None
    error: FileError | None
    try:
        module = parse(cell.text)
    except PARSE_ERRORS as exc:
        error = _ast_error(cell.text, path) or syntax_error(path, exc)
    else:
        error = _ast_error(cell.text, path)
    if error is None:
        return None, module
    line = None if error.line is None else min(max(error.line, 1), len(cell.lines))
    return dataclasses.replace(error, cell=cell.index, line=line), None


def _ast_error(text: str, path: str) -> FileError | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return syntax_error(path, exc)
    return None


def _combined(modules: list[cst.Module]) -> cst.Module | None:
    """One module from the modules of consecutive cells, printing as their joined text; None
    when their indentation or newlines differ (then the joined text is parsed instead)."""
    # Only blocks print with the module's default indentation.
    indents = {m.default_indent for m in modules if any(map(_compound, m.body))}
    newlines = {m.default_newline for m in modules}
    if len(indents) > 1 or len(newlines) > 1 or not modules:
        return None
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []  # blank and comment lines between statements
    header = modules[0].header
    for index, module in enumerate(modules):
        lines = [*pending, *module.header] if index else pending
        if module.body:
            first = module.body[0]
            if lines:
                first = first.with_changes(leading_lines=[*lines, *first.leading_lines])
            body += [first, *module.body[1:]]
            pending = list(module.footer)
        else:
            pending = [*lines, *module.footer]
    return modules[0].with_changes(
        header=header,
        body=body,
        footer=pending,
        default_indent=indents.pop() if indents else modules[0].default_indent,
        has_trailing_newline=modules[-1].has_trailing_newline,
    )


def _compound(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.BaseCompoundStatement)


def _without(cells: list[CodeCell], broken: list[FileError]) -> list[CodeCell]:
    dropped = {error.cell for error in broken}
    return [cell for cell in cells if cell.index not in dropped]


def _broken_cells(cells: list[CodeCell], path: str) -> list[FileError]:
    return [error for error, _ in (_parse_cell(cell, path) for cell in cells) if error is not None]


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
