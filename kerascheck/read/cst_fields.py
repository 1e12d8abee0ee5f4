"""A libcst node's children read from its dataclass fields, without running a visitor."""

from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's children, read from its fields (libcst's `children` runs a visitor)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif isinstance(value, list | tuple):
            out.extend(item for item in value if isinstance(item, cst.CSTNode))
    return out
