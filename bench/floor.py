"""The parse floor: read every listed file and parse it with libcst.parse_module, nothing more."""

from __future__ import annotations

import gc
import json
import re
import sys

import libcst

# IPython-only lines (magics, shell escapes) become comments, as a linter of notebooks must do.
_MAGIC = re.compile(r"^\s*[%!?]")


def notebook_cells(data: bytes) -> list[str]:
    """The code cells of a notebook, IPython-only lines commented out."""
    book = json.loads(data.decode("utf-8-sig"))
    cells: list[str] = []
    for cell in book.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = ["#" + line if _MAGIC.match(line) else line for line in text.splitlines()]
        cells.append("".join(line + "\n" for line in lines))
    return cells


def notebook_source(data: bytes) -> str:
    """The code cells of a notebook joined into one Python source."""
    return "".join(notebook_cells(data))


def source_of(path: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".ipynb"):
        return notebook_source(data)
    return data.decode("utf-8")


def parse_file(path: str) -> int:
    """Parse what a checker must parse at the least, and say how many sources parsed: a .py
    file; a notebook's joined cells, or each cell alone when they do not parse joined (a
    checker reports the broken cells and checks the others: stopping at the first error is
    a floor no checker stands on)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if not path.endswith(".ipynb"):
        return _parses(data.decode("utf-8"))
    cells = notebook_cells(data)
    if _parses("".join(cells)):
        return 1
    return sum(_parses(cell) for cell in cells)


def _parses(source: str) -> int:
    try:
        libcst.parse_module(source)
    except (libcst.ParserSyntaxError, ValueError, RecursionError):
        return 0
    return 1


def count_lines(path: str) -> int:
    """Lines of Python in a file (the code cells of a notebook)."""
    try:
        return source_of(path).count("\n")
    except (OSError, UnicodeDecodeError, ValueError):
        return 0


def main() -> None:
    """`floor.py LISTING [--no-gc]`: parse the listed files; --no-gc pauses the cyclic
    collector during each parse, as kerascheck does while it checks a file."""
    with open(sys.argv[1], encoding="utf-8") as listing:
        paths = [line.rstrip("\n") for line in listing if line.strip()]
    pause = "--no-gc" in sys.argv[2:]
    parsed = 0
    for path in paths:
        if pause:
            gc.disable()
        try:
            parsed += parse_file(path)
        except (UnicodeDecodeError, ValueError):
            pass
        finally:
            gc.enable()
    print(parsed)


if __name__ == "__main__":
    main()
