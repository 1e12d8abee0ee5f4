"""A libcst node's children read from its dataclass fields, without running a visitor."""

from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_SUBCLASSES: dict[tuple[type, object], bool] = {}


def of_kind(node_type: type, kind: type | tuple[type, ...]) -> bool:
    """`issubclass(node_type, kind)`, remembered. An isinstance check against one of libcst's
    classes runs ABCMeta's check in Python; asked once per type instead of once per node."""
    key = (node_type, kind)
    known = _SUBCLASSES.get(key)
    if known is None:
        known = _SUBCLASSES[key] = issubclass(node_type, kind)
    return known


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's children, read from its fields (libcst's `children` runs a visitor)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    return nodes_in(node, names)


def nodes_in(node: cst.CSTNode, names: tuple[str, ...]) -> list[cst.CSTNode]:
    """The nodes the node holds in these fields, in the order of the names."""
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is tuple or value_type is list:
            out.extend(item for item in value if of_kind(type(item), cst.CSTNode))
        elif of_kind(value_type, cst.CSTNode):
            out.append(value)
    return out
