"""The parse floor: read every listed file and parse it with libcst.parse_module, nothing more."""

from __future__ import annotations

import gc
import json
import re
import sys

import libcst

# IPython-only lines (magics, shell escapes) become comments, as a linter of notebooks must do.
_MAGIC = re.compile(r"^\s*[%!?]")


def notebook_source(data: bytes) -> str:
    """The code cells of a notebook joined into one Python source."""
    book = json.loads(data.decode("utf-8-sig"))
    out: list[str] = []
    for cell in book.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for line in text.splitlines():
            out.append("#" + line if _MAGIC.match(line) else line)
    return "\n".join(out) + "\n"


def source_of(path: str) -> str:
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".ipynb"):
        return notebook_source(data)
    return data.decode("utf-8")


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
            libcst.parse_module(source_of(path))
            parsed += 1
        except (libcst.ParserSyntaxError, UnicodeDecodeError, ValueError, RecursionError):
            pass
        finally:
            gc.enable()
    print(parsed)


if __name__ == "__main__":
    main()
