"""Small libcst edits that rules use to describe their fixes."""

from __future__ import annotations

import libcst as cst

from kerascheck.types import Edit


def set_keyword(call: cst.Call, name: str, value_code: str) -> Edit:
    """Set `name=value` on a call: replace the existing keyword's value or append one."""
    value = cst.parse_expression(value_code)
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[i] = arg.with_changes(value=value)
            return Edit(call, call.with_changes(args=args))
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    if args:
        last = args[-1]
        if last.comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        elif isinstance(last.comma, cst.Comma) and last.star == "":
            # Keep a trailing comma where the author had one.
            new_arg = new_arg.with_changes(comma=last.comma)
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=_after_comma(last.comma)))
    args.append(new_arg)
    return Edit(call, call.with_changes(args=args))


def _after_comma(comma: cst.Comma) -> cst.BaseParenthesizableWhitespace:
    after = comma.whitespace_after
    return after if isinstance(after, cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(" ")


def rename_keyword(arg: cst.Arg, new_name: str) -> Edit:
    assert arg.keyword is not None
    return Edit(arg, arg.with_changes(keyword=arg.keyword.with_changes(value=new_name)))
