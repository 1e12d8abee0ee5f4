"""The imports a fix needs: found already bound, added once after the file's own imports."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from kerascheck.read.names import import_bindings

# What a top-level name is bound to: the dotted module or object an import gives it, or this
# marker for any other binding (an assignment, a def, a class).
OTHER = "<other>"


def parse_import(line: str) -> cst.SimpleStatementLine:
    """One import statement from its source text; ValueError when it is not one."""
    try:
        stmt = cst.parse_statement(line.strip() + "\n")
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"not an import statement: {line!r}") from exc
    if not isinstance(stmt, cst.SimpleStatementLine) or not _is_import_line(stmt):
        raise ValueError(f"not an import statement: {line!r}")
    return stmt


def _import_bindings(small: cst.BaseSmallStatement) -> dict[str, str]:
    if isinstance(small, (cst.Import, cst.ImportFrom)):
        return import_bindings(small)
    return {}


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
    )


def _assigned_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for el in target.elements for n in _assigned_names(el.value)]
    return []


def module_bindings(module: cst.Module) -> dict[str, set[str]]:
    """Top-level names and everything each is bound to (several when rebound)."""
    out: dict[str, set[str]] = {}

    def bind(name: str, what: str) -> None:
        out.setdefault(name, set()).add(what)

    def scan(body: Sequence[cst.BaseStatement]) -> None:
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    for name, what in _import_bindings(small).items():
                        bind(name, what)
                    if isinstance(small, cst.Assign):
                        for target in small.targets:
                            for name in _assigned_names(target.target):
                                bind(name, OTHER)
                    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                        for name in _assigned_names(small.target):
                            bind(name, OTHER)
            elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                bind(stmt.name.value, OTHER)
            elif isinstance(stmt, (cst.If, cst.Try, cst.With)):
                # Imports guarded by `try:` or `if TYPE_CHECKING:` still bind the name.
                inner = stmt.body
                if isinstance(inner, cst.IndentedBlock):
                    scan(inner.body)

    scan(module.body)
    return out


def local_name(module: cst.Module, dotted: str) -> str | None:
    """The name this file already uses for a module (`np` for numpy), if it imports it once."""
    for name, things in module_bindings(module).items():
        if things == {dotted}:
            return name
    return None


def needed(module: cst.Module, lines: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """(imports to add, why others cannot be added) for the import lines a fix asks for."""
    bound = module_bindings(module)
    add: list[str] = []
    problems: list[str] = []
    for line in lines:
        try:
            stmt = parse_import(line)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        missing = False
        for small in stmt.body:
            for name, what in _import_bindings(small).items():
                have = bound.get(name)
                if have is None:
                    missing = True
                elif have != {what}:
                    problems.append(f"it needs `{line.strip()}` but `{name}` is bound otherwise")
        if missing and line.strip() not in add:
            add.append(line.strip())
    return add, problems


def insertion_index(module: cst.Module) -> tuple[int, bool]:
    """Where new imports go: after the file's leading imports (and its docstring).

    Only the leading block counts: an import found after code would be placed after the code
    that uses it. Returns (index in module.body, whether the block had any import).
    """
    body = module.body
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    had_import = False
    while index < len(body) and _is_import_line(body[index]):
        index += 1
        had_import = True
    return index, had_import


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def add_imports(module: cst.Module, lines: list[str]) -> cst.Module:
    """The module with these import lines added, once each, after its leading imports."""
    add, _ = needed(module, lines)
    if not add:
        return module
    index, had_import = insertion_index(module)
    new = [parse_import(line) for line in add]
    body = list(module.body)
    if index < len(body) and not had_import:
        # A new import block before code: keep a blank line between them.
        following = body[index]
        leading = getattr(following, "leading_lines", ())
        if not (leading and leading[0].comment is None):
            body[index] = following.with_changes(leading_lines=(cst.EmptyLine(), *leading))
    if index > 0 and not had_import and _is_docstring(body[index - 1]):
        new[0] = new[0].with_changes(leading_lines=(cst.EmptyLine(),))
    body[index:index] = new
    return module.with_changes(body=body)
