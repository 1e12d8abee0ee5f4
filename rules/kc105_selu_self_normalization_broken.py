"""KC105: BatchNormalization, kernel regularizers or constraints inside a SELU network."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import is_unknown

from ._lib import graph

# Arguments that change a SELU layer's weights away from what self-normalisation assumes.
WEIGHT_ARGUMENTS = ("kernel_regularizer", "kernel_constraint")


class SeluSelfNormalizationBroken(Rule):
    """A SELU network with BatchNormalization, or a kernel regularizer or constraint.

    ## What it does
    In a model whose hidden Dense and convolution layers are all activated by SELU, reports
    every `BatchNormalization` layer placed after a SELU layer, and every SELU layer with a
    `kernel_regularizer` or `kernel_constraint` (such as the notes' `max_norm(1.)`). A
    normalisation layer in front of the first SELU layer only standardises the inputs,
    which SELU wants, and is not reported.

    ## Why is this bad?
    Self-normalisation is a proved property of one configuration: standardised inputs,
    weights drawn with variance 1/fan_in (LeCun normal) and kept near that variance, and a
    plain stack of SELU layers. BatchNormalization then only adds cost and batch-dependent
    noise, and its learned scale and shift move activations off the fixed point. Weight
    penalties and norm constraints pull the weights away from variance 1/fan_in, so the
    layers stop normalising themselves and a deep stack drifts. Use AlphaDropout for
    regularisation instead, or leave SELU for ReLU-family activations with BatchNorm.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal",
                           kernel_constraint=keras.constraints.max_norm(1.0)),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.AlphaDropout(0.1),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: removing a layer or a regulariser changes the model, and the
    alternative (AlphaDropout, or another activation) is a design choice.
    """

    code = "KC105"
    name = "selu-self-normalization-broken"
    summary = "BatchNormalization, kernel regularizer or constraint in a SELU network."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
            keras.layers.AlphaDropout(0.1),
            keras.layers.Dense(10, activation="softmax", kernel_regularizer="l2"),
        ])
        """,
        # Trap: the notes' BatchNormalization and L2 examples use ReLU and ELU, where both
        # are fine.
        """
        from tensorflow import keras
        model = keras.models.Sequential([
            keras.layers.Flatten(input_shape=[28, 28]),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(300, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(100, activation="elu", kernel_initializer="he_normal",
                               kernel_regularizer=keras.regularizers.l2(0.01)),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: normalising the inputs before the first SELU layer is what SELU wants.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(30,))
        x = tf.keras.layers.BatchNormalization()(inputs)
        x = tf.keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
        outputs = tf.keras.layers.Dense(1)(x)
        model = tf.keras.Model(inputs, outputs)
        """,
        # Trap: `kernel_regularizer=None` is no regulariser, and one read from a variable
        # may be None too.
        """
        from keras.layers import Dense
        from keras import Sequential
        model = Sequential([
            Dense(64, activation="selu", kernel_initializer="lecun_normal",
                  kernel_regularizer=None),
            Dense(64, activation="selu", kernel_initializer="lecun_normal",
                  kernel_constraint=config.constraint),
            Dense(1),
        ])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
                keras.layers.BatchNormalization(),
                keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(5,),
        ),
        # The notes' max-norm example: a constraint on every SELU layer of the factory.
        Invalid(
            """
            from functools import partial
            from tensorflow import keras
            MaxNormDense = partial(keras.layers.Dense,
                                   activation="selu", kernel_initializer="lecun_normal",
                                   kernel_constraint=keras.constraints.max_norm(1.))
            model = keras.models.Sequential([
                keras.layers.Flatten(input_shape=[28, 28]),
                MaxNormDense(300),
                MaxNormDense(100),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(9, 10),
        ),
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras import regularizers
            inputs = tf.keras.Input(shape=(30,))
            x = tf.keras.layers.Dense(64, kernel_initializer="lecun_normal",
                                      kernel_regularizer=regularizers.l2(1e-4))(inputs)
            x = tf.keras.layers.Activation("selu")(x)
            outputs = tf.keras.layers.Dense(1)(x)
            model = tf.keras.Model(inputs, outputs)
            """,
            lines=(5,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            if not graph.is_selu_network(model):
                continue
            selu = graph.selu_indices(model)
            for index, layer in enumerate(model.layers):
                if not graph.built(layer):
                    continue
                if facts.is_batchnorm(layer) and graph.ancestors(model, index) & selu:
                    yield self.finding(
                        layer.node,
                        f"`{layer.short}` in a SELU network: self-normalising layers need no "
                        "batch normalisation, and its learned scale and shift break the "
                        "guarantee; remove it",
                    )
                if index in selu:
                    for argument in WEIGHT_ARGUMENTS:
                        value = layer.kwargs.get(argument)
                        if value is not None and not is_unknown(value):
                            yield self.finding(
                                layer.node,
                                f"`{argument}` on a SELU layer pulls its weights away from "
                                "variance 1/fan_in, which self-normalisation relies on; "
                                "regularise with AlphaDropout instead",
                            )
