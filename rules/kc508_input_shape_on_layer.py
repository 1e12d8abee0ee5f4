"""KC508 (opt-in): `input_shape=` / `input_dim=` on a layer; Keras 3 prefers `keras.Input(shape=...)`."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

_SHAPE_ARGUMENTS = ("input_shape", "input_dim", "batch_input_shape")
# Layers whose job is to declare the input: their shape arguments are the point.
_INPUT_LAYERS = frozenset({"keras.Input", "keras.layers.InputLayer"})


class InputShapeOnLayer(Rule):
    """A layer given `input_shape=`, `input_dim=` or `batch_input_shape=`.

    ## What it does
    Reports the input-shape arguments that Keras 2 code puts on the first layer of a model
    (`Dense(64, input_shape=(10000,))`, `Flatten(input_shape=[28, 28])`). `keras.Input` and
    `InputLayer`, whose job this is, are not reported, nor is `Embedding(input_dim=...)`, the
    vocabulary size. Off by default: Keras 3 still accepts `input_shape` and `input_dim`, with
    a warning.

    ## Why is this bad?
    Keras 3 warns "Do not pass an `input_shape`/`input_dim` argument to a layer" and wants
    the input declared as its own object, `keras.Input(shape=...)`, first in a Sequential
    model or at the start of a functional graph. It keeps the shape visible in one place and
    works the same for every model style. `batch_input_shape=` is no longer accepted at all:
    Keras 3 raises `ValueError: Unrecognized keyword arguments`.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu", input_shape=(10000,)),
        keras.layers.Dense(46, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.Input(shape=(10000,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(46, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: the input has to become a new element of the model (or a new graph
    node), which depends on how the model is written.
    """

    code = "KC508"
    name = "input-shape-on-layer"
    summary = "`input_shape=`/`input_dim=` on a layer; declare `keras.Input(shape=...)` instead."
    severity = Severity.INFO
    default_enabled = False

    VALID = [
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(10000,)), keras.layers.Dense(64)])
        """,
        # Trap: the input layers themselves, and a plain function argument.
        """
        import tensorflow as tf
        inputs = tf.keras.layers.InputLayer(input_shape=(28, 28))
        x = tf.keras.Input(shape=[5], name="wide_input")
        net = build_net(input_shape=(28, 28))
        """,
        # Trap: an embedding's input_dim is its vocabulary size.
        """
        from keras.layers import Embedding
        embed = Embedding(input_dim=10000, output_dim=64)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.models.Sequential()
            model.add(keras.layers.Dense(64, activation='relu', input_shape=(10000,)))
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from tensorflow import keras
            model = keras.Sequential([
                keras.layers.Flatten(input_shape=[28, 28]),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from functools import partial
            from keras.layers import Dense, LSTM
            First = partial(Dense, input_dim=8)
            layers = [First(16), LSTM(4, batch_input_shape=(32, 10, 8))]
            """,
            lines=(4, 5),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for layer in ctx.file.layers:
            if layer.cls in _INPUT_LAYERS:
                continue
            for name in _SHAPE_ARGUMENTS:
                arg = layer.kwarg_nodes.get(name)
                # An embedding's `input_dim` is its vocabulary size, a real argument.
                if arg is None or (name == "input_dim" and layer.short.endswith("Embedding")):
                    continue
                if name == "batch_input_shape":
                    message = (
                        f"`{layer.short}(batch_input_shape=...)`: Keras 3 raises ValueError on "
                        "it; declare `keras.Input(batch_shape=...)` first instead"
                    )
                else:
                    message = (
                        f"`{layer.short}({name}=...)`: Keras 3 warns against shape arguments "
                        "on layers; declare `keras.Input(shape=...)` first instead"
                    )
                yield self.finding(arg, message)
