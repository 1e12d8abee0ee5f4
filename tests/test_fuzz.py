"""Fuzzing: Keras-like programs, damaged or not, never crash the checker or misplace a finding."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerascheck import api
from kerascheck.engine.notebook_check import check_notebook
from kerascheck.model.results import FileResult, RunResult
from kerascheck.report import json_report

NEWLINE = re.compile(r"\r\n|\r|\n")

# (import lines, layers prefix, Sequential, Model, Input)
SPELLINGS = [
    ("import keras", "keras.layers.", "keras.Sequential", "keras.Model", "keras.Input"),
    (
        "import tensorflow as tf",
        "tf.keras.layers.",
        "tf.keras.models.Sequential",
        "tf.keras.Model",
        "tf.keras.layers.Input",
    ),
    (
        "from tensorflow import keras",
        "keras.layers.",
        "keras.models.Sequential",
        "keras.Model",
        "keras.layers.Input",
    ),
    (
        "from keras import layers as L, Sequential, Model, Input",
        "L.",
        "Sequential",
        "Model",
        "Input",
    ),
    ("import tf_keras as K", "K.layers.", "K.Sequential", "K.Model", "K.Input"),
]
ACTIVATIONS = ["relu", "selu", "elu", "tanh", "sigmoid", "softmax", "linear", "swish", "gelu"]
INITIALIZERS = ["lecun_normal", "he_normal", "glorot_uniform", "he_uniform", "zeros"]
DAMAGE = [
    "(",
    ")",
    "]",
    ":",
    "\t",
    "    ",
    "\n",
    "\r\n",
    "\x00",
    "lambda",
    "\\",
    "'''",
    '"',
    "print 'x'",
    "def",
    "@",
    ",",
    "=",
    "\x0c",
    "é",
    "async ",
    "yield",
    "*",
    "**",
]


@st.composite
def numbers(draw: Any) -> str:
    return draw(
        st.sampled_from(
            [
                "10",
                "N",
                "N * 2",
                "N // 3",
                "-1",
                "0",
                "2 ** 70",
                "1e3",
                "args.units",
                "len(x)",
                "True",
                "1_000",
                "0x10",
                "(N + 1)",
            ]
        )
    )


@st.composite
def layer(draw: Any, prefix: str) -> str:
    kind = draw(
        st.sampled_from(
            [
                "Dense",
                "Conv2D",
                "Dropout",
                "BatchNormalization",
                "Activation",
                "LeakyReLU",
                "PReLU",
                "Factory",
                "Flatten",
            ]
        )
    )
    act = draw(
        st.one_of(
            st.sampled_from(ACTIVATIONS).map(repr),
            st.just("keras.activations.selu"),
            st.just("ACT"),
            st.just("None"),
        )
    )
    if kind == "Factory":
        return f"Factory({draw(numbers())})"
    if kind in ("Dense", "Conv2D"):
        args = [draw(numbers())]
        if kind == "Conv2D":
            args.append("3")
        if draw(st.booleans()):
            args.append(f"activation={act}")
        if draw(st.booleans()):
            args.append(f"kernel_initializer={draw(st.sampled_from(INITIALIZERS))!r}")
        if draw(st.booleans()):
            args.append("**extra")
        if draw(st.booleans()):
            args.append("use_bias=False")
        return f"{prefix}{kind}({', '.join(args)})"
    if kind == "Dropout":
        return f"{prefix}Dropout({draw(st.sampled_from(['0.5', 'RATE', '0']))})"
    if kind == "Activation":
        return f"{prefix}Activation({act})"
    return f"{prefix}{kind}()"


@st.composite
def block(draw: Any, spelling: tuple[str, str, str, str, str]) -> str:
    _, prefix, seq, model_cls, inp = spelling
    layers = draw(st.lists(layer(prefix), min_size=0, max_size=6))
    kind = draw(st.sampled_from(["list", "loop", "functional", "subclass", "function", "comp"]))
    if kind == "list":
        body = ",\n    ".join(layers)
        return f"model = {seq}([\n    {body}\n])\n"
    if kind == "loop":
        count = draw(st.sampled_from(["20", "N", "n_layers", "0"]))
        adds = "".join(f"    model.add({item})\n" for item in layers) or "    pass\n"
        return f"model = {seq}()\nfor _ in range({count}):\n{adds}"
    if kind == "comp":
        item = layers[0] if layers else f"{prefix}Dense(1)"
        return f"model = {seq}([{item} for _ in range({draw(numbers())})])\n"
    if kind == "functional":
        lines = [f"x = {inp}(shape=({draw(numbers())},))", "h = x"]
        for i, item in enumerate(layers):
            lines.append(f"h{i} = {item}(h)")
            lines.append(f"h = h{i}")
        if draw(st.booleans()):
            lines.append(f"h = {prefix}concatenate([x, h])")
        lines.append(f"model = {model_cls}(inputs=x, outputs=[h, h])")
        return "\n".join(lines) + "\n"
    if kind == "subclass":
        init = "".join(f"        self.l{i} = {item}\n" for i, item in enumerate(layers))
        calls = "".join(f"        x = self.l{i}(x)\n" for i in range(len(layers)))
        return (
            f"class Net({model_cls}):\n    def __init__(self, **kw):\n        super().__init__(**kw)\n"
            f"{init}\n    def call(self, x):\n{calls}        return x\n\nmodel = Net()\n"
        )
    body = ",\n        ".join(layers)
    return (
        f"def build(units=N, act={draw(st.sampled_from(ACTIVATIONS))!r}):\n"
        f"    return {seq}([\n        {body}\n    ])\n\nmodel = build({draw(numbers())})\n"
    )


@st.composite
def program(draw: Any) -> str:
    spelling = draw(st.sampled_from(SPELLINGS))
    parts = [spelling[0], "from functools import partial", "import numpy as np"]
    if draw(st.booleans()):
        parts.append(f"N = {draw(st.sampled_from(['32', '0', '-5', '3.5', 'None', 'N']))}")
    if draw(st.booleans()):
        parts.append(f"ACT = {draw(st.sampled_from(ACTIVATIONS))!r}")
    parts.append(
        f"Factory = partial({spelling[1]}Dense, activation={draw(st.sampled_from(ACTIVATIONS))!r})"
    )
    if draw(st.booleans()):
        parts.append(
            draw(
                st.sampled_from(
                    ["keras.utils.set_random_seed(1)", "np.random.seed(0)", "tf.random.set_seed(N)"]
                )
            )
        )
    for _ in range(draw(st.integers(1, 3))):
        parts.append(draw(block(spelling)))
        if draw(st.booleans()):
            loss = draw(
                st.sampled_from(["'mse'", "'binary_crossentropy'", "LOSS", "['mse', 'mae']"])
            )
            parts.append(f"model.compile(loss={loss}, optimizer='adam', metrics=['accuracy'])")
        if draw(st.booleans()):
            extra = draw(
                st.sampled_from(
                    [
                        "validation_split=0.1",
                        "",
                        "callbacks=cbs",
                        "validation_data=None",
                        "**fit_kw",
                    ]
                )
            )
            parts.append(f"model.fit(x, y, epochs=2, {extra})")
    text = "\n".join(parts) + "\n"
    return draw(damaged(text))


@st.composite
def damaged(draw: Any, text: str) -> str:
    """Leave most programs whole; damage some: cut, insert, delete, truncate."""
    how = draw(st.sampled_from(["none", "none", "insert", "delete", "truncate", "indent"]))
    if how == "none" or not text:
        return text
    at = draw(st.integers(0, len(text)))
    if how == "insert":
        return text[:at] + draw(st.sampled_from(DAMAGE)) + text[at:]
    if how == "delete":
        return text[:at] + text[at + draw(st.integers(1, 12)) :]
    if how == "truncate":
        return text[:at]
    lines = text.split("\n")
    index = draw(st.integers(0, len(lines) - 1))
    lines[index] = draw(st.sampled_from([" ", "\t", "        "])) + lines[index]
    return "\n".join(lines)


def assert_sane(result: FileResult, lines: list[str]) -> None:
    """Every position is inside the text; the JSON report parses."""
    count = len(lines)
    for d in result.diagnostics:
        assert 1 <= d.line <= d.end_line <= count, (d, count)
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, d
        assert 1 <= d.end_column <= len(lines[d.end_line - 1]) + 1, d
        if d.line == d.end_line:
            assert d.column <= d.end_column, d
    for e in result.errors:
        if e.line is not None:
            assert 1 <= e.line <= count + 1, (e, count)
    report = json.loads(json_report.render(RunResult(files=[result])))
    assert report["files_checked"] == 1
    assert len(report["diagnostics"]) == len(result.diagnostics)


def source_lines(text: str) -> list[str]:
    return NEWLINE.split(text)


def check_program(text: str) -> None:
    result = api.check_source(text, "fuzz.py")
    assert_sane(result, source_lines(text))


def check_as_notebook(text: str) -> None:
    cells = [chunk for chunk in text.split("\n\n") if chunk]
    data = json.dumps(
        {"cells": [{"cell_type": "code", "source": c.splitlines(keepends=True)} for c in cells]}
    ).encode()
    result = check_notebook(data, "fuzz.ipynb", api.default_settings())
    for d in result.diagnostics:
        assert d.cell is not None and 1 <= d.cell <= len(cells), d
        cell_lines = source_lines(cells[d.cell - 1])
        assert 1 <= d.line <= d.end_line <= len(cell_lines), (d, cells[d.cell - 1])
    json.loads(json_report.render(RunResult(files=[result])))


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LARGE = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(program())
def test_fuzz_programs(text: str) -> None:
    check_program(text)


@FAST
@given(program())
def test_fuzz_notebooks(text: str) -> None:
    check_as_notebook(text)


@FAST
@given(st.binary(max_size=400))
def test_fuzz_bytes(data: bytes) -> None:
    """Arbitrary bytes that mention keras: an error or a result, never an exception."""
    from kerascheck.engine.check import check_bytes
    from kerascheck.model.settings import Settings

    result = check_bytes(
        b"import keras\n" + data, "fuzz.py", Settings(rules=api.default_settings().rules)
    )
    json.loads(json_report.render(RunResult(files=[result])))


@pytest.mark.slow
@LARGE
@given(program())
def test_fuzz_programs_large_budget(text: str) -> None:
    check_program(text)
    check_as_notebook(text)


def test_string_literal_python_cannot_compile_is_unknown_not_a_crash() -> None:
    from kerascheck.engine.check import check_text
    from kerascheck.engine.registry import all_rules
    from kerascheck.model.settings import Settings

    # A raw null byte inside a literal: libcst parses it, CPython refuses to compile it.
    text = (
        "import keras\nimport numpy as np\n"
        f"model = keras.Sequential([keras.layers.Dense(2, activation='{chr(0)}relu')])\n"
        "model.fit(np.zeros((4, 3)), np.zeros((4,)), epochs=1)\n"
    )
    result = check_text(text, "t.py", Settings(rules=list(all_rules().values())))
    assert not result.errors, result.errors
