"""KC106: merges or skip connections between SELU layers."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph


class SeluNonSequential(Rule):
    """SELU layers joined by a merge (`Add`, `Concatenate`, ...) or a skip connection.

    ## What it does
    Reports a merge layer (`Add`, `Concatenate`, `Average`, `Multiply`, ... or the functions
    `keras.layers.add`, `concatenate`, ...) that has a SELU-activated layer before it and
    another after it in the same graph: a residual or skip connection through a SELU stack.
    A merge after the last SELU layer (a wide-and-deep head) is not reported.

    ## Why is this bad?
    The self-normalising property of SELU is proved for a plain sequential stack: each
    layer receives the output of exactly one standardised layer. Adding two standardised
    signals doubles the variance, and concatenating a raw input with SELU outputs feeds the
    next layer a mix that is not standardised, so the layers after a merge are no longer
    at mean 0 and variance 1, and a deep residual SELU network drifts like an
    unnormalised one.

    ## Example
    ```python
    x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(inputs)
    y = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
    x = keras.layers.Add()([x, y])
    x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
    ```

    ## Use instead
    ```python
    # A plain stack for SELU; for residual blocks use ReLU-family activations with
    # BatchNormalization or LayerNormalization.
    x = keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")(inputs)
    y = keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")(x)
    x = keras.layers.LayerNormalization()(keras.layers.Add()([x, y]))
    ```

    ## Fix safety
    No automatic fix: restructuring the graph or changing activations is a design change.
    """

    code = "KC106"
    name = "selu-non-sequential"
    summary = "SELU layers joined by a merge or skip connection instead of a plain stack."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        inputs = keras.Input(shape=(16,))
        x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(inputs)
        x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
        model = keras.Model(inputs, keras.layers.Dense(1)(x))
        """,
        # Trap: a wide-and-deep head merges after the last SELU layer; nothing SELU follows.
        """
        from tensorflow import keras
        input_ = keras.layers.Input(shape=(8,))
        hidden1 = keras.layers.Dense(30, activation="selu", kernel_initializer="lecun_normal")(input_)
        hidden2 = keras.layers.Dense(30, activation="selu", kernel_initializer="lecun_normal")(hidden1)
        concat = keras.layers.concatenate([input_, hidden2])
        output = keras.layers.Dense(1)(concat)
        model = keras.models.Model(inputs=[input_], outputs=[output])
        """,
        # Trap: a residual block with ReLU is fine.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(16,))
        x = tf.keras.layers.Dense(64, activation="relu")(inputs)
        y = tf.keras.layers.Dense(64, activation="relu")(x)
        x = tf.keras.layers.Add()([x, y])
        x = tf.keras.layers.Dense(64, activation="relu")(x)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            inputs = keras.Input(shape=(16,))
            x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(inputs)
            y = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
            x = keras.layers.Add()([x, y])
            x = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
            model = keras.Model(inputs, keras.layers.Dense(1)(x))
            """,
            lines=(6,),
        ),
        Invalid(
            """
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(16,))
            a = tf.keras.layers.Dense(32, kernel_initializer="lecun_normal")(inputs)
            a = tf.keras.layers.Activation("selu")(a)
            b = tf.keras.layers.Dense(32, activation=tf.nn.selu, kernel_initializer="lecun_normal")(inputs)
            x = tf.keras.layers.concatenate([a, b])
            x = tf.keras.layers.Dense(32, activation="selu", kernel_initializer="lecun_normal")(x)
            model = tf.keras.Model(inputs, x)
            """,
            lines=(7,),
        ),
        Invalid(
            """
            from keras.layers import Dense, Input, Add
            from keras import Model
            def block(x, width):
                y = Dense(width, activation="selu", kernel_initializer="lecun_normal")(x)
                return Add()([x, y])
            inputs = Input(shape=(64,))
            x = Dense(64, activation="selu", kernel_initializer="lecun_normal")(inputs)
            x = block(x, 64)
            x = block(x, 64)
            model = Model(inputs, Dense(10, activation="softmax")(x))
            """,
            lines=(6,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            selu = graph.selu_indices(model)
            if len(selu) < 2:
                continue
            for index, layer in enumerate(model.layers):
                if layer.cls not in facts.MERGE_LAYERS or not graph.built(layer):
                    continue
                if graph.ancestors(model, index) & selu and graph.descendants(model, index) & selu:
                    yield self.finding(
                        layer.node,
                        f"`{layer.short}` joins SELU layers in a non-sequential graph; "
                        "self-normalisation is only guaranteed for a plain stack of SELU layers",
                    )
