"""Facts about a module's statements that rules need: its top-level imports, its classes' methods."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from kerascheck.model.description import TopImport
from kerascheck.read.cst_fields import of_kind
from kerascheck.read.names import ImportTable, dotted_name


def top_imports(module: cst.Module) -> list[TopImport]:
    """Each top-level line of imports, with what it names and binds."""
    out: list[TopImport] = []
    for index, stmt in enumerate(module.body):
        if type(stmt) is not cst.SimpleStatementLine:
            continue
        for small in stmt.body:
            if type(small) is cst.Import:
                modules = tuple(alias.evaluated_name for alias in small.names)
            elif type(small) is cst.ImportFrom:
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
    for statement in all_statements(module.body):
        if type(statement) is cst.ClassDef and type(statement.body) is cst.IndentedBlock:
            out.update(s.name.value for s in statement.body.body if type(s) is cst.FunctionDef)
    return out


# The fields of compound statements that hold more statements (libcst's `children` would
# build every node's child list, expressions included: several times the cost).
_SUITE_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")

_STATEMENT_LINES = (cst.SimpleStatementLine, cst.SimpleStatementSuite)
_STATEMENTS = (cst.BaseStatement, cst.SimpleStatementSuite)
# Per node type: its fields that hold statements.
_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}


def _block_fields(node_type: type) -> tuple[str, ...]:
    known = _BLOCK_FIELDS.get(node_type)
    if known is None:
        fields = getattr(node_type, "__dataclass_fields__", {})
        known = _BLOCK_FIELDS[node_type] = tuple(f for f in _SUITE_FIELDS if f in fields)
    return known


def all_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Every statement in `body` and in the blocks of its compound statements, in order
    (one-line blocks as their SimpleStatementSuite)."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        node_type = type(node)
        if node_type in _STATEMENT_LINES:
            # A one-line block (`if x: y = 1`) is yielded like a statement line.
            yield node
            continue
        if of_kind(node_type, _STATEMENTS):
            yield node
        for name in _block_fields(node_type):
            value = getattr(node, name)
            if value is None:
                continue
            if type(value) is cst.IndentedBlock:
                stack.extend(reversed(value.body))
            elif isinstance(value, tuple | list):
                stack.extend(reversed(value))
            else:
                stack.append(value)
