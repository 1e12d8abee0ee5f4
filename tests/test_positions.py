"""The Locator places every node where PositionProvider does, mostly without printing statements."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerascheck.engine.positions import Locator
from kerascheck.read.reader import read_module

ROOT = Path(__file__).resolve().parent.parent

SOURCES = [
    # Decorated functions: the statement starts at its first decorator.
    "import keras\n\n\n@cache\n@other(\n  1)\ndef build():\n    m = keras.Sequential()\n"
    "    m.compile(loss='mse')\n    return m\n\n\nbuild()\n",
    # The same line twice, in nested blocks, and a look-alike in a comment and a string.
    "import keras\nif a:\n    for i in x:\n        m.add(keras.layers.Dense(4))\n"
    "        m.add(keras.layers.Dense(4))\n# m.add(keras.layers.Dense(4))\n"
    "s = 'm.add(keras.layers.Dense(4))'\n",
    # A module docstring and a string with lines at column 0, and clauses.
    '"""Doc.\n\nimport keras\n"""\nimport keras\nx = """\nkeras.f(1)\n"""\n'
    "try:\n    keras.f(1)\nexcept E:\n    keras.f(2)\nelse:\n    keras.f(3)\nfinally:\n"
    "    keras.f(4)\nif a:\n    keras.f(5)\nelif b:\n    keras.f(6)\nelse:\n    keras.f(7)\n",
    # Calls over several lines inside blocks, tabs, and an `elif` printed alone as `if`.
    "def f():\n\tif a:\n\t\tm.compile(\n\t\t\tloss='mse',\n\t\t)\n\telif b:\n\t\tpass\n",
    "class M(keras.Model):\n    def call(self, x):\n        return self.d(\n            x\n        )\n",
    # Line endings: CRLF, a lone CR, no newline at the end.
    "import keras\r\nm = keras.Sequential([\r\n    keras.layers.Dense(1),\r\n])\r\n",
    "import keras\rm = keras.f(1)\rm = keras.f(1)\r",
    "import keras\nm = keras.f(1)",
    # Continuation lines at column 0 that look like statements.
    "m = f(\nkeras.f(1),\n)\nkeras.f(1)\nx = 1 + \\\n2\n",
]


def _check_all(source: str) -> None:
    module = cst.parse_module(source)
    file = read_module(module, "<test>")
    reference = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    anchored = Locator(module, source, file.anchors)
    bare = Locator(module, source, {})
    for node, position in reference.items():
        want = (
            position.start.line,
            position.start.column + 1,
            position.end.line,
            position.end.column + 1,
        )
        for locator in (anchored, bare):
            span = locator.span(node)
            got = (span.line, span.column, span.end_line, span.end_column)
            assert got == want, (type(node).__name__, want, got)


@pytest.mark.parametrize("source", SOURCES)
def test_every_node_where_position_provider_puts_it(source: str) -> None:
    _check_all(source)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "fixtures").rglob("*.py"), key=str)[:30],
    ids=lambda p: p.name,
)
def test_every_node_of_fixtures(path: Path) -> None:
    _check_all(path.read_text(encoding="utf-8"))


def test_code_found_once_prints_no_statement() -> None:
    source = "import keras\n\n\ndef build():\n    m = keras.Sequential()\n" + ("    x = 1\n" * 200)
    module = cst.parse_module(source)
    file = read_module(module, "<test>")
    call = module.body[1].body.body[0].body[0].value  # type: ignore[attr-defined]
    locator = Locator(module, source, file.anchors)
    span = locator.span(call)
    assert (span.line, span.column, span.end_line, span.end_column) == (5, 9, 5, 27)
    assert locator._statement_starts is None
    assert not locator._statement_spans
    assert locator._module_spans is None


def test_repeated_code_is_placed_within_its_statement() -> None:
    source = "import keras\nm.add(keras.f(1))\n\n\ndef g():\n    m.add(keras.f(1))\n"
    module = cst.parse_module(source)
    file = read_module(module, "<test>")
    g = module.body[2]
    call = g.body.body[0].body[0].value.args[0].value  # type: ignore[attr-defined]
    locator = Locator(module, source, file.anchors)
    assert locator.span(call).line == 6
    assert locator._module_spans is None


def _repeated_in_a_function(
    last_call: str,
) -> tuple[Locator, cst.CSTNode, cst.CSTNode, cst.CSTNode]:
    """A locator, the two `keras.f(1)` of a function's repeated lines, and its last call."""
    source = (
        f"import keras\ndef g():\n    m.add(keras.f(1))\n    m.add(keras.f(1))\n    {last_call}\n"
    )
    module = cst.parse_module(source)
    file = read_module(module, "<test>")
    body = module.body[1].body.body  # type: ignore[attr-defined]
    first, second = (stmt.body[0].value.args[0].value for stmt in body[:2])
    return Locator(module, source, file.anchors), first, second, body[2].body[0].value


def test_a_statement_is_printed_up_to_the_node_then_whole() -> None:
    locator, first, second, last = _repeated_in_a_function("keras.f(1)")
    assert locator.span(second).line == 4
    spans, _, whole = locator._statement_spans[1]
    assert not whole and id(last) not in spans  # stopped after the second call
    assert locator.span(first).line == 3  # printed before it: no second printing
    assert not locator._statement_spans[1][2]
    assert (locator.span(last).line, locator.span(last).column) == (5, 5)
    assert locator._statement_spans[1][2]
    assert locator._module_spans is None


def _generated_function(indent: str = "    ") -> str:
    """A long generated function: the same lines repeated in blocks with unique headers,
    blocks indented by one level and by two more spaces, calls over several lines, and one
    block repeated word for word (its code is found twice)."""
    blocks = []
    for i in range(40):
        inner = indent * 2 if i % 2 else indent + "  "
        blocks.append(
            f'{indent}if "model_{i}" in name:\n'
            f"{inner}model = keras.Sequential()\n"
            f"{inner}model.add(keras.layers.Dense(units=5,\n"
            f"{inner}    kernel_initializer='he_uniform'))\n"
            f"{inner}model.add(keras.layers.Dense(units=5))\n"
            f"{inner}if deep:\n"
            f"{inner}  model.add(keras.layers.Dense(units=5))\n"
            f"{inner}return model\n"
        )
    repeated = f'{indent}if "again" in name:\n{indent * 2}return keras.layers.Dense(units=5)\n'
    return "import keras\n\n\ndef get_model(name):\n" + "".join(blocks) + repeated * 2


@pytest.mark.parametrize("indent", ["    ", "\t"], ids=["spaces", "tabs"])
def test_every_node_of_a_long_generated_function(indent: str) -> None:
    _check_all(_generated_function(indent))


def test_spans_print_a_statement_two_nodes_need_once_whole() -> None:
    locator, first, second, alone = _repeated_in_a_function("keras.f(2)")  # alone: found as text
    spans = locator.spans([second, alone, first])
    assert [(s.line, s.column) for s in spans] == [(4, 11), (5, 5), (3, 11)]
    assert locator._statement_spans[1][2]  # printed whole at the first node
    # One node to print: up to it only, as span() does.
    single = Locator(locator.module, locator.source, locator.anchors)
    assert [s.line for s in single.spans([first, alone])] == [3, 5]
    assert not single._statement_spans[1][2]
