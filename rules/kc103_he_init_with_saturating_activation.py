"""KC103: He initialisation on a layer that ends in tanh, sigmoid or softmax."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph

HE = frozenset({"he_normal", "he_uniform"})


class HeInitWithSaturatingActivation(Rule):
    """He initialisation on a layer activated by tanh, sigmoid or softmax.

    ## What it does
    Reports Dense and convolution layers whose `kernel_initializer` is He (`he_normal`,
    `he_uniform`, `HeNormal()`, or `VarianceScaling(2.0, "fan_in")`) while their output
    goes through a saturating activation: `tanh`, `sigmoid`, `hard_sigmoid` or `softmax`,
    given as `activation=` or as the activation layer right after them.

    ## Why is this bad?
    He initialisation doubles the weight variance to make up for ReLU discarding half the
    signal. A saturating activation discards nothing, so the doubled variance pushes its
    inputs into the flat tails where the gradient is almost zero: units saturate from the
    first step and learn slowly. Glorot (the Keras default) or LeCun initialisation is the
    match for these activations. Copying `kernel_initializer="he_normal"` from the hidden
    layers onto the output layer is the usual way this happens.

    ## Example
    ```python
    keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal")
    ```

    ## Use instead
    ```python
    keras.layers.Dense(10, activation="softmax")  # glorot_uniform by default
    ```

    ## Fix safety
    No automatic fix: whether to drop the argument or pick Glorot or LeCun explicitly is the
    author's call.
    """

    code = "KC103"
    name = "he-init-with-saturating-activation"
    summary = "He initialisation on a tanh, sigmoid or softmax layer."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        """
        import tensorflow as tf
        x = tf.keras.layers.Dense(64, activation="tanh", kernel_initializer="glorot_normal")
        """,
        # Trap: the notes' LeakyReLU network: He init on linear Dense layers followed by a
        # LeakyReLU layer, and a softmax output left with the default initializer.
        """
        from tensorflow import keras
        model = keras.models.Sequential([
            keras.layers.Flatten(input_shape=[28, 28]),
            keras.layers.Dense(300, kernel_initializer="he_normal"),
            keras.layers.LeakyReLU(),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: BatchNormalization sits between the He-initialised layer and its tanh, and
        # the second layer's activation is not known.
        """
        from keras.layers import Dense, BatchNormalization, Activation
        import keras
        act = config["activation"]
        model = keras.Sequential([
            Dense(64, kernel_initializer="he_uniform"),
            BatchNormalization(),
            Activation("tanh"),
            Dense(64, activation=act, kernel_initializer="he_uniform"),
        ])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
                keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal"),
            ])
            """,
            lines=(5,),
        ),
        Invalid(
            """
            import tensorflow as tf
            init = tf.keras.initializers.HeNormal(seed=0)
            inputs = tf.keras.Input(shape=(16,))
            x = tf.keras.layers.Dense(32, kernel_initializer=init)(inputs)
            x = tf.keras.layers.Activation(tf.nn.tanh)(x)
            model = tf.keras.Model(inputs, x)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from functools import partial
            from keras.layers import Conv2D
            from keras import initializers
            HeConv = partial(Conv2D, kernel_size=3, kernel_initializer="he_uniform")
            features = HeConv(32, activation="relu")
            mask = HeConv(1, activation="sigmoid")
            gate = Conv2D(8, 3, activation="sigmoid",
                          kernel_initializer=initializers.VarianceScaling(2.0, "fan_in"))
            """,
            lines=(7, 8),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for layer, act in graph.activated_layers(ctx.file):
            if act not in facts.SATURATING:
                continue
            init = facts.kernel_initializer(layer)
            if init not in HE:
                continue
            yield self.finding(
                layer.node,
                f"`{layer.short}` with {act} activation is initialised with {init}; He "
                "initialisation is for ReLU-family activations and saturates "
                f"{act}: use the default glorot_uniform or lecun_normal",
            )
