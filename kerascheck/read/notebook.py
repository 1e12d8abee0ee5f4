"""Jupyter notebooks: read code cells, mask IPython syntax, join cells into one source."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Cell magics whose body is Python (it runs under timing, capture or profiling).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})

# Line magics followed by a Python statement that is worth checking (`%time model.fit(x)`).
PYTHON_LINE_MAGICS = frozenset({"time", "timeit", "prun", "debug"})

_LINE_SPLIT = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")

# Characters str.splitlines() also breaks at, though Python source lines do not.
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# `?obj`, `??obj`, `obj?`, `obj.attr??`: IPython help.
_HELP = re.compile(r"\s*(\?{1,2}\S.*|[A-Za-z_][\w.]*\?{1,2})\s*$")

# `files = !ls`, `out = %sx ls`: a shell or magic result assigned to names.
_ASSIGNED_MAGIC = re.compile(r"(\s*)([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=\s*[!%]")

# Escapes that start an IPython-only line: magics, shell, autocall (`/f x`, `,f a b`, `;f a`).
_ESCAPES = ("%", "!", "/", ",", ";")

# Line magics IPython runs without their `%` (automagic) when the line is no Python:
# `pip install keras-tuner`, `cd data`, `matplotlib inline`.
_AUTOMAGICS = frozenset(
    {
        "pip",
        "conda",
        "mamba",
        "cd",
        "ls",
        "pwd",
        "env",
        "set_env",
        "load_ext",
        "reload_ext",
        "matplotlib",
        "pylab",
        "run",
        "time",
        "timeit",
        "who",
        "whos",
        "tensorflow_version",
    }
)
_AUTOMAGIC = re.compile(r"([A-Za-z_]\w*)\s+\S")


def _is_automagic(stripped: str) -> bool:
    match = _AUTOMAGIC.match(stripped)
    if match is None or match.group(1) not in _AUTOMAGICS:
        return False
    try:
        compile(stripped, "<line>", "exec")
    except SyntaxError:
        return True  # `pip install x` is no Python: IPython runs it as the magic
    except (ValueError, OverflowError):
        return False
    return False


class NotebookError(ValueError):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        # Where in the .ipynb file itself, for JSON syntax errors.
        self.line = line
        self.column = column


@dataclass(frozen=True)
class CodeCell:
    index: int  # 1-based among all cells of the notebook, markdown included
    lines: list[str]  # the masked source lines, each ending with "\n"
    # False when the cell may not parse on its own (open bracket or string at its end, or
    # indented first line) although the joined cells might: Jupyter runs cells one by one.
    complete: bool = True
    # The indent IPython removed from the lines that start with it (the first code line's),
    # and for each line how many characters were removed there, so columns map back.
    indent: str = ""
    removed: tuple[int, ...] = ()

    def column_shift(self, line: int) -> int:
        """Characters removed before column 1 of the 1-based `line` of this cell."""
        return self.removed[line - 1] if 0 < line <= len(self.removed) else 0

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class JoinedNotebook:
    text: str
    # For each line of `text` (0-based): (1-based cell index, 1-based line in that cell).
    lines: list[tuple[int, int]]


def cell_source(cell: dict[str, Any]) -> str:
    """A cell's source as text; nbformat allows a list of strings or one string."""
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        return "".join(source)
    raise NotebookError("its 'source' is neither a string nor a list of strings")


def split_lines(text: str) -> list[str]:
    """Lines the way Python's tokenizer sees them (only CR, LF and CRLF end a line)."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)  # the same here, and much faster
    return [part for part in _LINE_SPLIT.split(text) if part]


def _strip_ending(line: str) -> str:
    return line.rstrip("\r\n")


def mask_line(line: str) -> str | None:
    """The Python stand-in for an IPython-only line (same line count), or None if it is Python."""
    body = _strip_ending(line)
    stripped = body.lstrip()
    indent = body[: len(body) - len(stripped)]
    if not stripped:
        return None
    if stripped.startswith(_ESCAPES) and not stripped.startswith("!="):
        if stripped.startswith("%") and not stripped.startswith("%%"):
            name, _, rest = stripped[1:].partition(" ")
            # `%time expr`: keep the statement, at its own column, behind a `pass;`.
            if name in PYTHON_LINE_MAGICS and rest.strip() and not rest.lstrip().startswith("-"):
                # `%time ` is at least as wide as `pass;`, so columns stay where they were.
                prefix = stripped[: len(stripped) - len(rest)]
                return indent + "pass;".ljust(len(prefix)) + rest
        return indent + "pass"
    # Help needs a `?`, an assigned result a `!` or `%`: most lines have neither.
    if ("?" in body and _HELP.fullmatch(body)) or _is_automagic(stripped):
        return indent + "pass"
    assigned = _ASSIGNED_MAGIC.match(body) if "!" in body or "%" in body else None
    if assigned:
        return f"{assigned.group(1)}{assigned.group(2)} = None"
    return None


# What the scanner stops at outside strings, and inside each kind of string.
_SPECIAL = re.compile(r"""[#()\[\]{}'"\\]""")

_STRING_END = {quote: re.compile(r"\\.?|" + re.escape(quote)) for quote in ("'", '"', "'''", '"""')}


class _Scanner:
    """Tracks brackets, strings and backslashes so only logical line starts are masked."""

    def __init__(self) -> None:
        self.depth = 0
        self.string: str | None = None  # the open quote, when a string runs past the line
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.string is None and not self.continued

    def feed(self, line: str) -> None:
        text = _strip_ending(line)
        self.continued = False
        i, n = 0, len(text)
        while i < n:
            if self.string is not None:
                i = self._in_string(text, i)
                continue
            found = _SPECIAL.search(text, i)
            if found is None:
                return
            i = found.start()
            char = text[i]
            if char == "#":
                return
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char == "\\":
                self.continued = i == n - 1
                i += 1
            else:
                triple = char * 3
                self.string = triple if text.startswith(triple, i) else char
                i += len(self.string)
                continue
            i += 1
        if self.string is not None and len(self.string) == 1 and not self.continued:
            self.string = None  # a one-quote string ends with its line (or is an error)

    def _in_string(self, text: str, i: int) -> int:
        assert self.string is not None
        for found in _STRING_END[self.string].finditer(text, i):
            if found.group() == self.string:
                self.string = None
                return found.end()
            if found.end() == len(text) and found.group() == "\\":
                self.continued = True  # a backslash at the end continues the string
        return len(text)


def dedent_cell(lines: list[str]) -> tuple[list[str], str, tuple[int, ...]]:
    """The lines as IPython runs them: the whitespace every non-blank line starts with is
    removed (IPython's `leading_indent`, `textwrap.dedent`). Also that margin and, per line,
    how many characters went, so columns map back to the cell as written."""
    margin: str | None = None
    for line in lines:
        body = line.rstrip("\r\n")
        if not body.strip(" \t"):
            continue
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        if margin is None or indent.startswith(margin):
            margin = indent if margin is None else margin
        else:
            common = 0
            while common < min(len(margin), len(indent)) and margin[common] == indent[common]:
                common += 1
            margin = margin[:common]
        if not margin:
            return lines, "", ()
    if not margin:
        return lines, "", ()
    removed = tuple(len(margin) if line.rstrip("\r\n").strip(" \t") else 0 for line in lines)
    return [line[n:] for line, n in zip(lines, removed, strict=True)], margin, removed


def mask_cell(source: str) -> tuple[list[str], bool, str, tuple[int, ...]]:
    """A code cell's lines dedented and with IPython syntax replaced by Python of the same
    line count; whether the cell looks complete on its own; the indent removed, and per line
    the characters removed (see `dedent_cell`)."""
    lines = [_strip_ending(line) + "\n" for line in split_lines(source)]
    lines, indent, removed = dedent_cell(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        name = magic[0] if magic else ""
        if name not in PYTHON_CELL_MAGICS:
            # `%%bash`, `%%writefile`, `%%html`...: nothing in the cell is Python.
            return ["\n"] * len(lines), True, "", ()
        lines[first] = "\n"
    scanner = _Scanner()
    out: list[str] = []
    # A masked shell or magic line ending in a backslash continues on the next line, which
    # belongs to the command too (`!saved_model_cli show \` + `    --dir model`).
    shell_continues = False
    for line in lines:
        if shell_continues:
            shell_continues = _strip_ending(line).endswith("\\")
            out.append("\n")
            continue
        masked = mask_line(line) if scanner.at_statement_start else None
        if masked is not None:
            shell_continues = _strip_ending(line).endswith("\\")
        line = line if masked is None else masked + "\n"
        scanner.feed(line)
        out.append(line)
    code = [line for line in out if line.strip() and not line.lstrip().startswith("#")]
    indented = bool(code) and code[0][:1] in (" ", "\t")
    return out, scanner.at_statement_start and not indented, indent, removed


def read_cells(data: bytes) -> tuple[list[CodeCell], list[tuple[int, str]], bool]:
    """(code cells, (cell, problem) for unreadable cells, whether the notebook is Python)."""
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise NotebookError(f"not a notebook: not UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"not a notebook: invalid JSON: {exc.msg}", exc.lineno, exc.colno
        ) from exc
    if not isinstance(notebook, dict):
        raise NotebookError("not a notebook: the JSON is not an object")
    cells = notebook.get("cells")
    if cells is None and isinstance(notebook.get("worksheets"), list):
        # nbformat 3 keeps cells in worksheets and code in `input`.
        cells = [c for sheet in notebook["worksheets"] if isinstance(sheet, dict)
                 for c in sheet.get("cells", [])]  # fmt: skip
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list")
    code: list[CodeCell] = []
    problems: list[tuple[int, str]] = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            problems.append((index, "it is not a JSON object"))
            continue
        if cell.get("cell_type") != "code":
            continue
        try:
            source = cell_source(cell)
        except NotebookError as exc:
            problems.append((index, str(exc)))
            continue
        code.append(CodeCell(index, *mask_cell(source)))
    return code, problems, _is_python(notebook)


def _is_python(notebook: dict[str, Any]) -> bool:
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        section = metadata.get(key)
        if isinstance(section, dict) and isinstance(section.get(field), str):
            return bool(section[field].lower() == "python")
    return True


def join(cells: list[CodeCell]) -> JoinedNotebook:
    text: list[str] = []
    lines: list[tuple[int, int]] = []
    for cell in cells:
        text.extend(cell.lines)
        lines.extend((cell.index, number) for number in range(1, len(cell.lines) + 1))
    return JoinedNotebook("".join(text), lines)


def join_cells(data: bytes) -> JoinedNotebook:
    """The code cells of a notebook as one Python source, with its line map."""
    return join(read_cells(data)[0])
