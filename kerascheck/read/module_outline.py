"""The outline of a module another file imports: its imports, constants and function stubs."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

# The top-level statements another file can see through an import: what it imports, binds
# to a constant and defines as functions. Classes, and statements that only run, are not
# read from there.
_VISIBLE = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

# A visible statement: its first line (a function's first decorator), the line after its
# last (0-based), and the function's name (None: not a function).
Piece = tuple[int, int, str | None]


def outline(text: str) -> tuple[str, list[str]]:
    """The source of the module's visible top-level statements, with a stub `def name(): pass`
    standing for each function, and the functions' own sources in order. Reading through an
    import then parses a fraction of the module (library code is mostly classes, and few of
    its functions are ever called from the checked file). When the text cannot be split
    into statements: the whole text, and no stubs."""
    lines = _LINE.findall(text)
    pieces = scanned_pieces(text, lines)
    if pieces is None:
        pieces = parsed_pieces(text)
        if pieces is None:
            return text, []
    return _assemble(pieces, lines)


def outline_by_parse(text: str) -> tuple[str, list[str]]:
    """The outline found by CPython's parse of the whole module (what the scan must agree with)."""
    pieces = parsed_pieces(text)
    return (text, []) if pieces is None else _assemble(pieces, _LINE.findall(text))


def _assemble(pieces: list[Piece], lines: list[str]) -> tuple[str, list[str]]:
    parts: list[str] = []
    functions: list[str] = []
    done = 0  # lines already taken: statements after `;` share their first line
    for first, end, name in pieces:
        start = max(first, done)
        if start >= end:
            continue
        if name is not None:
            parts.append(f"def {name}(): pass\n")
            functions.append("".join(lines[start:end]))
        else:
            parts.extend(lines[start:end])
            if not parts[-1].endswith(("\n", "\r")):
                parts.append("\n")
        done = end
    return "".join(parts), functions


def parsed_pieces(text: str) -> list[Piece] | None:
    """The visible statements, from CPython's parse of the whole text; None when it does not
    parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _visible(tree, range(len(text) + 2))


def _visible(tree: ast.Module, line_of: Sequence[int]) -> list[Piece]:
    """The visible statements of `tree`, whose line `n` is line `line_of[n - 1]` of the module."""
    pieces: list[Piece] = []
    for stmt in tree.body:
        if not isinstance(stmt, _VISIBLE) or not _may_bind_a_constant(stmt):
            continue
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())])
        end = line_of[(stmt.end_lineno or stmt.lineno) - 1] + 1
        name = stmt.name if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) else None
        pieces.append((line_of[first - 1], end, name))
    return pieces


# What a constant another module reads can be made of (`reader._is_constant` decides on the
# libcst nodes): an assignment of anything else binds nothing there, and is left out.
_CONSTANT_PARTS = (
    ast.Constant,
    ast.Name,
    ast.UnaryOp,
    ast.BinOp,
    ast.Tuple,
    ast.List,
    ast.unaryop,
    ast.operator,
    ast.expr_context,
)


def _may_bind_a_constant(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.Assign | ast.AnnAssign):
        return True
    if stmt.value is None:
        return False
    return all(isinstance(node, _CONSTANT_PARTS) for node in ast.walk(stmt.value))


# Strings and comments: the only places a bracket, a quote, a `#` or a line break does not
# mean what it means in code. A string's prefix (r, b, f) is left in the code: a backslash
# before a quote keeps the string open in a raw string too.
_STRING_OR_COMMENT = re.compile(
    r"'''[^'\\]*(?:(?:\\(?:\r\n|.)|'(?!''))[^'\\]*)*'''"
    r'|"""[^"\\]*(?:(?:\\(?:\r\n|.)|"(?!""))[^"\\]*)*"""'
    r"|'[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*)*'"
    r'|"[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*)*"'
    r"|#[^\r\n]*",
    re.DOTALL,
)
_BREAK = re.compile(r"\r\n|\n")
_AT_COLUMN_0 = re.compile(r"^\S", re.MULTILINE)
_FIRST_WORD = re.compile(r"@|\w+")
_DEF = re.compile(r"(?:async\s+)?def\s+(\w+)")
# Statements with a block: none is visible, and their blocks are not read.
_COMPOUND = frozenset(
    {"class", "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "async"}
)


def _masked(found: re.Match[str]) -> str:
    """A string as one code character (`S`), each line break it spans kept and followed by a
    space (the line it ends on is not at column 0); a comment as nothing."""
    token = found.group()
    if token[0] == "#":
        return ""
    if "\n" not in token:
        return "S"
    return "S" + "".join(brk + " S" for brk in _BREAK.findall(token))


def scanned_pieces(text: str, lines: list[str]) -> list[Piece] | None:
    """The visible statements, found by scanning lines instead of parsing the module: a
    statement starts at column 0 outside brackets, strings and continued lines. Functions and
    blocks are skipped whole; the other statements (imports, assignments, expressions) are
    parsed together by CPython. None when the text is not one the scan can split with
    certainty (a lone `\\r` line break, a form feed, brackets that do not balance, a statement
    CPython does not parse): the caller then parses it whole."""
    if "\f" in text or "\0" in text or ("\r" in text and text.count("\r") != text.count("\r\n")):
        return None
    code = _STRING_OR_COMMENT.sub(_masked, text)
    # Each statement's first line and the offset it starts at.
    starts: list[tuple[int, int]] = []
    depth = line = previous = 0
    for found in _AT_COLUMN_0.finditer(code):
        offset = found.start()
        line += code.count("\n", previous, offset)
        depth += _bracket_balance(code, previous, offset)
        previous = offset
        if depth < 0:
            return None
        if depth == 0 and not code[max(offset - 3, 0) : offset].rstrip("\r\n").endswith("\\"):
            starts.append((line, offset))
    if depth + _bracket_balance(code, previous, len(code)) != 0:
        return None
    pieces: list[Piece] = []
    simple: list[int] = []  # the lines of the statements parsed together, in order
    decorated: int | None = None  # the first decorator's line, before a function or class
    last_line = code.count("\n")
    for index, (line, offset) in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else (last_line, len(code))
        word = _FIRST_WORD.match(code, offset)
        first = word.group() if word else ""
        if first == "@":
            decorated = line if decorated is None else decorated
            continue
        function = _DEF.match(code, offset) if first in ("def", "async") else None
        if function is not None:
            end = following[1] - 1
            while end > offset and code[end] in " \t\r\n":
                end -= 1
            last = following[0] - code.count("\n", end, following[1])
            start = line if decorated is None else decorated
            pieces.append((start, min(last + 1, len(lines)), function.group(1)))
        elif first == "def":
            return None
        elif first not in _COMPOUND:
            simple.extend(range(line, following[0] if index + 1 < len(starts) else len(lines)))
        decorated = None
    if not simple:
        return pieces
    batch = "".join(lines[n] if lines[n].endswith("\n") else lines[n] + "\n" for n in simple)
    try:
        tree = ast.parse(batch)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    pieces.extend(_visible(tree, simple))
    pieces.sort(key=lambda piece: piece[0])
    return pieces


def _bracket_balance(code: str, start: int, end: int) -> int:
    return (
        code.count("(", start, end)
        + code.count("[", start, end)
        + code.count("{", start, end)
        - code.count(")", start, end)
        - code.count("]", start, end)
        - code.count("}", start, end)
    )
