"""Running the target in the child: a script, a notebook's cells, or a factory's module."""

from __future__ import annotations

import importlib
import importlib.util
import json
import linecache
import os
import runpy
import sys
from typing import Any

from kerascheck.runtime.child import locations
from kerascheck.runtime.protocol import UsageError


def run_script(path: str, args: list[str]) -> None:
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(path)
    runpy.run_path(path, run_name="__main__")


def notebook_cells(path: str) -> list[tuple[int, str]]:
    """(cell number, source) of each code cell, 1-based over all cells, with IPython syntax
    masked and dedented the way the static checker does it (`%%time` cells keep their Python)."""
    # Imported here: the static reader is heavy, and only notebooks need its masking.
    from kerascheck.read.notebook import mask_cell

    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = mask_cell(text)[0]
        cells.append((number, "".join(lines)))
    return cells


class CellSyntaxError(Exception):
    """A cell that is not Python even with IPython's syntax masked."""


def run_notebook(path: str) -> None:
    locations.notebook_path = path
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": path}
    for number, source in notebook_cells(path):
        filename = locations.cell_filename(number)
        lines = source.splitlines(keepends=True)
        linecache.cache[filename] = (len(source), None, lines, filename)
        try:
            code = compile(source, filename, "exec")
        except SyntaxError as error:
            raise CellSyntaxError(
                f"cell {number}, line {error.lineno}: {error.msg} (the cells before it ran)"
            ) from None
        exec(code, namespace)


def load_factory(path: str | None, module_name: str | None, attr: str) -> Any:
    if path is not None:
        sys.path[0] = os.path.dirname(path)
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise UsageError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    else:
        sys.path[0] = os.getcwd()
        try:
            module = importlib.import_module(str(module_name))
        except ModuleNotFoundError as error:
            if error.name and str(module_name).startswith(error.name):
                raise UsageError(f"no module named {module_name!r}") from None
            raise
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise UsageError(f"{path or module_name}:{attr}: {attr!r} is not a function of the module")
    return factory
