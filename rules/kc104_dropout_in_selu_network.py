"""KC104: plain Dropout in a self-normalising (SELU) network."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.engine.fix_imports import module_bindings
from kerascheck.model.description import FileModel, Layer
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.read.names import canonical, dotted_name

from ._lib import graph

DROPOUT = "keras.layers.Dropout"
ALPHA = "AlphaDropout"


def alpha_spelling(module: cst.Module, raw: str) -> str | None:
    """How this file can write AlphaDropout, in the style it wrote Dropout; None if it can't.

    `keras.layers.Dropout` and `layers.Dropout` keep their module prefix; a bare `Dropout`
    from a from-import only works when `AlphaDropout` is imported too.
    """
    if "." in raw:
        return f"{raw.rsplit('.', 1)[0]}.{ALPHA}"
    bound = module_bindings(module).get(ALPHA)
    if bound and all(canonical(full) == f"keras.layers.{ALPHA}" for full in bound):
        return ALPHA
    return None


def alpha_fix(file: FileModel, layer: Layer, reported: list[Layer]) -> Fix | None:
    # Where the class is named: the call itself, or the partial() that made the factory,
    # which is only changed when every layer it makes is in a SELU network.
    if layer.factory is not None:
        made = [other for other in file.layers if other.factory is layer.factory]
        if not layer.factory.args or not all(other in reported for other in made):
            return None
        spot = layer.factory.args[0].value
    elif layer.call is not None:
        spot = layer.call.func
    else:
        return None
    if dotted_name(spot) != layer.raw:
        return None  # named through a variable (`D = keras.layers.Dropout`): leave it
    spelling = alpha_spelling(file.module, layer.raw)
    if spelling is None:
        return None
    return Fix(
        Applicability.UNSAFE,
        f"replace Dropout with {ALPHA}",
        (Edit(spot, cst.parse_expression(spelling)),),
    )


class DropoutInSeluNetwork(Rule):
    """Plain `Dropout` in a network whose hidden layers use SELU.

    ## What it does
    Reports `Dropout` layers in a model whose hidden Dense and convolution layers are all
    activated by SELU (by `activation="selu"` or a following `Activation("selu")`). Models
    with other activations, unknown activations, or layers the reader could not follow are
    not reported.

    ## Why is this bad?
    SELU networks keep each layer's outputs at mean 0 and variance 1 on their own. Plain
    dropout breaks that: it sets dropped units to 0 instead of SELU's negative saturation
    value and scales the survivors by 1/(1 - rate), so the mean and variance after it are no
    longer 0 and 1, and the layers after it drift. `AlphaDropout` drops units to the
    saturation value and corrects the mean and variance, keeping self-normalisation.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
        keras.layers.AlphaDropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    Unsafe: AlphaDropout regularises differently, so the trained model changes (rates of
    0.05 to 0.1 are usual for it). The fix keeps the module prefix the file used
    (`tf.keras.layers.Dropout` becomes `tf.keras.layers.AlphaDropout`); for a bare
    `Dropout` it is offered only when `AlphaDropout` is imported as well. A
    `functools.partial` factory is changed only when every layer it makes is reported.
    """

    code = "KC104"
    name = "dropout-in-selu-network"
    summary = "Plain Dropout in a SELU network; use AlphaDropout."
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
            keras.layers.AlphaDropout(0.1),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: the notes' dropout example uses ELU, where plain Dropout is right.
        """
        from tensorflow import keras
        model = keras.models.Sequential([
            keras.layers.Flatten(input_shape=[28, 28]),
            keras.layers.Dropout(rate=0.2),
            keras.layers.Dense(300, activation="elu", kernel_initializer="he_normal"),
            keras.layers.Dropout(rate=0.2),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: a ReLU feature extractor with one SELU layer is not a SELU network.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(32,))
        x = tf.keras.layers.Dense(128, activation="relu")(inputs)
        x = tf.keras.layers.Dropout(0.5)(x)
        x = tf.keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")(x)
        model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(x))
        """,
        # Trap: one element of the list is unknown, so the network is not known to be SELU.
        """
        from keras.layers import Dense, Dropout
        from keras import Sequential
        model = Sequential([
            Dense(100, activation="selu", kernel_initializer="lecun_normal"),
            make_block(),
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
                keras.layers.Dropout(0.2),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(5,),
            fixed="""
            import keras
            model = keras.Sequential([
                keras.layers.Dense(300, activation="selu", kernel_initializer="lecun_normal"),
                keras.layers.AlphaDropout(0.2),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
            for _ in range(10):
                model.add(tf.keras.layers.Dense(100, activation=tf.nn.selu,
                                                kernel_initializer="lecun_normal"))
                model.add(tf.keras.layers.Dropout(rate=0.1))
            model.add(tf.keras.layers.Dense(10, activation="softmax"))
            """,
            lines=(8,),
            fixed="""
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
            for _ in range(10):
                model.add(tf.keras.layers.Dense(100, activation=tf.nn.selu,
                                                kernel_initializer="lecun_normal"))
                model.add(tf.keras.layers.AlphaDropout(rate=0.1))
            model.add(tf.keras.layers.Dense(10, activation="softmax"))
            """,
        ),
        Invalid(
            """
            from functools import partial
            from tensorflow import keras
            Drop = partial(keras.layers.Dropout, rate=0.1)
            SeluDense = partial(keras.layers.Dense, activation="selu", kernel_initializer="lecun_normal")
            model = keras.Sequential([SeluDense(100), Drop(), SeluDense(100), Drop(), keras.layers.Dense(1)])
            """,
            lines=(6,),
            fixed="""
            from functools import partial
            from tensorflow import keras
            Drop = partial(keras.layers.AlphaDropout, rate=0.1)
            SeluDense = partial(keras.layers.Dense, activation="selu", kernel_initializer="lecun_normal")
            model = keras.Sequential([SeluDense(100), Drop(), SeluDense(100), Drop(), keras.layers.Dense(1)])
            """,
        ),
        # A bare Dropout is fixed only when AlphaDropout is imported too.
        Invalid(
            """
            from keras.layers import Dense, Dropout, Activation, Input, AlphaDropout
            from keras import Model
            inputs = Input(shape=(20,))
            x = Dense(64, kernel_initializer="lecun_normal")(inputs)
            x = Activation("selu")(x)
            x = Dropout(0.1)(x)
            outputs = Dense(3, activation="softmax")(x)
            model = Model(inputs, outputs)
            """,
            lines=(7,),
            fixed="""
            from keras.layers import Dense, Dropout, Activation, Input, AlphaDropout
            from keras import Model
            inputs = Input(shape=(20,))
            x = Dense(64, kernel_initializer="lecun_normal")(inputs)
            x = Activation("selu")(x)
            x = AlphaDropout(0.1)(x)
            outputs = Dense(3, activation="softmax")(x)
            model = Model(inputs, outputs)
            """,
        ),
        Invalid(
            """
            from tensorflow.keras.layers import Dense, Dropout
            from tensorflow.keras import Sequential
            model = Sequential([
                Dense(64, activation="selu", kernel_initializer="lecun_normal"),
                Dropout(0.1),
                Dense(1),
            ])
            """,
            lines=(6,),
            fixed="""
            from tensorflow.keras.layers import Dense, Dropout
            from tensorflow.keras import Sequential
            model = Sequential([
                Dense(64, activation="selu", kernel_initializer="lecun_normal"),
                Dropout(0.1),
                Dense(1),
            ])
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        reported: list[Layer] = []
        for model in ctx.file.models:
            if graph.is_selu_network(model):
                reported += [
                    layer
                    for layer in model.layers
                    if layer.cls == DROPOUT and graph.built(layer) and layer not in reported
                ]
        for layer in reported:
            yield self.finding(
                layer.node,
                "plain `Dropout` in a SELU network breaks self-normalisation (dropped "
                "units become 0, not SELU's saturation value); use AlphaDropout",
                alpha_fix(ctx.file, layer, reported),
            )
