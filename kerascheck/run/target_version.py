"""Which Keras a project targets (keras2 or keras3), inferred from what the project declares."""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kerascheck.read.file_bytes import SourceUnreadable, read_source

KERAS2 = "keras2"
KERAS3 = "keras3"
TARGET_VERSIONS = (KERAS2, KERAS3)
# With nothing declared: most Keras code in the wild targets Keras 2 (`tf.keras` up to
# TF 2.15), and the Keras 3 migration rules are what a team turns on when it moves.
DEFAULT_TARGET = KERAS2
DEFAULT_SOURCE = "default (nothing in the project declares a Keras version)"

# Files that mark a project's root folder; the search for declarations stops there.
_ROOT_MARKERS = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "environment.yml",
    "environment.yaml",
    ".git",
)
_REQUIREMENTS = re.compile(r"^requirements.*\.(txt|in)$", re.IGNORECASE)
# TensorFlow releases from 2.16 on ship Keras 3 as `tf.keras`.
_TF_KERAS3 = (2, 16)
_TF_PACKAGES = frozenset(
    {"tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"}
)
_LEGACY_PACKAGES = frozenset({"tf-keras", "tf_keras"})
# Code that asks for Keras 2 whatever TensorFlow is installed.
_LEGACY_CODE = re.compile(
    rb"TF_USE_LEGACY_KERAS[\"']?\s*\]?\s*[=,:]\s*[\"']?(1|[Tt]rue)\b"
    rb"|^\s*(import\s+tf_keras|from\s+tf_keras\b)",
    re.MULTILINE,
)
_CODE_FILES_SCANNED = 2000
_SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "env", "node_modules", "__pycache__", "build", "dist", ".tox"}
)


@dataclass(frozen=True)
class Target:
    """The Keras version in force and where that came from (a file, a setting, the default)."""

    version: str
    source: str


_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*((?:[<>=!~^]=?=?\s*[\w.*+!-]+\s*,?\s*)*)"
)
_CLAUSE = re.compile(r"(===|==|~=|!=|<=|>=|<|>|=|\^|~)\s*([0-9][\w.*+!-]*)")


def _version(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def _bounds(spec: str) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None, bool]:
    """(lowest allowed, first excluded, upper inclusive) of a version specifier."""
    lower: tuple[int, ...] | None = None
    upper: tuple[int, ...] | None = None
    inclusive = False
    for op, text in _CLAUSE.findall(spec):
        version = _version(text)
        if not version:
            continue
        if op in ("==", "===", "="):
            if text.endswith("*") or (len(version) < 3 and op == "="):
                # `2.15.*`, conda's `2.15`: every release of that series.
                lower, upper, inclusive = version, (*version[:-1], version[-1] + 1), False
            else:
                lower, upper, inclusive = version, version, True
        elif op in ("~=", "~", "^"):
            lower = version
            if op == "^":
                upper = (version[0] + 1,) if version[0] else (0, version[1] + 1)
            elif op == "~" and len(version) >= 2:
                upper = (version[0], version[1] + 1)
            else:
                upper = (*version[:-2], version[-2] + 1) if len(version) >= 2 else None
            inclusive = False
        elif op in (">=", ">"):
            lower = version
        elif op in ("<", "<="):
            upper, inclusive = version, op == "<="
    return lower, upper, inclusive


def _judge(package: str, spec: str) -> str | None:
    """keras2 / keras3 for one requirement that settles it, None when it does not."""
    name = package.lower().replace("_", "-")
    if name in _LEGACY_PACKAGES:
        return KERAS2
    line: tuple[int, ...]
    if name == "keras":
        line = (3,)
    elif name in _TF_PACKAGES:
        line = _TF_KERAS3
    else:
        return None
    lower, upper, inclusive = _bounds(spec)
    if upper is not None and (
        _pad(upper) < _pad(line) or (_pad(upper) == _pad(line) and not inclusive)
    ):
        return KERAS2
    if lower is not None and _pad(lower) >= _pad(line):
        return KERAS3
    return None


def _pad(version: tuple[int, ...]) -> tuple[int, ...]:
    return (*version, *(0,) * (4 - len(version)))


def judge_requirements(requirements: Iterable[str]) -> str | None:
    """The version a list of requirement strings settles: a Keras pin wins over TensorFlow's."""
    verdict = _judge_all(requirements)
    return verdict[0] if verdict is not None else None


def _judge_all(requirements: Iterable[str]) -> tuple[str, str] | None:
    """(version, what settled it: "legacy", "keras" or "tf")."""
    verdicts: dict[str, str] = {}
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match is None:
            continue
        package, spec = match.group(1), match.group(2) or ""
        verdict = _judge(package, spec)
        if verdict is None:
            continue
        name = package.lower().replace("_", "-")
        kind = "legacy" if name in _LEGACY_PACKAGES else "keras" if name == "keras" else "tf"
        verdicts.setdefault(kind, verdict)
    for kind in ("legacy", "keras", "tf"):
        if kind in verdicts:
            return verdicts[kind], kind
    return None


# ---------------------------------------------------------------- declaration files


def _read(path: str) -> str:
    # Regular files only, capped: a FIFO named pyproject.toml must not stop the run.
    try:
        return read_source(path).decode("utf-8", errors="replace")
    except (OSError, SourceUnreadable):
        return ""


def _requirements_file(path: str) -> list[str]:
    lines = []
    for line in _read(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            lines.append(line)
    return lines


def _pyproject(path: str) -> list[str]:
    import tomllib

    try:
        data = tomllib.loads(_read(path))
    except ValueError:
        return []
    out: list[str] = []
    project = data.get("project", {})
    if isinstance(project, dict):
        out += [d for d in project.get("dependencies", []) if isinstance(d, str)]
        extras = project.get("optional-dependencies", {})
        if isinstance(extras, dict):
            for items in extras.values():
                out += [d for d in items if isinstance(d, str)] if isinstance(items, list) else []
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    if isinstance(poetry, dict):
        groups = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
        for group in (
            poetry.get("group", {}).values() if isinstance(poetry.get("group"), dict) else []
        ):
            if isinstance(group, dict):
                groups.append(group.get("dependencies", {}))
        for deps in groups:
            if not isinstance(deps, dict):
                continue
            for name, spec in deps.items():
                if isinstance(spec, dict):
                    spec = spec.get("version", "")
                if isinstance(spec, str):
                    out.append(f"{name}{'' if spec == '*' else spec}")
    return out


def _setup_cfg(path: str) -> list[str]:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(_read(path))
    except configparser.Error:
        return []
    out: list[str] = []
    if parser.has_option("options", "install_requires"):
        out += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            out += value.splitlines()
    return [line.strip() for line in out if line.strip()]


def _setup_py(path: str) -> list[str]:
    # Requirement-looking string literals; setup.py is never run.
    return re.findall(r"""["']([A-Za-z][\w.-]*\s*[<>=!~][^"']*)["']""", _read(path))


def _environment_yml(path: str) -> list[str]:
    out = []
    for line in _read(path).splitlines():
        item = re.match(r"^\s*-\s*([A-Za-z][^\s#]*(?:\s*[<>=!~][^\s#]*)?)", line)
        if item:
            # Conda channels (`conda-forge::tensorflow=2.15`) and single `=` pins.
            out.append(item.group(1).split("::")[-1])
    return out


def _declarations(folder: str) -> list[tuple[str, list[str]]]:
    """(file, requirement strings) for each declaration file of a project root folder."""
    found: list[tuple[str, list[str]]] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        path = os.path.join(folder, name)
        if name == "pyproject.toml":
            found.append((path, _pyproject(path)))
        elif name == "setup.cfg":
            found.append((path, _setup_cfg(path)))
        elif name == "setup.py":
            found.append((path, _setup_py(path)))
        elif name in ("environment.yml", "environment.yaml"):
            found.append((path, _environment_yml(path)))
        elif _REQUIREMENTS.match(name) and os.path.isfile(path):
            found.append((path, _requirements_file(path)))
        elif name == "requirements" and os.path.isdir(path):
            for inner in sorted(os.listdir(path)):
                if inner.endswith((".txt", ".in")):
                    full = os.path.join(path, inner)
                    found.append((full, _requirements_file(full)))
    return found


def _legacy_code(root: str) -> str | None:
    """A code file of the project that asks for Keras 2 (`tf_keras`, `TF_USE_LEGACY_KERAS`)."""
    scanned = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith((".py", ".ipynb", ".env")) and name != ".env":
                continue
            scanned += 1
            if scanned > _CODE_FILES_SCANNED:
                return None
            path = os.path.join(folder, name)
            try:
                data = read_source(path)
            except (OSError, SourceUnreadable):
                continue
            if _LEGACY_CODE.search(data):
                return path
    return None


def project_root(folder: str, memo: dict[str, str | None] | None = None) -> str | None:
    """The nearest folder at or above `folder` that holds a project marker or requirements.

    `memo` (folder -> answer) is filled for every folder passed on the way up: the files of
    a run share their ancestors, and each step lists a folder."""
    folder = os.path.abspath(folder)
    memo = {} if memo is None else memo
    visited: list[str] = []
    root: str | None = None
    while True:
        if folder in memo:
            root = memo[folder]
            break
        visited.append(folder)
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        if any(n in _ROOT_MARKERS or _REQUIREMENTS.match(n) for n in names):
            root = folder
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for seen in visited:
        memo[seen] = root
    return root


def infer(folder: str, roots: dict[str, str | None] | None = None) -> Target:
    """The target version of the project holding `folder`, and the file that declares it
    (`roots`: project_root's memo, for a run)."""
    root = project_root(folder, roots)
    if root is None:
        return Target(DEFAULT_TARGET, DEFAULT_SOURCE)
    for path, requirements in _declarations(root):
        verdict = _judge_all(requirements)
        if verdict is None:
            continue
        version, kind = verdict
        if kind == "tf" and version == KERAS3:
            # TensorFlow 2.16+ still gives Keras 2 to code that asks for tf_keras.
            legacy = _legacy_code(root)
            if legacy is not None:
                return Target(KERAS2, f"inferred from {legacy} (tf_keras / TF_USE_LEGACY_KERAS)")
        return Target(version, f"inferred from {path}")
    return Target(DEFAULT_TARGET, DEFAULT_SOURCE)
