"""The syntax node of one argument of a call, for pointing a finding at it."""

from __future__ import annotations

import libcst as cst


def argument_node(call: cst.Call, name: str, position: int | None = None) -> cst.CSTNode:
    """The `cst.Arg` given by keyword `name` or at `position`; the call itself when absent."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg
        elif arg.star:
            break
        else:
            if positional == position:
                return arg
            positional += 1
    return call
