"""KC203: two Dense layers in a row with no non-linearity between them."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Layer
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph


def linear_dense(layer: Layer) -> bool:
    return facts.is_dense(layer) and facts.own_activation(layer) == facts.LINEAR


class StackedLinearLayers(Rule):
    """A Dense layer without activation feeding another Dense layer directly.

    ## What it does
    Reports a Dense layer with no activation (none given, `None` or `"linear"`) whose
    output goes straight into another Dense layer, with no activation, BatchNormalization
    or Dropout layer between them. A Dense layer without activation repeated in a loop of
    two or more turns is reported too. A linear layer narrower than both its input and the
    next layer is a deliberate low-rank factorisation (an autoencoder's linear code) and is
    not reported, nor is one whose input width is unknown while it is narrower than the
    next layer; layers of unknown width are never reported.

    ## Why is this bad?
    Two affine maps in a row are one affine map: `W2 (W1 x + b1) + b2` is `W x + b`. When
    the first layer is at least as wide as the second, the pair can express nothing a
    single Dense layer could not, so its parameters and compute are wasted and the depth
    is an illusion; the same holds when it is no narrower than its own input. Usually an
    `activation=` was forgotten.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(128),
        keras.layers.Dense(64),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: which activation was meant, or which layer to drop, is the author's
    call.
    """

    code = "KC203"
    name = "stacked-linear-layers"
    summary = "Two Dense layers in a row without a non-linearity: one linear map."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: BatchNormalization and an activation layer end the chain.
        """
        from tensorflow import keras
        model = keras.models.Sequential([
            keras.layers.Dense(300, kernel_initializer="he_normal"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(100, kernel_initializer="he_normal"),
            keras.layers.LeakyReLU(),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: an autoencoder's linear code is narrower than the decoder: a low-rank
        # factorisation on purpose.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(784,))
        h = tf.keras.layers.Dense(128, activation="relu")(inputs)
        code = tf.keras.layers.Dense(2)(h)
        h = tf.keras.layers.Dense(128, activation="relu")(code)
        outputs = tf.keras.layers.Dense(784, activation="sigmoid")(h)
        model = tf.keras.Model(inputs, outputs)
        """,
        # Trap: unknown widths, and a loop that may run once.
        """
        from keras.layers import Dense
        from keras import Sequential
        model = Sequential([Dense(width), Dense(10)])
        for _ in range(n_layers):
            model.add(Dense(64))
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(128),
                keras.layers.Dense(64),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(4, 5),
        ),
        Invalid(
            """
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(32,))
            x = tf.keras.layers.Dense(64, activation=None)(inputs)
            outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
            model = tf.keras.Model(inputs, outputs)
            """,
            lines=(4,),
        ),
        # Narrower than the next layer but no narrower than its 2 input features: the
        # pair is still one linear map.
        Invalid(
            """
            from tensorflow.keras.models import Sequential
            from tensorflow.keras.layers import Dense
            model = Sequential()
            model.add(Dense(4, input_dim=2))
            model.add(Dense(8))
            model.add(Dense(1))
            """,
            lines=(5, 6),
        ),
        Invalid(
            """
            from functools import partial
            from keras.layers import Dense
            from keras import Sequential
            Linear = partial(Dense, kernel_initializer="he_normal")
            model = Sequential()
            for _ in range(3):
                model.add(Linear(100))
            model.add(Dense(10, activation="softmax"))
            """,
            lines=(8,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model, index, layer in graph.model_layers(ctx.file):
            if not linear_dense(layer):
                continue
            width = facts.units(layer)
            if not isinstance(width, int):
                continue
            nxt = graph.only_successor(model, index)
            following = model.layers[nxt] if nxt is not None else None
            if isinstance(layer.repeat, int) and layer.repeat >= 2:
                following = layer
            if following is None or not facts.is_dense(following):
                continue
            next_width = facts.units(following)
            if not isinstance(next_width, int):
                continue
            if width < next_width:
                # Narrower than what comes in and what goes out: a low-rank code on purpose.
                incoming = graph.incoming_width(model, index)
                if incoming is None or incoming > width:
                    continue
            yield self.finding(
                layer.node,
                f"`{layer.short}({width})` has no activation and feeds "
                f"`{following.short}({next_width})` directly: together they are one linear "
                "map; add an activation or drop one of them",
            )
