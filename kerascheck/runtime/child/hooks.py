"""Run a callback right after a module is first imported, so Keras is instrumented only when
the user's code imports it (and after the code has chosen its backend)."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

Callback = Callable[[ModuleType], None]


class _Loader(importlib.abc.Loader):
    """The module's own loader, then the callback."""

    def __init__(self, inner: Any, after: Callback) -> None:
        self.inner = inner
        self.after = after

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        # Other code asks the module's loader for resources: show it the real one.
        module.__loader__ = self.inner
        if module.__spec__ is not None:
            module.__spec__.loader = self.inner
        self.inner.exec_module(module)
        self.after(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.waiting: dict[str, list[Callback]] = {}
        self._looking: set[str] = set()

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.waiting or fullname in self._looking:
            return None
        self._looking.add(fullname)
        try:
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
            else:
                return None
        finally:
            self._looking.discard(fullname)
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        callbacks = self.waiting.pop(fullname)
        spec.loader = _Loader(spec.loader, lambda module: _call_all(callbacks, module))
        return spec


class HookError(Exception):
    """Raised by a callback to fail the import itself (a GPU asked for and not there)."""


failures: list[str] = []


def _call_all(callbacks: list[Callback], module: ModuleType) -> None:
    for callback in callbacks:
        try:
            callback(module)
        except HookError:
            raise
        except Exception as error:  # instrumentation that fails must not fail the user's import
            failures.append(
                f"instrumenting {module.__name__} failed: {type(error).__name__}: {error}"
            )


_finder = _Finder()


def after_import(name: str, callback: Callback) -> None:
    """Call `callback(module)` once `name` has been imported (now, if it already has)."""
    if name in sys.modules:
        callback(sys.modules[name])
        return
    _finder.waiting.setdefault(name, []).append(callback)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
