"""Other modules of the same project: find an imported module's file and parse its outline once."""

from __future__ import annotations

import io
import os
import re
import sys
import tokenize
from collections import OrderedDict
from dataclasses import dataclass, field

import libcst as cst

from kerascheck.read.cst_fields import child_nodes
from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.read.module_outline import outline
from kerascheck.read.parsing import parse_source

# What marks the root of a project (the folder imports are also resolved from).
_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

# A module read through an import is project code, not generated data: smaller than a checked file.
_MAX_MODULE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Stamp:
    """What a result that used another file depends on: its path, size and modification time."""

    path: str
    size: int
    mtime_ns: int


@dataclass(eq=False)
class ParsedModule:
    """A module read through an import: its outline parsed, each function when first needed."""

    path: str
    stamp: Stamp
    # The outline: the module's imports and assignments, and a stub for each function.
    module: cst.Module
    # The source of each function the stubs stand for, in order (empty: no stubs).
    function_sources: list[str] = field(default_factory=list)
    _functions: dict[int, cst.FunctionDef | None] = field(default_factory=dict)
    # The trees read so far (the outline, then each function parsed), and the ids of each
    # one's nodes, collected when a finding is placed: a function parsed later adds its own
    # ids, and those of the others are not collected again.
    _trees: list[cst.CSTNode] = field(default_factory=list)
    _node_ids: list[set[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._trees.append(self.module)

    def function(self, index: int) -> cst.FunctionDef | None:
        """The `index`-th function of the module, parsed once; None when it does not parse."""
        if index not in self._functions:
            node: cst.FunctionDef | None = None
            try:
                body = parse_source(self.function_sources[index]).body
            except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, ValueError):
                body = []
            if len(body) == 1 and isinstance(body[0], cst.FunctionDef):
                node = body[0]
                self._trees.append(node)
            self._functions[index] = node
        return self._functions[index]

    def __contains__(self, node_id: object) -> bool:
        """Whether the node with this id belongs to this module (as far as it was read)."""
        while len(self._node_ids) < len(self._trees):
            self._node_ids.append(node_ids(self._trees[len(self._node_ids)]))
        return any(node_id in ids for ids in self._node_ids)


# Parsed modules by absolute path for the life of the process (a run; a worker), the most
# recently used last, parsed again when the file's stamp changes (`check --watch`). None: the
# file does not parse. Bounded: a libcst tree is many times its file's size, and a run
# checks thousands of files (an outline, with the functions called so far, is a fraction).
_PARSED: OrderedDict[str, tuple[Stamp, ParsedModule | None]] = OrderedDict()
_MAX_PARSED = 128
_ROOTS: dict[str, str] = {}


def stamp(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return Stamp(path, info.st_size, info.st_mtime_ns)


def project_root(folder: str) -> str:
    """The nearest folder at or above `folder` with a project marker, else `folder`."""
    cached = _ROOTS.get(folder)
    if cached is not None:
        return cached
    current = folder
    root = folder
    while True:
        if any(os.path.lexists(os.path.join(current, m)) for m in _ROOT_MARKERS):
            root = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    _ROOTS[folder] = root
    return root


def _candidates(base: str, dotted: str) -> list[str]:
    parts = [p for p in dotted.split(".") if p]
    if not parts:
        return [os.path.join(base, "__init__.py")]
    stem = os.path.join(base, *parts)
    return [stem + ".py", os.path.join(stem, "__init__.py")]


# Libraries no project shadows: their imports are never looked for among the project's files
# (most imports of a Keras script are of these; each look costs several file-system calls).
_LIBRARIES = frozenset(sys.stdlib_module_names) | frozenset(
    {
        "keras",
        "tensorflow",
        "tf_keras",
        "numpy",
        "pandas",
        "scipy",
        "sklearn",
        "matplotlib",
        "seaborn",
        "torch",
        "jax",
        "cv2",
        "PIL",
        "tqdm",
        "h5py",
        "IPython",
        "google",
        "absl",
        "tensorflow_datasets",
        "tensorflow_hub",
        "tensorboard",
        "skimage",
        "plotly",
        "requests",
    }
)


def is_library(dotted: str, level: int) -> bool:
    """Whether an import names a library no project shadows (never looked for in the project)."""
    return not level and dotted.split(".", 1)[0] in _LIBRARIES


# Where each imported module is and whether a name is a package, by (the importing file's
# folder, name, level), for one run: every file of a folder asks the same questions, each
# answered by several file-system calls. `forget_files` starts each run afresh (`--watch`).
_FOUND: dict[tuple[str, str, int], str | None] = {}
_PACKAGES: dict[tuple[str, str, int], bool] = {}
# An importing file -> its folder, or None when it is not a file (standard input).
_FOLDERS: dict[str, str | None] = {}


def forget_files() -> None:
    """Forget where modules were found: files may have come or gone since the last run."""
    _FOUND.clear()
    _PACKAGES.clear()
    _FOLDERS.clear()


def _folder_of(importer: str) -> str | None:
    if importer not in _FOLDERS:
        is_file = bool(importer) and os.path.isfile(importer)
        _FOLDERS[importer] = os.path.dirname(os.path.abspath(importer)) if is_file else None
    return _FOLDERS[importer]


def find_module(importer: str, dotted: str, level: int = 0) -> str | None:
    """The file of module `dotted` imported from the file `importer` (`level` dots of a
    relative import): for an absolute import the importer's folder, then the project root,
    then its `src/`; None when no such file is there (a library, or not found)."""
    folder = None if is_library(dotted, level) else _folder_of(importer)
    if folder is None:
        return None
    key = (folder, dotted, level)
    if key not in _FOUND:
        _FOUND[key] = _find_module(folder, dotted, level)
    return _FOUND[key]


def _find_module(folder: str, dotted: str, level: int) -> str | None:
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        bases = [folder]
    else:
        root = project_root(folder)
        bases = list(dict.fromkeys([folder, root, os.path.join(root, "src")]))
    for base in bases:
        for path in _candidates(base, dotted):
            if os.path.isfile(path):
                return path
    return None


def is_package_folder(importer: str, dotted: str, level: int = 0) -> bool:
    """Whether `dotted` names a folder of modules (a package, or a namespace package)."""
    folder = None if is_library(dotted, level) else _folder_of(importer)
    if folder is None:
        return False
    key = (folder, dotted, level)
    if key not in _PACKAGES:
        _PACKAGES[key] = _is_package_folder(importer, folder, dotted, level)
    return _PACKAGES[key]


def _is_package_folder(importer: str, folder: str, dotted: str, level: int) -> bool:
    found = find_module(importer, dotted, level)
    if found is not None and found.endswith("__init__.py"):
        return True
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        return os.path.isdir(os.path.join(folder, *dotted.split("."))) if dotted else True
    root = project_root(folder)
    return any(
        os.path.isdir(os.path.join(base, *dotted.split(".")))
        for base in dict.fromkeys([folder, root, os.path.join(root, "src")])
    )


def parsed_module(path: str) -> ParsedModule | None:
    """The module in `path` parsed (once while its stamp holds); None when it cannot be read,
    decoded or parsed. Nothing in it is imported or run."""
    current = stamp(path)
    if current is None:
        return None
    cached = _PARSED.get(path)
    if cached is not None and cached[0] == current:
        _PARSED.move_to_end(path)
        return cached[1]
    parsed = _parse(path, current)
    _PARSED[path] = (current, parsed)
    _PARSED.move_to_end(path)
    while len(_PARSED) > _MAX_PARSED:
        _PARSED.popitem(last=False)
    return parsed


# A module whose text has none of these builds no model and seeds nothing: beyond a small
# one (constants, `config.py`), it is not parsed.
_WORTH_READING = (b"keras", b"tensorflow", b"seed")
_SMALL_MODULE_BYTES = 4096


def _parse(path: str, current: Stamp) -> ParsedModule | None:
    try:
        data = read_source(path, _MAX_MODULE_BYTES)
        if len(data) > _SMALL_MODULE_BYTES and not any(w in data for w in _WORTH_READING):
            return None
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding).removeprefix("\ufeff")
        visible, functions = outline(text)
        module = parse_source(visible)
    except (OSError, SourceUnreadable, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, ValueError):
        return None
    return ParsedModule(path, current, module, functions)


def node_ids(module: cst.CSTNode) -> set[int]:
    ids: set[int] = set()
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        ids.add(id(node))
        pending.extend(child_nodes(node))
    return ids


# `import a.b as c`, `from .a import b, c`: the modules a file may import, found in its text
# before it is parsed (a file that never names Keras is otherwise not parsed at all).
_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w, \t*]+)|import[ \t]+([\w.]+))",
    re.MULTILINE,
)


def imports_project_module(data: bytes, path: str, keywords: tuple[bytes, ...]) -> bool:
    """Whether the source imports a module of the project whose text holds one of `keywords`
    (a training script that imports its Keras model from `models.py`)."""
    if not os.path.isfile(path) or b"import" not in data:
        return False
    for found in _IMPORT_LINE.finditer(data):
        dots, module, names, plain = (
            g.decode("ascii", "replace") if g else "" for g in found.groups()
        )
        level = len(dots)
        wanted = [plain] if plain else [module] if module else []
        if not plain:
            prefix = f"{module}." if module else ""
            wanted += [prefix + n.strip() for n in names.split(",") if n.strip() not in ("", "*")]
        for dotted in wanted:
            target = find_module(path, dotted, level)
            if target is not None and _mentions(target, keywords):
                return True
    return False


def _mentions(path: str, keywords: tuple[bytes, ...]) -> bool:
    try:
        data = read_source(path, _MAX_MODULE_BYTES)
    except (OSError, SourceUnreadable):
        return False
    return any(word in data for word in keywords)
