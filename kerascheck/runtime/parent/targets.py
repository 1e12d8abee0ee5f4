"""What `kerascheck run` can run: a script, a notebook, or a factory named `file.py:function`."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kerascheck.runtime.protocol import UsageError

__all__ = ["Target", "UsageError", "parse_target"]


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
