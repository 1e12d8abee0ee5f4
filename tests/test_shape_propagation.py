"""Shapes flow through the models the reader builds; what is not known stays unknown."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerascheck.model.description import FileModel
from kerascheck.read.reader import read_module


def read(code: str) -> FileModel:
    return read_module(cst.parse_module(textwrap.dedent(code)), "t.py")


def outputs(code: str, model: int = 0) -> list[tuple[int | None, ...] | None]:
    return [layer.output_shape for layer in read(code).models[model].layers]


def test_sequential_from_input_shape() -> None:
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([
            keras.layers.Conv2D(8, 3, padding="same", input_shape=(32, 32, 3)),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(10),
        ])
        """
    )
    assert shapes == [(None, 32, 32, 8), (None, 16, 16, 8), (None, 2048), (None, 10)]


def test_functional_merge_and_branches() -> None:
    file = read(
        """
        from tensorflow import keras
        a = keras.Input(shape=(8,))
        b = keras.Input(shape=(4,))
        h = keras.layers.Dense(16)(a)
        merged = keras.layers.concatenate([h, b])
        out = keras.layers.Dense(1)(merged)
        model = keras.Model([a, b], out)
        """
    )
    by_class = {layer.short: layer.output_shape for layer in file.models[0].layers}
    assert by_class["Concatenate"] == (None, 20)
    merge = next(la for la in file.models[0].layers if la.short == "Concatenate")
    assert sorted(merge.input_shape) == [(None, 4), (None, 16)]


def test_unknown_layer_makes_everything_after_unknown() -> None:
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([
            keras.Input((10,)),
            keras.layers.Dense(4),
            keras.layers.Lambda(lambda t: t * 2),
            keras.layers.Dense(2),
        ])
        """
    )
    assert shapes == [(None, 10), (None, 4), None, None]


def test_skipped_element_and_conditional_layer() -> None:
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([keras.Input((10,)), base, keras.layers.Dense(3)])
        """
    )
    assert shapes == [(None, 10), None]
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([keras.Input((10,))])
        if deep:
            model.add(keras.layers.Dense(64))
        model.add(keras.layers.Dropout(0.5))
        model.add(keras.layers.Dense(2))
        """
    )
    # The Dense in the `if` may not run: what follows it is not known, its own output is.
    assert shapes == [(None, 10), (None, 64), None, None]


def test_shape_preserving_conditional_layer_keeps_the_shape() -> None:
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([keras.Input((10,))])
        if regularise:
            model.add(keras.layers.Dropout(0.5))
        model.add(keras.layers.Dense(2))
        """
    )
    assert shapes == [(None, 10), (None, 10), (None, 2)]


def test_layers_added_in_a_loop_of_known_count() -> None:
    shapes = outputs(
        """
        import keras
        model = keras.Sequential([keras.Input((28, 28, 1))])
        for _ in range(2):
            model.add(keras.layers.MaxPooling2D())
        model.add(keras.layers.Flatten())
        """
    )
    assert shapes[-1] == (None, 49)


def test_sequential_without_input_takes_its_shape_from_the_data() -> None:
    shapes = outputs(
        """
        import numpy as np
        import keras
        x = np.zeros((100, 12, 3))
        model = keras.Sequential([keras.layers.LSTM(5), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(x, np.zeros((100, 1)))
        """
    )
    assert shapes == [(None, 5), (None, 1)]
