"""Write kerascheck/knowledge/data/tf1_removed.txt: TF1 `tf.*` names that TF2 no longer has.

TensorFlow is never imported. Its public API is a tree of generated `__init__.py` files that
re-export names (`from tensorflow.python.training.adam import AdamOptimizer`); this script
parses the TF1 view (`tensorflow/_api/v2/compat/v1/`) and the TF2 view
(`tensorflow/_api/v2/compat/v2/`) with `ast`. A TF1 name missing from TF2 is written with its replacement: the
TF2 name of the same underlying object where there is one, else `tf.compat.v1.<name>`.

Usage: `python scripts/gen_tf1_removals.py` rewrites the file; `--check` exits 1 when it is
stale; `--stdout` prints what would be written.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parent.parent / "kerascheck" / "knowledge" / "data" / "tf1_removed.txt"
)
# TF2 modules that are Keras's (loaded lazily, so not in the parsed tree): a TF1 name there
# survives when Keras has it.
_KERAS_ALIASES = ("initializers", "losses", "metrics", "optimizers")
KERAS_API = OUTPUT.parent / "keras_api.txt"
# Sub-trees that are not TensorFlow's own API, or that a TF2 program reaches another way.
_SKIP = ("keras", "estimator", "compat", "__internal__", "__operators__", "experimental", "lite")


def tf_dir() -> Path:
    spec = importlib.util.find_spec("tensorflow")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("tensorflow is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def exports(root: Path, skip_compat: bool) -> dict[str, tuple[str, str]]:
    """`train.AdamOptimizer` -> (origin module, origin name), for every re-exported object."""
    out: dict[str, tuple[str, str]] = {}
    for init in sorted(root.rglob("__init__.py")):
        parts = init.relative_to(root).parts[:-1]
        if any(p.startswith("_") or p in _SKIP for p in parts):
            continue
        if skip_compat and parts[:1] == ("compat",):
            continue
        prefix = ".".join(parts)
        tree = ast.parse(init.read_text(encoding="utf-8"))
        for stmt in tree.body:
            if not isinstance(stmt, ast.ImportFrom) or not stmt.module:
                continue
            if not stmt.module.startswith("tensorflow.python"):
                continue
            for alias in stmt.names:
                local = alias.asname or alias.name
                if local.startswith("_"):
                    continue
                name = f"{prefix}.{local}" if prefix else local
                out[name] = (stmt.module, alias.name)
    return out


def removals() -> tuple[str, list[tuple[str, str]]]:
    api = tf_dir() / "_api" / "v2"
    v1 = exports(api / "compat" / "v1", skip_compat=False)
    # compat/v2 mirrors the whole TF2 API, top-level names included (the root `tensorflow`
    # package binds those in its own __init__.py, not under _api/v2).
    v2 = exports(api / "compat" / "v2", skip_compat=False)
    by_origin: dict[tuple[str, str], list[str]] = {}
    for name, origin in v2.items():
        by_origin.setdefault(origin, []).append(name)
    keras_names = {line.strip() for line in KERAS_API.read_text(encoding="utf-8").splitlines()}
    rows: list[tuple[str, str]] = []
    for name, origin in sorted(v1.items()):
        if name in v2:
            continue
        if name.split(".", 1)[0] in _KERAS_ALIASES and f"keras.{name}" in keras_names:
            continue
        same = sorted(by_origin.get(origin, []), key=lambda n: (n.count("."), len(n), n))
        replacement = f"tf.{same[0]}" if same else f"tf.compat.v1.{name}"
        rows.append((f"tf.{name}", replacement))
    distribution = "tensorflow-cpu" if _has("tensorflow-cpu") else "tensorflow"
    return importlib.metadata.version(distribution), rows


def _has(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def render() -> str:
    version, rows = removals()
    lines = [
        f"# TF1 names that TF2 lacks, from tensorflow {version}, by scripts/gen_tf1_removals.py",
        "# name<TAB>replacement",
    ]
    lines += [f"{name}\t{replacement}" for name, replacement in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--stdout", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        return 0 if OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text else 1
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
