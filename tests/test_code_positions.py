"""kerascheck's cheap positions equal libcst's PositionProvider on every node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerascheck.engine.code_positions import code_positions

ROOT = Path(__file__).resolve().parent.parent

ODD_SOURCES = [
    "x = (\n  1,\r\n  2)\r\n",
    "if a:\n\tb = [\n\t\t1]\n\tc = 2  # c\n",
    'def f(a, /, b=1, *c, d, **e):\n    """doc\n    more"""\n    return (yield a)\n',
    "@dec\n@dec2(1)\nclass A(B, metaclass=M):\n    x: int = 1\n    def m(self): ...\n",
    "async def f():\n    async with a as b, c:\n        async for x in y:\n            await z\n",
    "try:\n    pass\nexcept* E as e:\n    pass\nelse:\n    pass\nfinally:\n    pass\n",
    "match p:\n    case [1, *rest] | {'k': v} if v:\n        pass\n    case Point(x=0):\n        pass\n",
    "s = f'{a!r:>{w}}' 'x' \\\n    'y'\nl = lambda *a, k=1: (a, k)\n",
    "while (n := n - 1) > 0: x = n; y = x\nelse: pass\n",
    "# only a comment",
    "",
    "import a.b as c, d\nfrom . import (e,\n    f as g)\nfrom x import *\n",
    "x = [i for i in range(3) if i for j in k]\ny = {k: v for k, v in d}\nz = {*a, *b}\n",
    "del a[1:2, ::3], b.c\nglobal q\nassert x, 'msg'\nraise E from None\n",
    "x = 1  # trailing\n\n\n\n# footer comment\n",
]


def _same(module: cst.Module) -> None:
    reference = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = code_positions(module)
    assert len(ours) == len(reference)
    for node, position in reference.items():
        assert ours[node] == position, (type(node).__name__, position, ours[node])


@pytest.mark.parametrize("source", ODD_SOURCES)
def test_equal_on_odd_syntax(source: str) -> None:
    _same(cst.parse_module(source))


@pytest.mark.parametrize(
    "path",
    sorted(
        [*(ROOT / "kerascheck").glob("*.py"), *(ROOT / "rules").glob("kc1*.py")],
        key=str,
    )[:40],
    ids=lambda p: p.name,
)
def test_equal_on_real_files(path: Path) -> None:
    _same(cst.parse_module(path.read_text(encoding="utf-8")))


def test_unknown_node_is_a_key_error() -> None:
    positions = code_positions(cst.parse_module("x = 1\n"))
    with pytest.raises(KeyError):
        positions[cst.Name("x")]
    assert positions.get(cst.Name("x")) is None


@pytest.mark.parametrize(
    "prefix",
    ["", "# a comment\n\n", "@tf.function\n", "@a\n@b(1)\n\n# between\n"],
    ids=["plain", "comment", "one-decorator", "decorators-and-comment"],
)
def test_findings_inside_decorated_definitions_keep_their_line(prefix: str) -> None:
    from kerascheck.engine.check import check_text
    from kerascheck.engine.registry import all_rules
    from kerascheck.model.settings import Settings

    source = (
        "import keras\nm = 1\n"
        + prefix
        + "def f():\n    opt = keras.optimizers.Adam(lr=0.1)\n"
        + "opt = keras.optimizers.Adam(lr=0.1)\n"
    )
    expected_line = source.splitlines().index("    opt = keras.optimizers.Adam(lr=0.1)") + 1
    result = check_text(source, "t.py", Settings(rules=[all_rules()["KC501"]]))
    assert [(d.line, d.column) for d in result.diagnostics] == [
        (expected_line, 33),
        (expected_line + 1, 29),
    ]
