"""Resolve how a file spells Keras names to one canonical `keras.*` form."""

from __future__ import annotations

import libcst as cst

from kerascheck.knowledge.spellings import canonical


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    # Exact types: isinstance against libcst's classes goes through ABCMeta, and this is
    # asked of nearly every expression.
    if type(node) is cst.Name:
        return node.value
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is cst.Name:
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
