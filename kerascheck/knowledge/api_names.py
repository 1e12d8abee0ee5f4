"""Which dotted names Keras 3 has, from the checked-in name list; Keras itself is never imported."""

from __future__ import annotations

import difflib
import functools
import os
from dataclasses import dataclass
from typing import Literal

from kerascheck.knowledge import keras3_removals as migrations
from kerascheck.knowledge.spellings import keras_path

TF_VIEW = "keras._tf_keras.keras"

# Which public tree a spelling reaches: `import keras`, `tf.keras`, or either (spelling lost).
View = Literal["keras", "tf", "any"]

# Import roots whose names are not Keras 3's public API: judging them would be guessing.
_OTHER_KERAS = ("tf_keras", "tensorflow.python.keras", "keras.src")


@dataclass(frozen=True)
class ApiNames:
    native: frozenset[str]
    tf_only: frozenset[str]
    modules: frozenset[str]


@functools.cache
def api() -> ApiNames:
    """The names in kerascheck/knowledge/data/keras_api.txt, read once."""
    # Next to this module (the wheel ships data/); importlib.resources would cost start-up time.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "keras_api.txt")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    native: set[str] = set()
    tf_only: set[str] = set()
    for line in text.splitlines():
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        if name.startswith(TF_VIEW + "."):
            tf_only.add("keras" + name[len(TF_VIEW) :])
        else:
            native.add(name)
    modules = {n.rsplit(".", 1)[0] for n in native | tf_only if "." in n}
    return ApiNames(frozenset(native), frozenset(tf_only), frozenset(modules))


def view_of(full: str) -> View | None:
    """The tree a name as imported (`tensorflow.keras.X`) reaches; None when not Keras 3's."""
    if not full:
        return "any"
    if any(full == root or full.startswith(root + ".") for root in _OTHER_KERAS):
        return None
    if full == "keras" or full.startswith("keras."):
        return "keras"
    return "tf"


def exists(name: str, view: View) -> bool:
    names = api()
    return name in names.native or (view != "keras" and name in names.tf_only)


def is_module(name: str) -> bool:
    return name in api().modules


def children(module: str, view: View) -> list[str]:
    """The names directly under `module`, sorted."""
    tree = _children_by_module(view != "keras")
    return list(tree.get(module, []))


@functools.cache
def _children_by_module(with_tf_only: bool) -> dict[str, list[str]]:
    # Built once: scanning the whole list for each unknown name cost more than the rule.
    names = api()
    pool = names.native | names.tf_only if with_tf_only else names.native
    tree: dict[str, list[str]] = {}
    for name in pool:
        module, dot, last = name.rpartition(".")
        if dot:
            tree.setdefault(module, []).append(last)
    for members in tree.values():
        members.sort()
    return tree


def first_unknown(parts: list[str], view: View) -> int | None:
    """Index of the first component that its (public module) parent does not have."""
    for i in range(1, len(parts)):
        if parts[i].startswith("__"):
            return None
        parent = ".".join(parts[:i])
        if exists(".".join(parts[: i + 1]), view):
            continue
        # Past a class or function, the rest are its attributes, which the list does not hold.
        return i if is_module(parent) or parent == "keras" else None
    return None


@dataclass(frozen=True)
class Unknown:
    """A name Keras 3 lacks: the bad component, and the replacement when there is one."""

    name: str
    index: int
    # A dotted name that surely means what was written (a moved or misspelt name).
    suggestion: str | None
    # Other close names, offered without a fix.
    candidates: tuple[str, ...]
    removed: migrations.Removed | None


def diagnose(full: str) -> Unknown | None:
    """Why `full` (as the import spells it) is not a Keras 3 name, or None when it is one."""
    view = view_of(full)
    if view is None:
        return None
    path = keras_path(full) if full else ""
    if not path.startswith("keras"):
        return None
    return diagnose_path(path, view)


def diagnose_path(path: str, view: View) -> Unknown | None:
    parts = path.split(".")
    index = first_unknown(parts, view)
    if index is None:
        return None
    removed = migrations.removed_name(path)
    if removed is not None and removed.old == "keras.backend":
        # Keras 2's backend tensor functions: the same name in keras.ops, when there is one.
        op = f"keras.ops.{parts[-1]}"
        if len(parts) == 3 and exists(op, view):
            return Unknown(path, index, None, (op,), removed)
        removed = None
    parent = ".".join(parts[:index])
    suggestion: str | None = None
    candidates: tuple[str, ...] = ()
    if index < len(parts) - 1:
        # A private module path (`keras.layers.core.Dense`): the name sits in the parent.
        moved = f"{parent}.{parts[-1]}"
        if exists(moved, view):
            suggestion = moved
    if suggestion is None and removed is None:
        suggestion, candidates = _closest(parts, index, view)
    return Unknown(path, index, suggestion, candidates, removed)


def _closest(parts: list[str], index: int, view: View) -> tuple[str | None, tuple[str, ...]]:
    parent = ".".join(parts[:index])
    siblings = children(parent, view)
    if index < len(parts) - 1:
        # More components follow, so the misspelt one must be a module.
        siblings = [s for s in siblings if is_module(f"{parent}.{s}")]
    wrong = parts[index]
    folded = [s for s in siblings if s.lower() == wrong.lower()]
    close = folded or difflib.get_close_matches(wrong, siblings, n=3, cutoff=0.75)
    fixed = [".".join([*parts[:index], c, *parts[index + 1 :]]) for c in close]
    if len(close) == 1 and first_unknown(fixed[0].split("."), view) is None:
        return fixed[0], ()
    if not close:
        loose = difflib.get_close_matches(wrong, siblings, n=3, cutoff=0.6)
        fixed = [".".join([*parts[:index], c, *parts[index + 1 :]]) for c in loose]
    return None, tuple(fixed)
