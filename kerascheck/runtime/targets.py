"""What `kerascheck run` can run: a script, a notebook, or a factory named `file.py:function`."""

from __future__ import annotations

import importlib
import importlib.util
import json
import linecache
import os
import runpy
import sys
from dataclasses import dataclass
from typing import Any

from kerascheck.runtime import locations


class UsageError(Exception):
    """The target cannot be run as asked: a missing file or factory, an uncompiled model."""


@dataclass(frozen=True)
class Target:
    kind: str  # "script", "notebook" or "factory"
    path: str | None
    module: str | None = None
    attr: str | None = None

    @property
    def display(self) -> str:
        where = self.path or self.module or ""
        return f"{where}:{self.attr}" if self.attr else where


def parse_target(text: str) -> Target:
    """`script.py`, `notebook.ipynb`, `module.py:build_model` or `package.module:factory`."""
    if ":" in text and not os.path.exists(text):
        where, attr = text.rsplit(":", 1)
        if not attr.isidentifier():
            raise UsageError(f"{attr!r} in {text!r} is not a function name")
        if where.endswith(".py") or os.sep in where:
            return Target("factory", _existing(where), attr=attr)
        return Target("factory", None, module=where, attr=attr)
    path = _existing(text)
    if path.endswith(".ipynb"):
        return Target("notebook", path)
    return Target("script", path)


def _existing(path: str) -> str:
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file")
    return os.path.abspath(path)


# ---------------------------------------------------------------- running, in the child


def run_script(path: str, args: list[str]) -> None:
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(path)
    runpy.run_path(path, run_name="__main__")


def notebook_cells(path: str) -> list[tuple[int, str]]:
    """(cell number, source) of each code cell, 1-based over all cells, magics blanked."""
    with open(path, encoding="utf-8") as handle:
        notebook = json.load(handle)
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if text.lstrip().startswith("%%"):
            continue  # a cell magic: the whole cell is not Python
        cells.append((number, "\n".join(_blank_magic(line) for line in text.split("\n"))))
    return cells


def _blank_magic(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!")):
        # Keep the line (numbers stay right) and the indentation (blocks stay valid).
        return line[: len(line) - len(stripped)] + "pass"
    return line


def run_notebook(path: str) -> None:
    locations.notebook_path = path
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": path}
    for number, source in notebook_cells(path):
        filename = locations.cell_filename(number)
        lines = source.splitlines(keepends=True)
        linecache.cache[filename] = (len(source), None, lines, filename)
        exec(compile(source, filename, "exec"), namespace)


def load_factory(target: Target) -> Any:
    if target.path is not None:
        directory = os.path.dirname(target.path)
        sys.path[0] = directory
        name = os.path.splitext(os.path.basename(target.path))[0]
        spec = importlib.util.spec_from_file_location(name, target.path)
        if spec is None or spec.loader is None:
            raise UsageError(f"{target.path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    else:
        sys.path[0] = os.getcwd()
        try:
            module = importlib.import_module(str(target.module))
        except ModuleNotFoundError as error:
            if error.name and str(target.module).startswith(error.name):
                raise UsageError(f"no module named {target.module!r}") from None
            raise
    factory = getattr(module, str(target.attr), None)
    if not callable(factory):
        raise UsageError(f"{target.display}: {target.attr!r} is not a function of the module")
    return factory
