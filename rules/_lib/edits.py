"""Small libcst edits that rules use to describe their fixes."""

from __future__ import annotations

import libcst as cst

from kerascheck.model.results import Edit


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
        args[-1], new_arg = _append_after(call, args, new_arg)
    args.append(new_arg)
    return Edit(call, call.with_changes(args=args))


def _separator(call: cst.Call, args: list[cst.Arg]) -> cst.BaseParenthesizableWhitespace:
    """The whitespace between earlier arguments: one per line keeps one per line."""
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        between = args[-2].comma.whitespace_after
    else:
        between = call.whitespace_before_args
    if isinstance(between, cst.ParenthesizedWhitespace):
        return between.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return cst.SimpleWhitespace(" ")


def _append_after(call: cst.Call, args: list[cst.Arg], new: cst.Arg) -> tuple[cst.Arg, cst.Arg]:
    """(the last argument, the new one) laid out as the call already is; comments stay put."""
    last = args[-1]
    sep = _separator(call, args)
    if isinstance(last.comma, cst.Comma):
        # A trailing comma stays trailing; what follows it (comment, closing indent) stays
        # after the argument it followed, and the new argument closes like the old one did.
        after = last.comma.whitespace_after
        if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
            sep, cst.ParenthesizedWhitespace
        ):
            closing = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
            last = last.with_changes(
                comma=last.comma.with_changes(
                    whitespace_after=after.with_changes(last_line=sep.last_line)
                )
            )
            return last, new.with_changes(comma=cst.Comma(whitespace_after=closing))
        moved = last.comma
        last = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return last, new.with_changes(comma=moved)
    # No trailing comma: the whitespace before `)` moves behind the new last argument.
    new = new.with_changes(whitespace_after_arg=last.whitespace_after_arg)
    last = last.with_changes(
        comma=cst.Comma(whitespace_after=sep), whitespace_after_arg=cst.SimpleWhitespace("")
    )
    return last, new


def rename_keyword(arg: cst.Arg, new_name: str) -> Edit:
    assert arg.keyword is not None
    return Edit(arg, arg.with_changes(keyword=arg.keyword.with_changes(value=new_name)))
