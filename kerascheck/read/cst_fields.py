"""A libcst node's children read from its dataclass fields, without running a visitor."""

from __future__ import annotations

import dataclasses

import libcst as cst

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
# Whether values of a type are nodes, by exact type: isinstance against libcst's classes goes
# through ABCMeta in Python, once per value otherwise.
_IS_NODE: dict[type, bool] = {}


def _is_node(value_type: type) -> bool:
    known = _IS_NODE.get(value_type)
    if known is None:
        known = _IS_NODE[value_type] = issubclass(value_type, cst.CSTNode)
    return known


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's children, read from its fields (libcst's `children` runs a visitor)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    out: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is tuple or value_type is list:
            out.extend(item for item in value if _is_node(type(item)))
        elif _is_node(value_type):
            out.append(value)
    return out
