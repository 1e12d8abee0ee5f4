"""Fix notebooks cell by cell, keeping outputs, metadata, cell ids and the JSON layout.

The code cells that parse on their own are joined (as the checker does) and fixed as one
text. The fixed text is split back into cells by aligning its lines with the joined lines
(difflib): an unchanged line goes back to its cell exactly as it was written (IPython magic,
CRLF and all); a changed run of lines goes to the one cell its old lines came from; lines
only inserted go to the cell of the line before them. Concatenating the new cells therefore
gives exactly the fixed program, so running the cells in order runs the fixed code. The
notebook is left alone (and the fixes reported as not applied) when that cannot be done
soundly: a change spanning two cells, a change to a line that was IPython syntax, or a
fixed cell that no longer parses on its own, as Jupyter runs it.
"""

from __future__ import annotations

import ast
import codecs
import dataclasses
import difflib
import json
import re
import warnings
from typing import Any

import libcst as cst

from kerascheck.engine.check import PARSE_ERRORS, mentions_keras
from kerascheck.engine.fixer import SkippedFix, fix_text
from kerascheck.engine.notebook_check import check_notebook
from kerascheck.model.settings import Settings
from kerascheck.read.notebook import (
    CodeCell,
    NotebookError,
    join,
    mask_cell,
    read_cells,
    split_lines,
)
from kerascheck.run.fix_outcome import FileFix, unified_diff


class _Unmappable(Exception):
    pass


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
        cst.parse_module(text)
    except (*PARSE_ERRORS, MemoryError):  # type: ignore[misc]
        return False
    return True


def _all_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    """The cell objects, numbered as notebook.read_cells numbers them."""
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):
        cells = [
            c for sheet in notebook["worksheets"] if isinstance(sheet, dict)
            for c in sheet.get("cells", [])
        ]  # fmt: skip
    return list(cells) if isinstance(cells, list) else []


def _source_key(cell: dict[str, Any]) -> str:
    return "source" if "source" in cell or "input" not in cell else "input"


def _original_lines(cell: dict[str, Any]) -> list[str]:
    source = cell.get(_source_key(cell), "")
    return split_lines(source if isinstance(source, str) else "".join(source))


def _ending(lines: list[str]) -> str:
    return "\r\n" if any(line.endswith("\r\n") for line in lines) else "\n"


def split_back(
    cells: list[CodeCell], originals: dict[int, list[str]], old: str, new: str
) -> tuple[dict[int, list[str]], list[tuple[int, int]]]:
    """The new lines of each cell, and for each line of `new` its (cell, line in cell)."""
    old_lines = split_lines(old)
    new_lines = split_lines(new)
    where = [(c.index, n) for c in cells for n in range(len(c.lines))]
    if len(where) != len(old_lines):
        raise _Unmappable("the cells and the joined code do not line up")
    out: dict[int, list[str]] = {c.index: [] for c in cells}
    placed: list[tuple[int, int]] = []

    indents = {c.index: c.indent for c in cells}

    def original(i: int) -> str:
        cell, n = where[i]
        return originals[cell][n]

    def is_python(i: int) -> bool:
        line, indent = original(i), indents[where[i][0]]
        if indent and line.startswith(indent):
            line = line[len(indent) :]  # IPython ran the cell dedented; so was it read
        return old_lines[i].rstrip("\r\n") == line.rstrip("\r\n")

    def put(cell: int, line: str, new: bool = True) -> None:
        if new and indents[cell] and line.strip():
            line = indents[cell] + line  # back under the cell's leading indent
        out[cell].append(line)
        placed.append((cell, len(out[cell])))

    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i in range(i1, i2):
                line = original(i)
                cell = where[i][0]
                if not line.endswith(("\n", "\r")):
                    line += _ending(originals[cell])
                put(cell, line, new=False)
            continue
        if i1 < i2:
            owners = {where[i][0] for i in range(i1, i2)}
            if len(owners) != 1:
                raise _Unmappable("a fix changes lines of two cells at once")
            cell = owners.pop()
            if not all(is_python(i) for i in range(i1, i2)):
                if i2 - i1 != j2 - j1:
                    raise _Unmappable("a fix changes a line that is IPython syntax")
                # `%time stmt` was read as `pass; stmt`: a fix of `stmt` keeps the magic.
                ending = _ending(originals[cell])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    line = _restore_magic(old_lines[i], original(i), new_lines[j])
                    put(cell, line.rstrip("\r\n") + ending, new=False)
                continue
        else:
            neighbours = [i for i in (i1 - 1, i1) if 0 <= i < len(old_lines) and is_python(i)]
            if not neighbours:
                raise _Unmappable("an inserted line has no Python cell to go to")
            cell = where[neighbours[0]][0]
        ending = _ending(originals[cell])
        for j in range(j1, j2):
            put(cell, new_lines[j].rstrip("\r\n") + ending)
    return out, placed


def _restore_magic(masked: str, original: str, new: str) -> str:
    """The new line with the magic put back, when only the statement after it changed."""
    masked, original, new = (x.rstrip("\r\n") for x in (masked, original, new))
    if masked == original:
        return new
    common = 0
    while common < min(len(masked), len(original)) and masked[-1 - common] == original[-1 - common]:
        common += 1
    cut = len(masked) - common
    if (
        masked[:cut].strip() != "pass;"
        or not masked[cut:].strip()
        or not new.startswith(masked[:cut])
    ):
        raise _Unmappable("a fix changes a line that is IPython syntax")
    return original[: len(original) - common] + new[cut:]


def _cell_text(old: list[str], new: list[str]) -> str:
    """The new source of a cell; a cell that had no newline at its end (as nbformat writes
    them) still has none."""
    text = "".join(new)
    if old and not old[-1].endswith(("\n", "\r")):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    return text


_INDENT = re.compile(r"\{\r?\n([ \t]+)\S")


def dump_like(original: str, notebook: dict[str, Any]) -> str:
    """JSON text laid out as the original was: indentation, escaping, final newline, CRLF."""
    found = _INDENT.match(original)
    indent: str | None = found.group(1) if found else None
    ascii_only = original.isascii() and "\\u" in original
    separators = (",", ": ") if indent is not None or '": ' in original else (",", ":")
    text = json.dumps(notebook, indent=indent, ensure_ascii=ascii_only, separators=separators)
    if original.endswith("\n"):
        text += "\n"
    if "\r\n" in original:
        text = text.replace("\n", "\r\n")
    return text


def fix_notebook(data: bytes, path: str, settings: Settings, unsafe: bool) -> FileFix:
    try:
        cells, _, python = read_cells(data)
        raw = data.decode("utf-8-sig")
        notebook = json.loads(raw)
    except (NotebookError, UnicodeDecodeError, json.JSONDecodeError):
        return FileFix(path, check_notebook(data, path, settings))
    if not python or not mentions_keras(join(cells).text.encode("utf-8"), path):
        return FileFix(path, check_notebook(data, path, settings))
    # Only cells that parse alone are fixed: Jupyter runs them one by one.
    cells = [c for c in cells if _parses(c.text)]
    joined = join(cells)
    outcome = fix_text(joined.text, path, settings, unsafe)
    if not outcome.changed:
        skipped = [_place(s, joined.lines) for s in outcome.skipped]
        return FileFix(path, check_notebook(data, path, settings), skipped=skipped)
    objects = _all_cells(notebook)
    originals = {c.index: _original_lines(objects[c.index - 1]) for c in cells}
    try:
        new_lines, placed = split_back(cells, originals, joined.text, outcome.text)
        changed: dict[int, str] = {}
        for index, lines in new_lines.items():
            text = _cell_text(originals[index], lines)
            if text == "".join(originals[index]):
                continue
            if not _parses("".join(mask_cell(text)[0])):
                raise _Unmappable(f"cell {index} would not parse on its own")
            changed[index] = text
    except _Unmappable as exc:
        reason = f"the fixed code cannot be split back into the notebook's cells: {exc}"
        return FileFix(
            path,
            check_notebook(data, path, settings),
            skipped=[SkippedFix(path, 1, 1, None, reason)],
        )
    diffs: list[str] = []
    for index, after in changed.items():
        cell = objects[index - 1]
        key = _source_key(cell)
        diffs.append(unified_diff("".join(originals[index]), after, f"{path}:cell {index}"))
        cell[key] = after if isinstance(cell.get(key), str) else split_lines(after)
    text = dump_like(raw, notebook)
    new = (codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b"") + text.encode("utf-8")
    return FileFix(
        path,
        check_notebook(new, path, settings),
        fixed=outcome.fixed,
        codes=outcome.codes,
        skipped=[_place(s, placed) for s in outcome.skipped],
        data=new,
        diff="".join(diffs),
    )


def _place(skip: SkippedFix, lines: list[tuple[int, int]]) -> SkippedFix:
    if not lines or skip.code is None:
        return skip
    cell, line = lines[min(max(skip.line, 1), len(lines)) - 1]
    return dataclasses.replace(skip, cell=cell, line=line)
