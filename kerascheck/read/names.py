"""Resolve how a file spells Keras names to one canonical `keras.*` form."""

from __future__ import annotations

import libcst as cst

# Prefixes that all mean Keras; the longest match wins.
_KERAS_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.src", "keras"),
)

# Spellings of one public object that Keras exposes under several paths.
_SYNONYMS: dict[str, str] = {
    "keras.models.Sequential": "keras.Sequential",
    "keras.models.Model": "keras.Model",
    "keras.engine.training.Model": "keras.Model",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.layers.Input": "keras.Input",
    "keras.engine.input_layer.Input": "keras.Input",
    "keras.random.set_seed": "keras.utils.set_random_seed",
    "keras.layers.core.Dense": "keras.layers.Dense",
    "tensorflow.random.set_random_seed": "tensorflow.random.set_seed",
    "tensorflow.compat.v1.set_random_seed": "tensorflow.random.set_seed",
    "tensorflow.set_random_seed": "tensorflow.random.set_seed",
}


def keras_path(dotted: str) -> str:
    """`tensorflow.keras.models.Sequential` -> `keras.models.Sequential` (no synonyms)."""
    for prefix, replacement in _KERAS_PREFIXES:
        if dotted == prefix or dotted.startswith(prefix + "."):
            return replacement + dotted[len(prefix) :]
    return dotted


def canonical(dotted: str) -> str:
    """`tensorflow.keras.layers.Dense` -> `keras.layers.Dense`; other names unchanged."""
    dotted = keras_path(dotted)
    return _SYNONYMS.get(dotted, dotted)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    name = dotted_name(node)
    return name or ""


def import_bindings(node: cst.Import | cst.ImportFrom) -> dict[str, str]:
    """The one reading of an import statement: each local name it binds, to the full dotted
    name bound (`import a.b` binds `a` to `a`; a relative import's names keep their dots).
    A `*` import binds no name it shows."""
    out: dict[str, str] = {}
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = _module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                out[alias.asname.name.value] = full
            else:
                top = full.split(".", 1)[0]
                out[top] = top
        return out
    if isinstance(node.names, cst.ImportStar):
        return out
    module = "." * len(node.relative) + _module_name(node.module)
    for alias in node.names:
        name = _module_name(alias.name)
        local = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        out[local] = f"{module}.{name}" if module and not module.endswith(".") else module + name
    return out


class ImportTable:
    """Local names bound by imports and one-hop aliases, mapped to full dotted names."""

    def __init__(self) -> None:
        self.bindings: dict[str, str] = {}
        # Keras modules imported with `*`: their class names (capitalised) resolve there.
        self.star_modules: list[str] = []

    def add_import(self, node: cst.Import) -> None:
        self.bindings.update(import_bindings(node))

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative:
            return  # the file's own package: nothing of Keras
        if isinstance(node.names, cst.ImportStar):
            module = _module_name(node.module)
            if is_keras(canonical(module)):
                self.star_modules.append(module)
            return
        self.bindings.update(import_bindings(node))

    def bind(self, local: str, full: str) -> None:
        self.bindings[local] = full

    def forget(self, local: str) -> None:
        self.bindings.pop(local, None)

    def resolve(self, node: cst.BaseExpression) -> tuple[str, str] | None:
        """(canonical, raw) for an imported dotted name, or None if its root is not imported."""
        raw = dotted_name(node)
        if raw is None:
            return None
        return self.resolve_dotted(raw)

    def resolve_dotted(self, raw: str) -> tuple[str, str] | None:
        joined = self.full_dotted(raw)
        if joined is None:
            return None
        return canonical(joined), raw

    def full_dotted(self, raw: str) -> str | None:
        """The name as the imports spell it (`tensorflow.keras.models.X`), not canonicalised."""
        root, _, rest = raw.partition(".")
        full = self.bindings.get(root)
        if full is None:
            if self.star_modules and root[:1].isupper():
                full = f"{self.star_modules[-1]}.{root}"
            else:
                return None
        return f"{full}.{rest}" if rest else full


def is_keras(name: str) -> bool:
    return name == "keras" or name.startswith("keras.")
