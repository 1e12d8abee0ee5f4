"""KC201: a linear Dense or convolution layer with a bias, right before BatchNormalization."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Layer, Model
from kerascheck.model.results import Applicability, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph
from ._lib.edits import set_keyword

# Layers with a `use_bias` argument (EinsumDense has `bias_axes` and no bias by default).
BIASED_PREFIXES = ("Dense", "Conv", "SeparableConv", "DepthwiseConv")
# Positional place of `use_bias` and `activation`; convolutions have too many positional
# arguments before them to be read safely, so only keywords count there.
_DENSE_USE_BIAS = 2
_CONV_MAX_POSITIONAL = 5


def has_bias(layer: Layer) -> bool | None:
    """True or False when known; None when a variable or `**kwargs` decides."""
    if facts.is_dense(layer):
        value = layer.arg("use_bias", _DENSE_USE_BIAS, True)
    else:
        if layer.star_args or len(layer.args) > _CONV_MAX_POSITIONAL:
            return None
        value = layer.arg("use_bias", None, True)
    return value if isinstance(value, bool) else None


def normalises_last_axis(layer: Layer) -> bool:
    """BatchNormalization over the features axis (the default), where it cancels a bias."""
    axis = layer.arg("axis", 0, -1)
    return axis in (-1, [-1])


def following_batchnorm(model: Model, index: int) -> Layer | None:
    nxt = graph.only_successor(model, index)
    if nxt is None:
        return None
    layer = model.layers[nxt]
    return layer if facts.is_batchnorm(layer) and normalises_last_axis(layer) else None


class BiasBeforeBatchnorm(Rule):
    """A bias that the following `BatchNormalization` cancels.

    ## What it does
    Reports a Dense or convolution layer with no activation (linear) whose `use_bias` is
    not False and whose output goes straight into `BatchNormalization`. A layer with an
    activation before the BatchNormalization (`Dense(..., activation="relu")`) keeps a
    useful bias and is not reported, nor is a layer whose output also goes elsewhere.

    ## Why is this bad?
    BatchNormalization subtracts the batch mean of each feature, so any constant added
    before it, the bias included, is removed again; its own `beta` supplies the offset.
    The bias is a wasted set of parameters and a wasted addition in every step, as the
    notes say: build the layer with `use_bias=False`.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
    ])
    ```

    ## Fix safety
    Unsafe: the model's outputs do not change, but its weights do: checkpoints saved with
    the bias no longer load into the fixed model. In a `functools.partial` factory the fix
    goes into the factory when every layer it makes is reported, else at the call.
    """

    code = "KC201"
    name = "bias-before-batchnorm"
    summary = "Bias on a linear layer right before BatchNormalization, which cancels it."
    severity = Severity.INFO
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(300, use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
        ])
        """,
        # Trap: the notes' model: an activation between the Dense and the BatchNormalization
        # keeps the bias useful.
        """
        from tensorflow import keras
        model = keras.models.Sequential([
            keras.layers.Flatten(input_shape=[28, 28]),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(300, activation="relu"),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: the layer's output also takes a skip path that keeps the bias, and the other
        # layer's bias is decided by a variable.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(32,))
        h = tf.keras.layers.Dense(32)(inputs)
        n = tf.keras.layers.BatchNormalization()(h)
        x = tf.keras.layers.Add()([h, n])
        y = tf.keras.layers.Dense(32, use_bias=cfg.bias)(x)
        y = tf.keras.layers.BatchNormalization()(y)
        """,
        # Trap: BatchNormalization over another axis does not cancel a per-channel bias.
        """
        from keras.layers import Conv2D, BatchNormalization
        from keras import Sequential
        model = Sequential([Conv2D(32, 3), BatchNormalization(axis=1)])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300),
                keras.layers.BatchNormalization(),
                keras.layers.Activation("relu"),
            ])
            """,
            lines=(4,),
            fixed="""
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.Activation("relu"),
            ])
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(32, 32, 3))
            x = tf.keras.layers.Conv2D(32, 3, padding="same", use_bias=True)(inputs)
            x = tf.keras.layers.BatchNormalization()(x)
            x = tf.keras.layers.ReLU()(x)
            model = tf.keras.Model(inputs, x)
            """,
            lines=(4,),
            fixed="""
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(32, 32, 3))
            x = tf.keras.layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
            x = tf.keras.layers.BatchNormalization()(x)
            x = tf.keras.layers.ReLU()(x)
            model = tf.keras.Model(inputs, x)
            """,
        ),
        # Every layer of the factory is followed by BatchNormalization: fix the factory.
        Invalid(
            """
            from functools import partial
            from keras.layers import Dense, BatchNormalization, Activation
            from keras import Sequential
            HeDense = partial(Dense, kernel_initializer="he_normal")
            model = Sequential()
            for _ in range(3):
                model.add(HeDense(100))
                model.add(BatchNormalization())
                model.add(Activation("relu"))
            """,
            lines=(8,),
            fixed="""
            from functools import partial
            from keras.layers import Dense, BatchNormalization, Activation
            from keras import Sequential
            HeDense = partial(Dense, kernel_initializer="he_normal", use_bias=False)
            model = Sequential()
            for _ in range(3):
                model.add(HeDense(100))
                model.add(BatchNormalization())
                model.add(Activation("relu"))
            """,
        ),
        # The factory also makes a layer that keeps its bias: fix the call instead.
        Invalid(
            """
            from functools import partial
            from tensorflow.keras import layers, Sequential
            HeDense = partial(layers.Dense, kernel_initializer="he_normal")
            model = Sequential([
                HeDense(100),
                layers.BatchNormalization(),
                layers.Activation("relu"),
                HeDense(10),
            ])
            """,
            lines=(6,),
            fixed="""
            from functools import partial
            from tensorflow.keras import layers, Sequential
            HeDense = partial(layers.Dense, kernel_initializer="he_normal")
            model = Sequential([
                HeDense(100, use_bias=False),
                layers.BatchNormalization(),
                layers.Activation("relu"),
                HeDense(10),
            ])
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reported: list[Layer] = []
        for model, index, layer in graph.model_layers(ctx.file):
            if not layer.short.startswith(BIASED_PREFIXES) or not facts.is_weighted(layer):
                continue
            if facts.own_activation(layer) != facts.LINEAR or has_bias(layer) is not True:
                continue
            if following_batchnorm(model, index) is not None and layer not in reported:
                reported.append(layer)
        for layer in reported:
            yield self.finding(
                layer.node,
                f"`{layer.short}` adds a bias that the following BatchNormalization subtracts "
                "again; build it with use_bias=False",
                self.fix(ctx, layer, reported),
            )

    @staticmethod
    def fix(ctx: RuleContext, layer: Layer, reported: list[Layer]) -> Fix | None:
        call = layer.call
        if call is None:
            return None
        target = call
        factory = layer.factory
        if factory is not None and not any(
            arg.keyword is not None and arg.keyword.value == "use_bias" for arg in call.args
        ):
            made = [other for other in ctx.file.layers if other.factory is factory]
            if all(other in reported for other in made):
                target = factory
        return Fix(
            Applicability.UNSAFE, "set use_bias=False", (set_keyword(target, "use_bias", "False"),)
        )
