"""Reading a file and running the rules on it does work in proportion to its size.

Work is counted, not timed: the Python function calls (generator steps included) made while
the reader and the default rules run, on a generated file and on one eight times as long.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import libcst as cst
from kerascheck.rules._lib import graph

from kerascheck.api import default_settings
from kerascheck.engine.check import run_rules
from kerascheck.engine.positions import Locator
from kerascheck.model.description import Layer
from kerascheck.model.results import FileResult
from kerascheck.read.reader import read_module

# One block of a long training script; everything runs under `if __name__ == "__main__":`,
# so every layer is made in an `if` arm, and one model picks its last layer in rival arms.
BLOCK = """
def build_{i}(classes):
    model = keras.Sequential([keras.Input(shape=(8,))])
    model.add(keras.layers.Dense(64, activation="relu"))
    model.add(keras.layers.Dense(classes, activation="sigmoid"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    inputs = keras.Input(shape=(8,))
    x = keras.layers.Dense(32, activation="relu")(inputs)
    x = keras.layers.Dropout(0.5)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    other = keras.Model(inputs, outputs)
    other.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(lr=0.01))
    other.fit(x_train, y_train, epochs=3, callbacks=[keras.callbacks.EarlyStopping()])
    return model, other
"""

RIVAL_ARMS = """
def build_either(wide):
    model = keras.Sequential([keras.Input(shape=(8,))])
    if wide:
        model.add(keras.layers.Dense(10, activation="sigmoid"))
    else:
        model.add(keras.layers.Dense(10))
    model.compile(loss="categorical_crossentropy")
"""


def generated(blocks: int) -> str:
    body = "".join(BLOCK.format(i=i) for i in range(blocks))
    calls = "".join(f"    build_{i}(10)\n" for i in range(blocks))
    return (
        f'"""Generated."""\nimport keras\n{RIVAL_ARMS}{body}\n\ndef main():\n{calls}'
        '    build_either(True)\n\n\nif __name__ == "__main__":\n    main()\n'
    )


def work(source: str) -> int:
    """Python calls made while reading the parsed file and running the default rules."""
    module = cst.parse_module(source)
    settings = default_settings()
    calls = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        file = read_module(module, "generated.py")
        run_rules(file, settings, Locator(module, source, file.anchors), FileResult("generated.py"))
    finally:
        sys.setprofile(None)
    return calls


def test_reader_and_rules_do_linear_work() -> None:
    small, large = work(generated(10)), work(generated(80))
    # Eight times the code: about eight times the work (a quadratic pass would make it 64).
    assert large / small < 8 * 1.15, (small, large)


def test_rival_arms_agree_with_the_definition() -> None:
    def layer(branch: tuple[int, ...]) -> Layer:
        return Layer("keras.layers.Dense", "Dense", (), {}, None, branch=branch)  # type: ignore[arg-type]

    branches = [(), (1,), (1, 2), (1, 3), (4,), (4, 5, 6), (1, 2, 7)]
    for size in range(1, len(branches) + 1):
        layers = [layer(b) for b in branches[:size]]
        arms = graph.RivalArms(layers)
        for one in layers:
            rival = any(one.branch[: len(o.branch)] != o.branch[: len(one.branch)] for o in layers)
            assert arms.has_alternative(one) == (bool(one.branch) and rival)
