"""Write kerascheck/knowledge/data/keras_api.txt: every public Keras name, read from the installed package.

Keras is never imported (it needs a backend at import time). Its public API is a tree of
generated `__init__.py` files that only re-export names (`from keras.src.x import Y as Y`);
this script parses them with `ast`. Two views are written:

- `keras.X`: the names of the `keras` package itself (what `import keras` gives);
- `keras._tf_keras.keras.X`: names that only the `tf.keras` view of Keras 3 has (TensorFlow's
  `tf.keras` loads `keras._tf_keras.keras`), such as Keras 2 backend functions. Names both
  views share are written once, as `keras.X`.

Usage: `python scripts/gen_keras_api.py` rewrites the file; `--check` exits 1 when it is stale;
`--stdout` prints what would be written.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import sys
from pathlib import Path

OUTPUT = (
    Path(__file__).resolve().parent.parent / "kerascheck" / "knowledge" / "data" / "keras_api.txt"
)
TF_VIEW = "keras._tf_keras.keras"


def keras_dir() -> Path:
    spec = importlib.util.find_spec("keras")  # locates the package without running it
    if spec is None or spec.origin is None:
        raise SystemExit("keras is not installed")
    return Path(spec.origin).parent


def bound_names(init: Path) -> set[str]:
    """Names an API `__init__.py` binds by `from ... import ... [as ...]` or `import ...`."""
    names: set[str] = set()
    for stmt in ast.parse(init.read_text(encoding="utf-8"), filename=str(init)).body:
        if isinstance(stmt, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in stmt.names if alias.name != "*")
        elif isinstance(stmt, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in stmt.names)
    return names


def view(root: Path, prefix: str, skip: tuple[str, ...]) -> set[str]:
    """Every dotted name of one API tree: its modules and the names each module binds."""
    out: set[str] = set()
    for init in sorted(root.rglob("__init__.py")):
        parts = init.relative_to(root).parts[:-1]
        if parts and parts[0] in skip:
            continue
        module = ".".join((prefix, *parts))
        out.add(module)
        out.update(f"{module}.{name}" for name in bound_names(init))
    return out


def generate(root: Path, version: str) -> str:
    native = view(root, "keras", skip=("src", "_tf_keras"))
    tf_root = root / "_tf_keras" / "keras"
    tf_only: set[str] = set()
    if tf_root.is_dir():
        for name in view(tf_root, TF_VIEW, skip=("src",)):
            rest = name[len(TF_VIEW) :]
            if "keras" + rest not in native:
                tf_only.add(name)
    header = [
        f"# Public Keras API names, generated from keras {version} by scripts/gen_keras_api.py.",
        "# Do not edit: regenerate after changing the pinned Keras version.",
        f"# `{TF_VIEW}.X` lines are names only the tf.keras view has.",
    ]
    return "\n".join([*header, *sorted(native), *sorted(tf_only)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    group.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = parser.parse_args(argv)
    text = generate(keras_dir(), importlib.metadata.version("keras"))
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python scripts/gen_keras_api.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({text.count(chr(10)) - 3} names)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
