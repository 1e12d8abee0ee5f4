"""KC102: a ReLU-family layer left with Glorot initialisation (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph

GLOROT = frozenset({"glorot_uniform", "glorot_normal"})


class InitNotMatchedToActivation(Rule):
    """A ReLU-family layer whose kernel keeps Keras's default Glorot initialisation.

    ## What it does
    Reports Dense and convolution layers activated by ReLU or one of its relatives (`relu`,
    `leaky_relu`, `elu`, `gelu`, `silu`, or a following `ReLU`, `LeakyReLU`, `PReLU`, `ELU`
    or `Activation(...)` layer) whose `kernel_initializer` is Glorot, given or by default.
    Off by default: enable it with `--select KC102`.

    ## Why is this bad?
    Glorot initialisation keeps the variance of signals steady for symmetric activations
    such as tanh. A ReLU zeroes half of its inputs, so each Glorot-initialised ReLU layer
    halves the signal's variance; He initialisation (variance 2/fan_in) compensates. In
    shallow networks the default works well enough, which is why this rule is opt-in; in
    deep ReLU stacks the shrinking signal slows or stalls training.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: choosing between `he_normal` and `he_uniform` is the author's call.
    """

    code = "KC102"
    name = "init-not-matched-to-activation"
    summary = "ReLU-family activation with Glorot initialisation; He init suits it better."
    severity = Severity.INFO
    default_enabled = False

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
        model = tf.keras.models.Sequential([
            tf.keras.layers.Dense(300, kernel_initializer=tf.keras.initializers.HeUniform()),
            tf.keras.layers.LeakyReLU(),
        ])
        """,
        # Trap: BatchNormalization between the Dense and its ReLU rescales the signal, so the
        # layer's own activation is linear; and an unknown initializer is never guessed.
        """
        from keras.layers import Dense, BatchNormalization, Activation
        from keras import Sequential
        init = pick_initializer()
        model = Sequential([
            Dense(300),
            BatchNormalization(),
            Activation("relu"),
            Dense(100, activation="relu", kernel_initializer=init),
        ])
        """,
        # Trap: tanh and sigmoid are what Glorot was made for.
        """
        from tensorflow import keras
        inputs = keras.Input(shape=(8,))
        x = keras.layers.Dense(32, activation="tanh")(inputs)
        outputs = keras.layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.Sequential()
            for _ in range(3):
                model.add(tf.keras.layers.Dense(100, kernel_initializer="glorot_normal"))
                model.add(tf.keras.layers.PReLU())
            model.add(tf.keras.layers.Dense(1))
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from functools import partial
            from keras.layers import Dense, Input
            from keras import Model
            EluDense = partial(Dense, activation="elu")
            inputs = Input(shape=(8,))
            x = EluDense(64)(inputs)
            x = EluDense(64, kernel_initializer="he_normal")(x)
            model = Model(inputs, Dense(1)(x))
            """,
            lines=(7,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for layer, act in graph.activated_layers(ctx.file):
            if act not in facts.RELU_FAMILY:
                continue
            init = facts.kernel_initializer(layer)
            if init not in GLOROT:
                continue
            given = f"the default {init}" if "kernel_initializer" not in layer.kwargs else init
            yield self.finding(
                layer.node,
                f"`{layer.short}` with {act} activation is initialised with {given}; "
                'ReLU-family activations keep their signal with kernel_initializer="he_normal"',
            )
