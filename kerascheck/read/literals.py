"""The values of literals and of arithmetic on known numbers, as the reader and the data pass need them."""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst

from kerascheck.model.values import UNKNOWN


def string_value(literal: str) -> Any:
    """The value of a string literal; the common plain ones without compiling them."""
    quote = literal[0]
    if quote in "'\"" and "\\" not in literal and "\r" not in literal:
        # No prefix, no escapes, no newlines to normalise: the text between the quotes.
        size = 3 if literal.startswith(quote * 3) and len(literal) >= 6 else 1
        return literal[size:-size]
    prefix = literal[: len(literal) - len(literal.lstrip("rRbBuUfF"))].lower()
    if "f" in prefix:
        return UNKNOWN  # an f-string is no literal, even without placeholders
    if prefix == "r" and "\r" not in literal:
        body = literal[1:]
        size = 3 if body.startswith(body[0] * 3) and len(body) >= 6 else 1
        return body[size:-size]  # raw: the text between the quotes, backslashes and all
    try:
        return ast.literal_eval(literal)
    except (ValueError, SyntaxError):
        return UNKNOWN


def integer_value(node: cst.Integer) -> Any:
    """The value of an integer literal (`1_000`, `0x1F`), or UNKNOWN."""
    try:
        return int(node.value.replace("_", ""), 0)
    except ValueError:
        return UNKNOWN


def float_value(node: cst.Float) -> Any:
    """The value of a float literal (`1e-3`, `1_0.5`), or UNKNOWN."""
    try:
        return float(node.value.replace("_", ""))
    except ValueError:
        return UNKNOWN


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def arithmetic(op: cst.BaseBinaryOp, left: Any, right: Any) -> Any:
    if not (is_number(left) and is_number(right)):
        if isinstance(op, cst.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        return UNKNOWN
    try:
        if isinstance(op, cst.Add):
            return left + right
        if isinstance(op, cst.Subtract):
            return left - right
        if isinstance(op, cst.Multiply):
            return left * right
        if isinstance(op, cst.FloorDivide):
            return left // right
        if isinstance(op, cst.Divide):
            return left / right
        if isinstance(op, cst.Power) and abs(right) < 64:
            return left**right
    except (ZeroDivisionError, OverflowError):
        return UNKNOWN
