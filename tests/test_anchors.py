"""A call's function and arguments are anchored to its statement when first asked for."""

from __future__ import annotations

import libcst as cst
import pytest

from kerascheck.read.reader import read_module

SOURCE = "import keras\nx = 1\nm = keras.layers.Dense(4, activation=act)\n"


def test_a_calls_function_and_arguments_share_its_anchor() -> None:
    module = cst.parse_module(SOURCE)
    file = read_module(module, "<test>")
    call = module.body[2].body[0].value  # type: ignore[attr-defined]
    anchors = file.anchors
    assert anchors._parts is None  # nothing asked yet
    assert anchors.get(id(call)) == 2
    assert anchors._parts is None  # the call itself is recorded
    parts = [call.func, *call.args, *(arg.value for arg in call.args)]
    for node in parts:
        assert id(node) in anchors
        assert anchors[id(node)] == 2
        assert anchors.get(id(node)) == 2
    assert anchors._parts is not None


def test_an_unknown_node_has_no_anchor() -> None:
    module = cst.parse_module(SOURCE)
    file = read_module(module, "<test>")
    other = module.body[1]
    assert id(other) not in file.anchors
    assert file.anchors.get(id(other)) is None
    assert file.anchors.get(id(other), -1) == -1
    with pytest.raises(KeyError):
        file.anchors[id(other)]
