"""The outline of an imported module, found by scanning lines, agrees with CPython's parse."""

from __future__ import annotations

import pytest

from kerascheck.read.module_outline import _LINE, outline, outline_by_parse, scanned_pieces

# Each is valid Python in which a line at column 0 is not a statement, or a statement hides
# in what looks like something else.
TRICKY = {
    "docstring with code at column 0": (
        '"""Helpers.\n\ndef not_a_function():\nimport nothing\n"""\nimport keras\nN = 3\n'
    ),
    "brackets across column-0 lines": (
        "SIZES = [\n1, 2,\n3]\nCONFIG = {\n'a': (1,\n2)}\nM = (4 if True\nelse 5)\n"
    ),
    "backslash continuation": "N = 1 + \\\n2\nM = 1 if N \\\nelse 2\nimport keras\n",
    "comment with quotes and brackets": "# don't ( [ {\nN = 3  # it's ]\nimport os\n",
    "string with a hash and brackets": "S = '# ( not a comment'\nT = \"]}\"\nimport os\n",
    "escaped quotes": "A = 'it\\'s'\nB = \"say \\\"hi\\\"\"\nC = '''a\\'''b'''\nimport os\n",
    "raw string ending in a backslash-quote pair": "R = r'\\'' + 'x'\nimport os\n",
    "prefixed and triple-quoted strings": (
        "B = b'x'\nF = f'{1 + 2}'\nT = rb'''\n(\n'''\nU = u\"\"\"a\"\"\"\nimport os\n"
    ),
    "decorated function with comment between": (
        "@decorate(\n    1)\n# a note\n@other\ndef build(n):\n    return n\n\n\nK = 2\n"
    ),
    "async function and decorated class": (
        "async def fetch():\n    return 1\n@dataclass\nclass A:\n    x: int = 1\nN = 1\n"
    ),
    "function ending in a multi-line string": 'def f():\n    return """\nend\n"""\n# after\nN = 1\n',
    "one-line function and semicolons": "def f(): return 1\nimport os; N = 3; M = f()\nx = 1; y = 2\n",
    "blocks are not read": (
        "if True:\n    import hidden\nelse:\n    N = 1\ntry:\n    import a\nexcept ImportError:\n"
        "    a = None\nfor i in range(3):\n    pass\nwhile False:\n    pass\nwith open('f') as h:\n"
        "    pass\n"
    ),
    "match statement": "match 3:\n    case 3:\n        N = 1\nM = 2\n",
    "trailing blank lines without a newline": "def f():\n    return 1\n\n   ",
    "crlf line breaks": (
        "import os\r\nN = [\r\n1]\r\nM = 1 if N \\\r\nelse 2\r\ndef f():\r\n    return '''\r\n'''\r\n"
    ),
    "nested functions and indented comments": (
        "def outer():\n    def inner():\n        return 1\n# column-0 comment in the body\n"
        "    return inner\n    # trailing indented comment\n\nN = 1\n"
    ),
    "assignments that bind no constant": "model = build()\nx: int\nT = (1, -2.5, 'a')\nL = [N * 2]\n",
    "empty": "",
    "only comments": "# one\n# two\n",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_the_scan_agrees_with_the_parse(text: str) -> None:
    assert scanned_pieces(text, _LINE.findall(text)) is not None  # scanned, not parsed whole
    assert outline(text) == outline_by_parse(text)


def test_a_docstring_line_that_looks_like_a_function_is_not_a_stub() -> None:
    visible, functions = outline(TRICKY["docstring with code at column 0"])
    assert visible == "import keras\nN = 3\n"
    assert functions == []


def test_text_the_scan_cannot_split_is_parsed_whole() -> None:
    lone_cr = "import os\rN = 1\r"
    unbalanced = "N = (1,\n"
    assert scanned_pieces(lone_cr, _LINE.findall(lone_cr)) is None
    assert outline(lone_cr) == outline_by_parse(lone_cr) == (lone_cr, [])
    assert scanned_pieces(unbalanced, _LINE.findall(unbalanced)) is None
    assert outline(unbalanced) == (unbalanced, [])


def test_a_function_that_does_not_parse_leaves_the_others_readable() -> None:
    text = "import keras\ndef old():\n    print 'py2'\ndef build():\n    return 1\n"
    visible, functions = outline(text)
    assert visible == "import keras\ndef old(): pass\ndef build(): pass\n"
    assert functions[1] == "def build():\n    return 1\n"
