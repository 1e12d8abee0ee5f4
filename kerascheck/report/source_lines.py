"""The text of a reported line, read back from the file (or notebook cell) it came from."""

from __future__ import annotations

import bisect
import functools
import json
import os
from collections.abc import Callable

from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.read.notebook import NotebookError, cell_source, split_lines

# Text that was checked without being a file on disk (standard input), by its display name.
_CHECKED: dict[str, bytes] = {}


def use_checked_bytes(path: str, data: bytes) -> None:
    """Show `data` for `path` from now on: stdin's code frames come from the text checked,
    not from a file of the same name on disk."""
    _CHECKED[path] = data
    _file_lines.cache_clear()
    _notebook_source_lines_stamped.cache_clear()


def source_bytes(path: str) -> bytes | None:
    """The bytes that were checked as `path`, or None when they cannot be read."""
    if path in _CHECKED:
        return _CHECKED[path]
    try:
        return read_source(path)
    except (OSError, SourceUnreadable):
        return None


def _stamp(path: str) -> tuple[int, int]:
    # Caches below are keyed by modification stamp too: a long-lived process sees edits.
    try:
        stat = os.stat(path)
    except OSError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


def file_lines(path: str) -> dict[int | None, list[str]]:
    """A file's lines by cell (None for a .py file); empty when it cannot be read."""
    if path in _CHECKED:
        return _file_lines(path, (0, 0))
    return _file_lines(path, _stamp(path))


@functools.lru_cache(maxsize=256)
def _file_lines(path: str, stamp: tuple[int, int]) -> dict[int | None, list[str]]:
    data = source_bytes(path)
    if data is None:
        return {}
    if path.endswith(".ipynb"):
        try:
            cells = json.loads(data.decode("utf-8-sig"))["cells"]
            return {index: _cell_lines(cell) for index, cell in enumerate(cells, start=1)}
        except (ValueError, KeyError, TypeError):
            return {}
    from kerascheck.engine.check import decode

    try:
        return {None: split_lines(decode(data))}
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return {}


def _cell_lines(cell: object) -> list[str]:
    try:
        return split_lines(cell_source(cell)) if isinstance(cell, dict) else []
    except NotebookError:
        return []


def line_text(path: str, cell: int | None, line: int) -> str:
    """The line without its ending, or "" when the file or line is gone."""
    lines = file_lines(path).get(cell, [])
    return lines[line - 1].rstrip("\r\n") if 1 <= line <= len(lines) else ""


_WHITESPACE = " \t\r\n"


def _notebook_source_lines(path: str) -> dict[int, list[int]]:
    return _notebook_source_lines_stamped(path, _stamp(path))


@functools.lru_cache(maxsize=64)
def _notebook_source_lines_stamped(path: str, stamp: tuple[int, int]) -> dict[int, list[int]]:
    """For each cell (1-based): the line of the .ipynb file where each of its lines is written.

    CI annotations need a line of the file itself; a cell's source lines are JSON strings in
    it, so this walks the raw JSON for the position of every `source` string.
    """
    data = source_bytes(path)
    if data is None:
        return {}
    try:
        return _walk_notebook(data.decode("utf-8-sig"))
    except (ValueError, IndexError, TypeError):
        return {}


def _walk_notebook(raw: str) -> dict[int, list[int]]:
    decoder = json.JSONDecoder()
    breaks = [i for i, char in enumerate(raw) if char == "\n"]
    out: dict[int, list[int]] = {}

    def skip(i: int) -> int:
        while raw[i] in _WHITESPACE:
            i += 1
        return i

    def value_end(i: int) -> int:
        return int(decoder.raw_decode(raw, i)[1])

    def walk_object(i: int, member: Callable[[str, int], int]) -> int:
        if raw[i] != "{":
            return value_end(i)
        i = skip(i + 1)
        while raw[i] != "}":
            key, i = decoder.raw_decode(raw, i)
            i = skip(i)
            if raw[i] != ":":
                raise ValueError("expected ':'")
            i = skip(member(str(key), skip(i + 1)))
            if raw[i] == ",":
                i = skip(i + 1)
        return i + 1

    def walk_array(i: int, item: Callable[[int, int], int]) -> int:
        if raw[i] != "[":
            return value_end(i)
        i, index = skip(i + 1), 1
        while raw[i] != "]":
            i = skip(item(index, i))
            index += 1
            if raw[i] == ",":
                i = skip(i + 1)
        return i + 1

    def source(index: int, i: int) -> int:
        pieces: list[tuple[int, str]] = []

        def piece(_: int, j: int) -> int:
            text, end = decoder.raw_decode(raw, j)
            pieces.append((j, text if isinstance(text, str) else ""))
            return int(end)

        end = piece(0, i) if raw[i] == '"' else walk_array(i, piece)
        starts, offset = [], 0
        for _, text in pieces:
            starts.append(offset)
            offset += len(text)
        lines, offset = [], 0
        for line in split_lines("".join(text for _, text in pieces)):
            where = pieces[bisect.bisect_right(starts, offset) - 1][0]
            lines.append(bisect.bisect_right(breaks, where) + 1)
            offset += len(line)
        out[index] = lines
        return end

    def cell(index: int, i: int) -> int:
        return walk_object(i, lambda key, j: source(index, j) if key == "source" else value_end(j))

    walk_object(skip(0), lambda key, j: walk_array(j, cell) if key == "cells" else value_end(j))
    return out


def notebook_file_line(path: str, cell: int, line: int) -> int | None:
    """The line of the .ipynb file that holds line `line` of cell `cell`, if it can be found."""
    lines = _notebook_source_lines(path).get(cell, [])
    return lines[line - 1] if 1 <= line <= len(lines) else None
