"""A content-hash cache of file results in `.kerascheck_cache/`: unchanged files are not re-checked."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
from typing import TYPE_CHECKING, Any

import kerascheck
from kerascheck import __version__
from kerascheck.model.results import (
    Applicability,
    Diagnostic,
    FileError,
    FileResult,
    Severity,
    TextEdit,
    TextFix,
)

if TYPE_CHECKING:
    from kerascheck.model.settings import Settings

CACHE_DIR = ".kerascheck_cache"
# A cached result is only as good as the code that made it: the key includes the stamp of
# every module of kerascheck and of its rules, so an edited rule in a dev install is re-run.
_FORMAT = 3


def _code_stamp() -> str:
    rules = importlib.import_module("kerascheck.rules")
    parts: list[str] = []
    for root in [*kerascheck.__path__, *rules.__path__]:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                # Code and the data tables it reads (the Keras API name list, for one).
                if name.endswith((".py", ".txt", ".json")):
                    path = os.path.join(folder, name)
                    try:
                        stat = os.stat(path)
                    except OSError:
                        continue
                    parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def settings_fingerprint(settings: Settings) -> str:
    """Everything in the settings that changes results (not verbosity)."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(settings):
        if item.name == "verbose":
            continue
        value = getattr(settings, item.name)
        if item.name == "rules":
            value = [rule.code for rule in value]
        values[item.name] = value
    return json.dumps(values, sort_keys=True, default=repr)


class Cache:
    """Entries are JSON files named by a blake2b key of (version, code, settings, path, bytes)."""

    def __init__(self, root: str) -> None:
        # `root` is the cache folder itself (`.kerascheck_cache` or a `--cache-dir`).
        self.root = root
        self.folder = os.path.join(self.root, f"v{__version__}")
        self._salt: bytes | None = None
        self._fingerprints: dict[int, str] = {}

    def key(self, data: bytes, path: str, settings: Settings) -> str:
        # Imported here to keep start-up fast: a run of one file never hashes.
        from hashlib import blake2b

        if self._salt is None:
            self._salt = f"{_FORMAT}\n{__version__}\n{_code_stamp()}".encode()
        fingerprint = self._fingerprints.get(id(settings))
        if fingerprint is None:
            fingerprint = self._fingerprints[id(settings)] = settings_fingerprint(settings)
        digest = blake2b(self._salt, digest_size=20)
        digest.update(fingerprint.encode())
        # The path too: a rule may one day read it, and a wrong hit would be silent.
        digest.update(b"\0" + os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key + ".json")

    def get(self, key: str, path: str) -> FileResult | None:
        """The cached result, or None when absent or unreadable (then it is recomputed)."""
        try:
            with open(self._entry(key), encoding="utf-8") as handle:
                stored = json.load(handle)
            if stored.get("key") != key:
                return None
            result = _decode(stored, path)
            # A result read through other project files holds only while they are unchanged.
            if not all(_unchanged(*used) for used in result.used_files):
                return None
            return result
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, result: FileResult) -> None:
        # A rule that crashed is not remembered: the next run must try (and report) it again.
        if any(error.internal for error in result.errors):
            return
        entry = self._entry(key)
        try:
            os.makedirs(os.path.dirname(entry), exist_ok=True)
            self._mark_root()
            temporary = f"{entry}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(_encode(key, result), handle)
            # Atomic: a reader sees the old entry, the new one, or none; never half a file.
            os.replace(temporary, entry)
        except OSError:
            pass  # a read-only tree still gets checked, only not cached

    def _mark_root(self) -> None:
        """Keep the cache out of git and out of backups."""
        ignore = os.path.join(self.root, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# Created by kerascheck.\n*\n")
            with open(os.path.join(self.root, "CACHEDIR.TAG"), "w", encoding="utf-8") as handle:
                handle.write("Signature: 8a477f597d28d172789f06886806bc55\n# kerascheck cache\n")


def _encode_diagnostic(d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        edits = [[e.start, e.end, e.content] for e in d.fix.edits]
        fix = [d.fix.applicability.value, d.fix.description, edits, d.fix.problem]
    return {
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "fix": fix,
        "cell": d.cell,
    }


def _decode_diagnostic(raw: dict[str, Any], path: str) -> Diagnostic:
    fix = raw["fix"]
    return Diagnostic(
        path=path,
        line=int(raw["line"]),
        column=int(raw["column"]),
        end_line=int(raw["end_line"]),
        end_column=int(raw["end_column"]),
        code=str(raw["code"]),
        name=str(raw["name"]),
        severity=Severity(raw["severity"]),
        message=str(raw["message"]),
        fix=None if fix is None else _decode_fix(fix),
        cell=None if raw["cell"] is None else int(raw["cell"]),
    )


def _decode_fix(raw: list[Any]) -> TextFix:
    applicability, description, edits, problem = raw
    return TextFix(
        Applicability(applicability),
        str(description),
        tuple(TextEdit(int(a), int(b), str(c)) for a, b, c in edits),
        None if problem is None else str(problem),
    )


def _encode(key: str, result: FileResult) -> dict[str, Any]:
    return {
        "key": key,
        "parsed": result.parsed,
        "checked": result.checked,
        "diagnostics": [_encode_diagnostic(d) for d in result.diagnostics],
        "suppressed": [_encode_diagnostic(d) for d in result.suppressed],
        "errors": [
            {"message": e.message, "line": e.line, "column": e.column, "cell": e.cell}
            for e in result.errors
        ],
        "used_files": [list(used) for used in result.used_files],
    }


def _decode(stored: dict[str, Any], path: str) -> FileResult:
    errors = [
        FileError(
            path,
            str(e["message"]),
            None if e["line"] is None else int(e["line"]),
            None if e["column"] is None else int(e["column"]),
            None if e["cell"] is None else int(e["cell"]),
        )
        for e in stored["errors"]
    ]
    parsed, checked = stored["parsed"], stored["checked"]
    if not isinstance(parsed, bool) or not isinstance(checked, bool):
        raise TypeError("parsed")
    return FileResult(
        path=path,
        diagnostics=[_decode_diagnostic(d, path) for d in stored["diagnostics"]],
        errors=errors,
        suppressed=[_decode_diagnostic(d, path) for d in stored["suppressed"]],
        parsed=parsed,
        checked=checked,
        used_files=[(str(p), int(size), int(mtime)) for p, size, mtime in stored["used_files"]],
    )


def _unchanged(path: str, size: int, mtime_ns: int) -> bool:
    try:
        info = os.stat(path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) == (size, mtime_ns)


# What marks the root of a project: the cache goes next to the nearest one.
PROJECT_MARKERS = ("kerascheck.toml", "pyproject.toml", "setup.cfg", "setup.py", ".git")


def _within(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive on Windows
        return False


def cache_dir_for(paths: list[str], cwd: str | None = None) -> str:
    """`.kerascheck_cache` at the root of the project that holds the checked paths.

    The root is the nearest folder with a project marker at or above the folders of the
    paths, searched no higher than the named folder itself, or than the working folder when
    that holds them (the user works in that project). So the cache never lands in an
    unrelated working folder, nor above what the user named.
    """
    cwd = os.path.abspath(cwd or os.getcwd())
    folders = [
        os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
        for p in paths
    ] or [cwd]
    try:
        base = os.path.commonpath(folders)
    except ValueError:  # paths on several drives
        base = folders[0]
    stop = cwd if _within(base, cwd) else base
    current = base
    while True:
        if any(os.path.lexists(os.path.join(current, m)) for m in PROJECT_MARKERS):
            return os.path.join(current, CACHE_DIR)
        parent = os.path.dirname(current)
        if current == stop or parent == current:
            return os.path.join(stop, CACHE_DIR)
        current = parent


def default_cache_dir(start: str) -> str:
    """The cache of a run over `start` from `start` (what `kerascheck clean` removes)."""
    return cache_dir_for([start], start)


def clean(folder: str) -> bool:
    """Remove a cache folder; True when there was one. Only a folder kerascheck made is removed."""
    marker = os.path.join(folder, ".gitignore")
    if os.path.islink(folder) or not os.path.isfile(marker):
        return False
    with open(marker, encoding="utf-8", errors="replace") as handle:
        if "Created by kerascheck" not in handle.read():
            return False
    shutil.rmtree(folder)
    return True
