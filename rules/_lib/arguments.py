"""The one lookup of a call's argument as written: by keyword, or by position up to a `*args`."""

from __future__ import annotations

import libcst as cst


def argument(call: cst.Call, name: str, position: int | None = None) -> cst.Arg | None:
    """The `cst.Arg` given by keyword `name` or at `position` (positions after a `*args` are
    not known, so none is found there); None when absent."""
    positional = 0
    counting = True
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg
        elif arg.star:
            counting = False
        elif counting:
            if positional == position:
                return arg
            positional += 1
    return None


def argument_node(call: cst.Call, name: str, position: int | None = None) -> cst.CSTNode:
    """The argument (as `argument` finds it) to point a finding at; the call itself when absent."""
    found = argument(call, name, position)
    return call if found is None else found
