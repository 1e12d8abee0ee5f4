"""KC101: a SELU layer whose kernel is not initialised with LeCun normal."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Layer
from kerascheck.model.results import Applicability, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import is_unknown

from ._lib import graph
from ._lib.edits import set_keyword


def selu_layers(ctx: RuleContext) -> Iterator[Layer]:
    """Weighted layers whose output goes through SELU, by argument or a following layer."""
    seen: set[int] = set()
    for model in ctx.file.models:
        for index, layer in enumerate(model.layers):
            if facts.is_weighted(layer) and facts.activation_after(model, index) == "selu":
                seen.add(id(layer))
                yield layer
    for layer in ctx.file.layers:
        if (
            id(layer) not in seen
            and facts.is_weighted(layer)
            and facts.own_activation(layer) == "selu"
        ):
            yield layer


def _lone_hidden_selu(ctx: RuleContext) -> set[int]:
    """id() of SELU layers in no stack of SELU layers that feed other layers.

    A SELU hidden layer with no SELU layer before or after it (one per branch of a
    wide-and-deep model, one before a linear output) is no self-normalising stack: its
    initialisation is not what keeps the activations normalised.
    """
    lone: set[int] = set()
    for model in ctx.file.models:
        selu = graph.selu_indices(model)
        for i in selu:
            if model.layers[i].repeat != 1 or not model.successors(i):
                continue
            if not (graph.ancestors(model, i) | graph.descendants(model, i)) & selu:
                lone.add(id(model.layers[i]))
    return lone


def _wrong_init(layer: Layer) -> bool:
    init = facts.kernel_initializer(layer)
    # LeCun uniform has the same 1/fan_in variance that self-normalisation needs.
    return not is_unknown(init) and init not in ("lecun_normal", "lecun_uniform")


class SeluWithoutLecunNormal(Rule):
    """A layer with SELU activation whose `kernel_initializer` is not LeCun normal.

    ## What it does
    Reports Dense and convolution layers activated by SELU (`activation="selu"`,
    `keras.activations.selu`, `tf.nn.selu`, or a following `Activation("selu")` layer)
    whose kernel initializer is anything but LeCun's (`lecun_normal`, or `lecun_uniform`
    with the same variance), including Keras's default `glorot_uniform`.

    ## Why is this bad?
    SELU keeps activations near mean 0 and variance 1 from layer to layer only when the
    weights have variance 1/fan_in, which is what LeCun normal draws. With Glorot or He
    initialisation the self-normalising property is lost: in a deep stack the activations
    drift and gradients explode or vanish, and the reason SELU was chosen is gone.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(100, activation="selu"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"),
    ])
    ```

    ## Fix safety
    Unsafe: setting `kernel_initializer="lecun_normal"` changes the initial weights and so
    the trained model. In a `functools.partial` factory the fix is made once, in the factory.
    """

    code = "KC101"
    name = "selu-without-lecun-normal"
    summary = "SELU activation without LeCun normal kernel initialisation."
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    VALID = [
        # Trap: one SELU layer per branch, merged into a linear output: no SELU stack.
        """
        import keras
        a, b = keras.Input(shape=(5,)), keras.Input(shape=(6,))
        ha = keras.layers.Dense(30, activation="selu")(a)
        hb = keras.layers.Dense(30, activation="selu")(b)
        out = keras.layers.Dense(1)(keras.layers.Concatenate()([ha, hb]))
        model = keras.Model([a, b], out)
        """,
        # Trap: one SELU layer before a linear output is no self-normalising network.
        """
        import keras
        x = keras.Input(shape=(8,))
        h = keras.layers.Dense(30, activation="selu")(x)
        model = keras.Model(x, keras.layers.Dense(1)(h))
        """,
        # Trap: lecun_uniform has the 1/fan_in variance too.
        """
        import keras
        hidden = keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_uniform")
        model = keras.Sequential([hidden, keras.layers.Dense(1)])
        """,
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(10, activation="selu", kernel_initializer="lecun_normal")])
        """,
        """
        from functools import partial
        from tensorflow import keras
        SeluDense = partial(keras.layers.Dense, activation="selu", kernel_initializer="lecun_normal")
        model = keras.models.Sequential([SeluDense(300), SeluDense(100)])
        """,
        """
        import tensorflow as tf
        init = tf.keras.initializers.LecunNormal(seed=1)
        model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation=tf.nn.selu, kernel_initializer=init)])
        """,
        # Trap: ELU is not SELU, and an unknown activation is never guessed.
        """
        from keras.layers import Dense
        import keras
        act = get_activation()
        model = keras.Sequential([Dense(10, activation="elu"), Dense(10, activation=act)])
        """,
        """
        import keras
        x = keras.Input(shape=(8,))
        h = keras.layers.Dense(32, kernel_initializer=keras.initializers.VarianceScaling(1.0, "fan_in", "normal"))(x)
        h = keras.layers.Activation("selu")(h)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.layers.Dense(10, activation="selu")])
            model.add(keras.layers.Dense(10, activation="selu", kernel_initializer="lecun_normal"))
            """,
            lines=(3,),
            fixed="""
            import keras
            model = keras.Sequential([keras.layers.Dense(10, activation="selu", kernel_initializer="lecun_normal")])
            model.add(keras.layers.Dense(10, activation="selu", kernel_initializer="lecun_normal"))
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            for _ in range(20):
                model.add(tf.keras.layers.Dense(100, activation=tf.nn.selu, kernel_initializer="he_normal"))
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from keras.layers import Dense as D, Activation, Input
            from keras import Model
            inputs = Input(shape=(8,))
            x = D(64)(inputs)
            x = Activation("selu")(x)
            x = D(64, activation="selu", kernel_initializer="lecun_normal")(x)
            model = Model(inputs, x)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from functools import partial
            from tensorflow import keras
            SeluDense = partial(keras.layers.Dense, activation="selu")
            model = keras.Sequential([SeluDense(300), SeluDense(100)])
            """,
            lines=(5,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        bad = [layer for layer in selu_layers(ctx) if _wrong_init(layer)]
        if not bad:
            return
        lone = _lone_hidden_selu(ctx)
        bad = [layer for layer in bad if id(layer) not in lone]
        flagged = {id(layer) for layer in bad}
        for layer in bad:
            init = facts.kernel_initializer(layer)
            given = (
                "the default glorot_uniform" if "kernel_initializer" not in layer.kwargs else init
            )
            target = layer.factory or layer.call
            fix = None
            # The code that made this layer may make others too (a build function called
            # with "relu" and "selu", a partial factory): edit it only if all of them need it.
            shared = [o for o in ctx.file.layers if (o.factory or o.call) is target]
            if target is not None and all(id(o) in flagged for o in shared):
                fix = Fix(
                    Applicability.UNSAFE,
                    'set kernel_initializer="lecun_normal"',
                    (set_keyword(target, "kernel_initializer", '"lecun_normal"'),),
                )
            yield self.finding(
                layer.node,
                f"SELU layer `{layer.short}` is initialised with {given}; self-normalisation "
                'needs kernel_initializer="lecun_normal"',
                fix,
            )
