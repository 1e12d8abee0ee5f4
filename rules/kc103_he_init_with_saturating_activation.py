"""KC103: He initialisation on a layer that ends in tanh, sigmoid or softmax."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import FileModel, Layer, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph

HE = frozenset({"he_normal", "he_uniform"})


def he_hidden_layers(file: FileModel) -> Iterator[tuple[Layer, str, str]]:
    """He-initialised weighted layers of the file's models that feed another weighted
    layer, with the activation their output goes through and the initializer.

    On an output layer the doubled variance shifts the logits by a few percent of their
    spread: true in theory, worth nobody's time. A hidden layer it saturates learns slowly.
    """
    for model, index, layer in graph.model_layers(file):
        # The initializer first: it rules out nearly every layer, the graph walk costs more.
        if not facts.is_weighted(layer):
            continue
        init = facts.kernel_initializer(layer)
        if init not in HE:
            continue
        if not graph.reaches_weighted(model, index):
            continue
        act = facts.activation_after(model, index)
        if isinstance(act, str) and not _gate(model, index):
            yield layer, act, init


def _gate(model: Model, index: int) -> bool:
    """A sigmoid that scales another tensor (squeeze-and-excitation, attention gates): its
    output multiplies features rather than feeding the next layer's activations."""
    after = facts.activation_layer_after(model, index)
    frontier = [after if after is not None else index]
    seen: set[int] = set()
    while frontier:
        i = frontier.pop()
        for j in model.successors(i):
            short = model.layers[j].short
            if short == "Multiply":
                return True
            if short in ("Reshape", "Permute", "RepeatVector") and j not in seen:
                seen.add(j)
                frontier.append(j)
    return False


class HeInitWithSaturatingActivation(Rule):
    """He initialisation on a layer activated by tanh, sigmoid or softmax.

    ## What it does
    Reports hidden Dense and convolution layers (ones that feed another weighted layer of
    the model) whose `kernel_initializer` is He (`he_normal`, `he_uniform`, `HeNormal()`, or
    `VarianceScaling(2.0, "fan_in")`) while their output goes through a saturating
    activation: `tanh`, `sigmoid`, `hard_sigmoid` or `softmax`, given as `activation=` or
    as the activation layer right after them. Output layers are not reported: there the
    larger variance shifts the logits by a few percent, which training absorbs at once.

    ## Why is this bad?
    He initialisation doubles the weight variance to make up for ReLU discarding half the
    signal. A saturating activation discards nothing, so the doubled variance pushes its
    inputs into the flat tails where the gradient is almost zero: units saturate from the
    first step and learn slowly. Glorot (the Keras default) or LeCun initialisation is the
    match for these activations. Switching a ReLU network to tanh and keeping its
    `kernel_initializer="he_normal"` is the usual way this happens.

    ## Example
    ```python
    keras.layers.Dense(256, activation="tanh", kernel_initializer="he_normal")
    keras.layers.Dense(10, activation="softmax")
    ```

    ## Use instead
    ```python
    keras.layers.Dense(256, activation="tanh")  # glorot_uniform by default
    keras.layers.Dense(10, activation="softmax")
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
        # Trap: a squeeze-and-excitation gate scales features; it does not feed activations.
        """
        import keras
        from keras import layers
        inputs = keras.Input(shape=(8, 8, 64))
        s = layers.GlobalAveragePooling2D()(inputs)
        s = layers.Dense(4, activation="relu", kernel_initializer="he_normal")(s)
        s = layers.Dense(64, activation="sigmoid", kernel_initializer="he_normal")(s)
        s = layers.Reshape((1, 1, 64))(s)
        x = layers.Multiply()([inputs, s])
        x = layers.Conv2D(10, 1, activation="softmax")(x)
        model = keras.Model(inputs, x)
        """,
        # Trap: He on a wide softmax output layer: a few percent of the logits' spread.
        """
        import keras
        model = keras.Sequential([
            keras.Input(shape=(2048,)),
            keras.layers.Dense(512, activation="relu", kernel_initializer="he_normal"),
            keras.layers.Dense(10, activation="softmax", kernel_initializer="he_normal"),
        ])
        """,
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
                keras.layers.Dense(300, activation="tanh", kernel_initializer="he_normal"),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import tensorflow as tf
            init = tf.keras.initializers.HeNormal(seed=0)
            inputs = tf.keras.Input(shape=(16,))
            x = tf.keras.layers.Dense(32, kernel_initializer=init)(inputs)
            x = tf.keras.layers.Activation(tf.nn.tanh)(x)
            x = tf.keras.layers.Dense(1)(x)
            model = tf.keras.Model(inputs, x)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from functools import partial
            from keras import Input, Model, initializers
            from keras.layers import Conv2D
            HeConv = partial(Conv2D, kernel_size=3, kernel_initializer="he_uniform")
            image = Input(shape=(32, 32, 3))
            gate = Conv2D(8, 3, activation="sigmoid",
                          kernel_initializer=initializers.VarianceScaling(2.0, "fan_in"))(image)
            mask = HeConv(1, activation="sigmoid")(gate)
            model = Model(image, mask)
            """,
            lines=(7,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for layer, act, init in he_hidden_layers(ctx.file):
            # A softmax feeding more layers is a head (an ensemble's, stacked): He there
            # shifts its logits by a few percent, like on an output layer.
            if act not in facts.SATURATING or act == "softmax":
                continue
            yield self.finding(
                layer.node,
                f"`{layer.short}` with {act} activation is initialised with {init}; He "
                "initialisation is for ReLU-family activations and saturates "
                f"{act}: use the default glorot_uniform or lecun_normal",
            )
