"""Facts about a module's statements that rules need: its top-level imports, its classes' methods."""

from __future__ import annotations

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
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, cst.ClassDef):
                body = child.body
                if isinstance(body, cst.IndentedBlock):
                    out.update(s.name.value for s in body.body if isinstance(s, cst.FunctionDef))
                stack.append(child)
            elif isinstance(child, cst.BaseCompoundStatement | cst.IndentedBlock):
                stack.append(child)
    return out
