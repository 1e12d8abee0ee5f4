"""Writes into the user's folders go to the run's scratch folder; reads of them come back from it."""

from __future__ import annotations

import builtins
import functools
import io
import os
import shutil
import stat
from collections.abc import Callable
from typing import Any

# Never redirected: devices and kernel views are not files of the user's.
SYSTEM = ("/dev/", "/proc/", "/sys/")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class Scratch:
    """Maps a path under a protected folder to the same path under the scratch folder."""

    def __init__(self, scratch: str, protected: list[str], excluded: list[str]) -> None:
        self.scratch = os.path.abspath(scratch)
        self.protected = [os.path.abspath(p) for p in protected]
        self.excluded = [os.path.abspath(p) for p in excluded] + [self.scratch]
        # (what the code asked for, where it went): the report lists them.
        self.redirected: dict[str, str] = {}

    def _covered(self, absolute: str) -> bool:
        if absolute.startswith(SYSTEM):
            return False
        if any(absolute == e or absolute.startswith(e + os.sep) for e in self.excluded):
            return False
        return any(absolute == p or absolute.startswith(p + os.sep) for p in self.protected)

    def _shadow(self, absolute: str) -> str:
        return os.path.join(self.scratch, absolute.lstrip(os.sep))

    def for_write(self, path: Any, keep_content: bool = False) -> Any:
        """Where a write to `path` goes; the original's content is copied first when kept."""
        absolute = _absolute(path)
        if absolute is None or not self._covered(absolute):
            return path
        shadow = self._shadow(absolute)
        if _kind(shadow) is None:
            _real_makedirs(os.path.dirname(shadow), exist_ok=True)
            if keep_content and _kind(absolute) == "file":
                with _real_open(absolute, "rb") as source, _real_open(shadow, "wb") as copy:
                    shutil.copyfileobj(source, copy)
        self.redirected.setdefault(absolute, shadow)
        return shadow

    def for_read(self, path: Any) -> Any:
        """What this run wrote at `path`, or `path` itself when it wrote nothing there."""
        absolute = _absolute(path)
        if absolute is None or not self._covered(absolute):
            return path
        shadow = self._shadow(absolute)
        found = _kind(shadow)
        # A folder in both places reads as the user's (listdir merges them): scandir and glob
        # must still see the user's files once the run has written one file beside them.
        if found == "file" or (found == "dir" and _kind(absolute) is None):
            return shadow
        return path

    def shadow_of(self, path: Any) -> str | None:
        absolute = _absolute(path)
        if absolute is None or not self._covered(absolute):
            return None
        return self._shadow(absolute)


def _absolute(path: Any) -> str | None:
    if isinstance(path, int) or not isinstance(path, (str, bytes, os.PathLike)):
        return None  # file descriptors and file objects pass unchanged
    text = os.fsdecode(os.fspath(path))
    return os.path.abspath(text) if text else None


_real_open = io.open
_real_makedirs = os.makedirs
_real_lstat = os.lstat
_real_listdir = os.listdir


def _kind(path: str) -> str | None:
    try:
        mode = _real_lstat(path).st_mode
    except OSError:
        return None
    return "dir" if stat.S_ISDIR(mode) else "file"


active: Scratch | None = None


def install(scratch: str, protected: list[str], excluded: list[str]) -> Scratch:
    """Patch the Python-level file functions; C-level writers (HDF5, TensorFlow's file
    system) are redirected at their Keras and TensorFlow entry points instead."""
    global active
    active = Scratch(scratch, protected, excluded)
    state = active
    opener = _open(builtins.open, state)
    builtins.open = opener
    io.open = opener
    os.open = _os_open(os.open, state)
    for name in ("mkdir", "chmod", "utime", "truncate"):
        _wrap_one(name, state)
    for name in ("rmdir", "remove", "unlink"):
        _wrap_removal(name, state)
    os.listdir = _listdir(state)
    for name in ("rename", "replace"):
        _wrap_two(name, state)
    for name in ("stat", "lstat", "scandir", "access"):
        _wrap_read(name, state)
    return state


def _open(original: Callable[..., Any], state: Scratch) -> Callable[..., Any]:
    @functools.wraps(original)
    def opened(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            file = state.for_write(file, keep_content="a" in mode or "+" in mode)
        else:
            file = state.for_read(file)
        return original(file, mode, *args, **kwargs)

    return opened


def _os_open(original: Callable[..., Any], state: Scratch) -> Callable[..., Any]:
    @functools.wraps(original)
    def opened(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("dir_fd") is None:
            if flags & WRITE_FLAGS:
                path = state.for_write(path, keep_content=not flags & os.O_TRUNC)
            else:
                path = state.for_read(path)
        return original(path, flags, *args, **kwargs)

    return opened


def _wrap_one(name: str, state: Scratch) -> None:
    original = getattr(os, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def changed(path: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("dir_fd") is None:
            path = state.for_write(path, keep_content=name in ("chmod", "utime", "truncate"))
        return original(path, *args, **kwargs)

    setattr(os, name, changed)


def _wrap_two(name: str, state: Scratch) -> None:
    original = getattr(os, name)

    @functools.wraps(original)
    def moved(source: Any, target: Any, *args: Any, **kwargs: Any) -> Any:
        if not kwargs:
            source = state.for_write(source, keep_content=True)
            target = state.for_write(target)
        return original(source, target, *args, **kwargs)

    setattr(os, name, moved)


def _wrap_read(name: str, state: Scratch) -> None:
    original = getattr(os, name)

    @functools.wraps(original)
    def read(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("dir_fd") is None:
            path = state.for_read(path)
        return original(path, *args, **kwargs)

    setattr(os, name, read)


def _wrap_removal(name: str, state: Scratch) -> None:
    original = getattr(os, name)

    @functools.wraps(original)
    def removed(path: Any, *args: Any, **kwargs: Any) -> Any:
        shadow = state.shadow_of(path) if kwargs.get("dir_fd") is None else None
        if shadow is None:
            return original(path, *args, **kwargs)
        if _kind(shadow) is None:
            return None  # the user's own file stays; the run goes on as if it were gone
        return original(shadow, *args, **kwargs)

    setattr(os, name, removed)


def _listdir(state: Scratch) -> Callable[..., Any]:
    @functools.wraps(_real_listdir)
    def listed(path: Any = ".") -> Any:
        shadow = state.shadow_of(path)
        if shadow is None or _kind(shadow) != "dir":
            return _real_listdir(path)
        if _kind(os.path.abspath(os.fsdecode(path))) != "dir":
            return _real_listdir(shadow)
        names = _real_listdir(path)
        seen = set(names)
        return names + [n for n in _real_listdir(shadow) if n not in seen]

    return listed
