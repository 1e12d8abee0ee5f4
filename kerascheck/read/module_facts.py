"""Facts about a module's statements that rules need: its top-level imports, its classes' methods."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from kerascheck.model.description import TopImport
from kerascheck.read.names import ImportTable, dotted_name


def top_imports(module: cst.Module) -> list[TopImport]:
    """Each top-level line of imports, with what it names and binds."""
    out: list[TopImport] = []
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                modules = tuple(alias.evaluated_name for alias in small.names)
            elif isinstance(small, cst.ImportFrom):
                named = dotted_name(small.module) if small.module is not None else None
                modules = (named,) if named else ()
            else:
                continue
            table = ImportTable()
            if isinstance(small, cst.Import):
                table.add_import(small)
            else:
                table.add_import_from(small)
            out.append(
                TopImport(index, modules, tuple(table.bindings.items()), tuple(table.star_modules))
            )
    return out


def class_methods(module: cst.Module) -> set[str]:
    """Names of the methods that the file's own classes define (any nesting of classes)."""
    out: set[str] = set()
    for statement in _compound_statements(module.body):
        if isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            out.update(s.name.value for s in statement.body.body if isinstance(s, cst.FunctionDef))
    return out


# The fields of compound statements that hold more statements (libcst's `children` would
# build every node's child list, expressions included: several times the cost).
_SUITE_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")


def _compound_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if not isinstance(node, cst.BaseCompoundStatement | cst.BaseSuite | cst.CSTNode):
            continue
        if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            continue
        if isinstance(node, cst.BaseCompoundStatement):
            yield node
        for name in _SUITE_FIELDS:
            value = getattr(node, name, None)
            if isinstance(value, cst.IndentedBlock):
                stack.extend(reversed(value.body))
            elif isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, Sequence) and not isinstance(value, str):
                stack.extend(reversed(value))
