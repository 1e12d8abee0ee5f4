"""String literals read as Python reads them, the common forms without compiling them."""

from __future__ import annotations

import ast

import pytest

from kerascheck.model.values import UNKNOWN
from kerascheck.read.literals import string_value

LITERALS = [
    '"plain"',
    "'single'",
    '"""triple\nlines"""',
    "'''x'''",
    '""',
    '"with \\n escape"',
    'r"a\\b"',
    "r'\\''",
    'R"""x\ny"""',
    "r'''a'''",
    'r""',
    'r"""\\""""',
    "r'a\\\\'",
    'rb"x"',
    'b"\\x00"',
    'u"x"',
    'f"{a}"',
    'F"abc"',
    'rf"x"',
    '"""crlf\r\n"""',
]


@pytest.mark.parametrize("literal", LITERALS)
def test_string_value_is_what_python_reads(literal: str) -> None:
    try:
        want = ast.literal_eval(literal)
    except ValueError:
        want = UNKNOWN  # an f-string is no literal
    got = string_value(literal)
    assert got is want if want is UNKNOWN else got == want
