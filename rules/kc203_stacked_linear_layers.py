"""KC203: two Dense layers in a row with no non-linearity between them."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import UNKNOWN_LAYER, Layer, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph


def linear_dense(layer: Layer) -> bool:
    return facts.is_dense(layer) and facts.own_activation(layer) == facts.LINEAR


def wholly_linear(model: Model) -> bool:
    """A model with no non-linearity among its layers is a linear model on purpose (Celsius to
    Fahrenheit): no activation was forgotten. A layer the reader cannot see into counts as a
    possible non-linearity unless nothing weighted comes after it (a printing layer at the
    end)."""
    if not model.layers or (not model.complete and model.kind == "sequential"):
        return False
    for index, layer in enumerate(model.layers):
        if layer.cls == UNKNOWN_LAYER:
            if graph.reaches_weighted(model, index):
                return False
            continue
        act = facts.own_activation(layer)
        if (facts.is_weighted(layer) or facts.is_activation_layer(layer)) and act != facts.LINEAR:
            return False
        linear_kind = facts.is_dense(layer) or layer.short in ("Input", "Flatten", "Dropout")
        if not linear_kind:
            return False
    return True


def alone_in_loop(model: Model, index: int) -> bool:
    """Whether a layer made in a loop feeds its own next copy: it is the only layer of the
    loop's body the model shows, and the model shows what it feeds after the loop.

    A loop body of `Dense -> BatchNormalization -> Activation`, a transformer block ending
    in `Add`, a custom layer or a tensor operation after the Dense (which leaves it with no
    known successor), or a build function called once per k-fold split all break the chain.
    """
    layer = model.layers[index]
    nxt = graph.only_successor(model, index)
    if nxt is None or model.layers[nxt].repeat == layer.repeat:
        return False
    before = model.predecessors(index)
    return all(model.layers[i].repeat != layer.repeat for i in before)


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
        # Trap: a linear model fitting a linear target on purpose: nothing was forgotten.
        """
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(4, input_shape=[1]),
            tf.keras.layers.Dense(4),
            tf.keras.layers.Dense(1),
        ])
        model.compile(loss="mean_squared_error")
        """,
        # Trap: the loop body is Dense -> BatchNormalization -> Activation, not Dense alone.
        """
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input(shape=(16,))])
        for _ in range(3):
            model.add(layers.Dense(64, use_bias=False))
            model.add(layers.BatchNormalization())
            model.add(layers.Activation("relu"))
        model.add(layers.Dense(1))
        """,
        # Trap: a transformer feed-forward block built in a loop ends in Add/LayerNorm.
        """
        import keras
        from keras import layers
        x = inputs = keras.Input(shape=(10, 32))
        for _ in range(2):
            h = layers.Dense(128, activation="relu")(x)
            h = layers.Dense(32)(h)
            x = layers.LayerNormalization()(layers.Add()([x, h]))
        model = keras.Model(inputs, layers.Dense(1)(x))
        """,
        # Trap: a build function called once per k-fold split builds five models, not one
        # stack of five Dense(1) layers.
        """
        import keras
        def build_model():
            model = keras.Sequential([keras.layers.Dense(64, activation="relu")])
            model.add(keras.layers.Dense(1))
            return model
        for fold in range(5):
            model = build_model()
            model.compile(loss="mse")
        """,
        # Trap: a custom layer (it may apply an activation) follows the Dense in the loop.
        """
        import keras
        x = inputs = keras.Input(shape=(8,))
        for _ in range(3):
            x = keras.layers.Dense(8)(x)
            x = MyGelu()(x)
        model = keras.Model(inputs, x)
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
            model.add(Dense(1, activation="sigmoid"))
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
            if not linear_dense(layer) or wholly_linear(model):
                continue
            width = facts.units(layer)
            if not isinstance(width, int):
                continue
            nxt = graph.only_successor(model, index)
            following = model.layers[nxt] if nxt is not None else None
            if isinstance(layer.repeat, int) and layer.repeat >= 2 and alone_in_loop(model, index):
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
