"""KC308: a list of losses, loss weights or metrics that does not match the model's outputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Compile
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.arguments import argument_node


def consequence(key: str, length: int, count: int) -> str:
    """What Keras 3.15 does with the mismatch (measured)."""
    if key == "metrics":
        return "fit fails with a tuple arity mismatch"
    if key == "loss" and length < count:
        return "the outputs without a loss get no gradient and are never trained"
    if key == "loss":
        return "Keras fails at fit or silently ignores the extra losses"
    return "Keras fails at fit or silently leaves some outputs unweighted"


class OutputCountMismatch(Rule):
    """A list of losses, loss weights or metrics whose length differs from the outputs.

    ## What it does
    Reports `compile(loss=[...])`, `loss_weights=[...]` and, for models with several
    outputs, `metrics=[...]`, when the list has a different length than the model has
    outputs. A Sequential model has one output; a functional model has as many as its
    `outputs`. A one-output model may list any number of metrics, and dicts are not
    counted.

    ## Why is this bad?
    Keras pairs these lists with the outputs by position. Measured on Keras 3.15: a loss
    list shorter than the outputs trains without error but leaves the unmatched outputs
    without a loss (Keras only warns that their gradients do not exist); a longer one
    fails at `fit` on a two-output model and is silently accepted on a Sequential one; a
    short `loss_weights` list is accepted silently; a metrics list of the wrong length
    fails at `fit`. The mistake usually comes from adding or removing an
    output (like the notes' auxiliary output) without updating `compile`.

    ## Example
    ```python
    model = keras.Model(inputs=[input_A, input_B], outputs=[output, aux_output])
    model.compile(loss=["mse"], loss_weights=[0.9, 0.1, 0.0], optimizer="sgd")
    ```

    ## Use instead
    ```python
    model = keras.Model(inputs=[input_A, input_B], outputs=[output, aux_output])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
    ```

    ## Fix safety
    No automatic fix: which output the missing or extra entry belongs to is unknown.
    """

    code = "KC308"
    name = "output-count-mismatch"
    summary = "List of losses, loss_weights or metrics differs from the number of outputs."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        x = keras.Input(shape=(8,))
        out = keras.layers.Dense(1)(x)
        aux = keras.layers.Dense(1)(x)
        model = keras.Model(inputs=x, outputs=[out, aux])
        model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], metrics=[["mae"], ["mae"]])
        """,
        # Trap: a one-output model may list several metrics.
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.compile(loss="mse", metrics=["mae", "mse", tf.keras.metrics.RootMeanSquaredError()])
        """,
        # Trap: outputs the reader cannot count are not guessed.
        """
        from tensorflow.keras import Model, Input
        from tensorflow.keras.layers import Dense
        x = Input(shape=(8,))
        model = Model(x, make_heads(x))
        model.compile(loss=["mse", "mse", "mse"])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            x = keras.Input(shape=(8,))
            out = keras.layers.Dense(1)(x)
            aux = keras.layers.Dense(1)(x)
            model = keras.Model(inputs=x, outputs=[out, aux])
            model.compile(loss=["mse"], loss_weights=[0.9, 0.1, 0.0])
            """,
            lines=(7,),
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.Sequential()
            model.add(tf.keras.layers.Dense(1))
            model.compile(loss=["mse", "mae"], optimizer="adam")
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from keras.layers import Input, Dense, concatenate
            from keras.models import Model
            input_A = Input(shape=[5])
            input_B = Input(shape=[6])
            hidden = Dense(30, activation="relu")(input_B)
            output = Dense(1)(concatenate([input_A, hidden]))
            aux_output = Dense(1)(hidden)
            model = Model(inputs=[input_A, input_B], outputs=[output, aux_output])
            model.compile(loss="mse",
                          metrics=["mae"])
            """,
            lines=(11,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            count = facts.output_count(model)
            if count is None:
                continue
            for compile_ in model.compiles:
                yield from self.check_compile(compile_, count)

    def check_compile(self, compile_: Compile, count: int) -> Iterator[Finding]:
        arguments: list[tuple[str, int, Any]] = [
            ("loss", 1, compile_.loss),
            ("loss_weights", 2, compile_.loss_weights),
        ]
        if count > 1:
            arguments.append(("metrics", 3, compile_.metrics))
        for key, position, value in arguments:
            length = facts.known_length(value)
            if length is None or length == count:
                continue
            outputs = "one output" if count == 1 else f"{count} outputs"
            yield self.finding(
                argument_node(compile_.node, key, position),
                f"{key} lists {length} entries but the model has {outputs}: "
                f"{consequence(key, length, count)}",
            )
