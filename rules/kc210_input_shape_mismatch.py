"""KC210: the model's declared input shape does not match the data fed to it."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge.layer_shapes import Shape
from kerascheck.model.description import Layer, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data

_RECURRENT = ("SimpleRNN", "LSTM", "GRU", "ConvLSTM", "CuDNN", "Bidirectional", "Conv1D")


def compatible(declared: Shape, fed: tuple[int | None, ...]) -> bool:
    """Whether samples of shape `fed[1:]` fit an input of `declared[1:]`."""
    want, have = declared[1:], fed[1:]
    # Keras adds or drops a trailing axis of size 1 to fit the input ((n, 28, 28) fed to
    # an input of (28, 28, 1)), as its functional models do when they standardise inputs.
    if len(have) == len(want) - 1 and want[-1] == 1:
        want = want[:-1]
    elif len(have) == len(want) + 1 and have[-1] == 1:
        have = have[:-1]
    if len(want) != len(have):
        return False
    return all(a is None or b is None or a == b for a, b in zip(want, have, strict=True))


def explain(declared: Shape, fed: tuple[int | None, ...], first: Layer | None) -> str:
    want, have = declared[1:], fed[1:]
    if (
        len(want) == len(have)
        and len(want) == 3
        and sorted(map(str, want)) == sorted(map(str, have))
    ):
        if want[0] in (1, 3, 4) and have[-1] == want[0]:
            return "the input is channels-first but the data is channels-last"
        if have[0] in (1, 3, 4) and want[-1] == have[0]:
            return "the input is channels-last but the data is channels-first"
    if len(want) == 1 and len(have) > 1:
        return "the data has more dimensions than the flat input; flatten it or add Flatten()"
    following = first
    if following is not None and following.short.startswith(_RECURRENT) and len(have) < len(want):
        return f"{following.short} needs 3-D input (samples, timesteps, features)"
    return "reshape the data or change the declared input shape"


class InputShapeMismatch(Rule):
    """The model's declared input shape does not match the data fed to it.

    ## What it does
    Compares the input a model declares (`keras.Input(shape=)`, `input_shape=`,
    `input_dim=`, `batch_input_shape=`) with the shape of the array passed to `fit`, where
    the file shows it (a `keras.datasets` split, `reshape`, `expand_dims`, `np.zeros`,
    slicing, `tf.data.Dataset.from_tensor_slices`). The batch dimension is not compared,
    nor dimensions either side leaves unknown. Reports a different number of dimensions
    (28x28 images fed to `Dense(input_dim=784)`, 2-D data fed to an LSTM) and different
    sizes (`input_shape=(1, 28, 28)` fed channels-last images). A trailing axis of size 1
    that one side lacks is not a mismatch: Keras adds or drops it itself.

    ## Why is this bad?
    Keras checks the data against the input only when `fit` starts, after the data is
    loaded and the model built, and its message names tensors, not the line that declared
    the shape. Sometimes it does not stop at all: a channels-first declaration on
    channels-last data can build a model that convolves over the wrong axes.

    ## Example
    ```python
    x_train = x_train.reshape(-1, 28, 28, 1)
    model.add(keras.layers.Conv2D(32, 3, input_shape=(1, 28, 28)))
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    x_train = x_train.reshape(-1, 28, 28, 1)
    model.add(keras.layers.Conv2D(32, 3, input_shape=(28, 28, 1)))
    model.fit(x_train, y_train)
    ```

    ## Fix safety
    No automatic fix: either the data or the declaration may be the one to change.
    """

    code = "KC210"
    name = "input-shape-mismatch"
    summary = "Declared input shape differs from the shape of the data passed to fit."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        x = x.reshape(-1, 28, 28, 1) / 255.0
        model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(8, 3),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x, y)
        """,
        # Trap: an unknown dimension matches any size; the batch is never compared.
        """
        import numpy as np
        import keras
        x = np.zeros((32, 50, 8))
        model = keras.Sequential([keras.Input(shape=(None, 8)), keras.layers.LSTM(4),
                                  keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(x, np.zeros((32, 1)))
        """,
        # Trap: Keras adds the missing trailing axis of size 1 itself.
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(8, 3),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x / 255.0, y)
        """,
        # Trap: data reshaped in a branch is not known, so not judged.
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        if flat:
            x = x.reshape(-1, 784)
        model = keras.Sequential([keras.layers.Dense(10, input_dim=784)])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x / 255.0, y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            (x, y), _ = keras.datasets.mnist.load_data()
            x = x.reshape(-1, 28, 28, 1) / 255.0
            model = keras.Sequential()
            model.add(keras.layers.Conv2D(32, 3, input_shape=(1, 28, 28)))
            model.add(keras.layers.Flatten())
            model.add(keras.layers.Dense(10, activation="softmax"))
            model.compile(loss="sparse_categorical_crossentropy")
            model.fit(x, y)
            """,
            lines=(10,),
        ),
        Invalid(
            """
            from keras.datasets import mnist
            from keras.models import Sequential
            from keras.layers import Dense
            (x_train, y_train), _ = mnist.load_data()
            model = Sequential([Dense(64, activation="relu", input_dim=784), Dense(10, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy")
            model.fit(x_train / 255.0, y_train)
            """,
            lines=(8,),
        ),
        Invalid(
            """
            import numpy as np
            import tensorflow as tf
            x = np.random.rand(200, 10)
            inputs = tf.keras.Input(shape=(5, 2))
            h = tf.keras.layers.LSTM(16)(inputs)
            model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(h))
            model.compile(loss="mse")
            model.fit(x, np.random.rand(200, 1))
            """,
            lines=(9,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            declared = data.declared_shape(model)
            if declared is None:
                continue
            first = _first_real_layer(model)
            for feeding in data.feedings(model):
                fed = feeding.x.shape if feeding.x is not None else None
                if fed is None or compatible(declared, fed):
                    continue
                if first is not None and first.short == "Embedding" and len(fed) == len(declared):
                    continue  # Keras 3 ignores `input_length`; only the rank matters there
                yield self.finding(
                    feeding.x_node(),
                    f"the model declares input {data.shape_text(declared[1:])} per sample, but "
                    f"the data's samples are {data.shape_text(fed[1:])}: "
                    f"{explain(declared, fed, first)}",
                )


def _first_real_layer(model: Model) -> Layer | None:
    for index, layer in enumerate(model.layers):
        if layer.cls not in ("keras.Input", "keras.layers.InputLayer"):
            return layer
        following = model.successors(index)
        if len(following) == 1:
            return model.layers[following[0]]
    return None
