"""KC108: softmax on a layer that feeds further Dense or convolution layers."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph


def feeds_weighted(model: Model, index: int, seen: set[int] | None = None) -> bool:
    """Every path from this layer reaches a Dense or convolution layer, through layers that
    only pass the vector on (Dropout, normalisation, activations).

    Attention weights (softmax into `Multiply`, `Dot`, `Permute`, `Lambda`, ...) do not.
    """
    seen = set() if seen is None else seen
    seen.add(index)
    layer = model.layers[index]
    following = model.successors(index)
    if not following or not all(graph.runs_with(layer, model.layers[j]) for j in following):
        return False
    for nxt in following:
        after = model.layers[nxt]
        if facts.is_weighted(after):
            continue
        if after.cls not in graph.PASS_THROUGH or nxt in seen:
            return False
        if not feeds_weighted(model, nxt, seen):
            return False
    return True


class SoftmaxInHiddenLayer(Rule):
    """Softmax activation on a hidden layer.

    ## What it does
    Reports `activation="softmax"` (or an `Activation("softmax")` / `Softmax()` layer) on a
    layer that is not a model output and whose output goes on into further Dense or
    convolution layers, possibly through Dropout, normalisation or activation layers. A
    softmax that feeds a `Multiply`, `Dot`, `Permute` or `Lambda` (attention weights), a
    softmax that is some model's output (an encoder's code), and layers whose place in the
    graph is not known are not reported.

    ## Why is this bad?
    Softmax turns a layer's outputs into a probability distribution that sums to 1, so a
    hidden layer of softmax units carries far less information than the same layer with
    ReLU: one large unit pushes all others to 0, and the gradients through it are small
    and coupled. It belongs on the output layer of a classifier; hidden layers want a
    ReLU-family activation (or tanh, SELU).

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="softmax"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: which hidden activation to use is the author's choice.
    """

    code = "KC108"
    name = "softmax-in-hidden-layer"
    summary = "Softmax activation on a hidden layer."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        """,
        # Trap: attention weights are a softmax inside the graph, on purpose.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(32,))
        scores = tf.keras.layers.Dense(32, activation="softmax")(inputs)
        attended = tf.keras.layers.Multiply()([inputs, scores])
        outputs = tf.keras.layers.Dense(1)(attended)
        model = tf.keras.Model(inputs, outputs)
        """,
        # Trap: a classifier's softmax reused as another model's features is still an output.
        """
        from tensorflow import keras
        inputs = keras.Input(shape=(32,))
        probs = keras.layers.Dense(10, activation="softmax")(inputs)
        classifier = keras.Model(inputs, probs)
        calibrated = keras.layers.Dense(10)(probs)
        stacked = keras.Model(inputs, calibrated)
        """,
        # Trap: if/else arms are rival heads, not one layer feeding the other.
        """
        from keras.layers import Dense
        from keras import Sequential
        model = Sequential([Dense(64, activation="relu")])
        if n_classes > 2:
            model.add(Dense(n_classes, activation="softmax"))
        else:
            model.add(Dense(1, activation="sigmoid"))
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(64, activation="softmax"),
                keras.layers.Dense(10, activation="softmax"),
            ])
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            model.add(tf.keras.layers.Dense(128))
            model.add(tf.keras.layers.Activation(tf.nn.softmax))
            model.add(tf.keras.layers.Dropout(0.3))
            model.add(tf.keras.layers.Dense(1))
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from keras.layers import Dense, Input, Softmax
            from keras import Model
            inputs = Input(shape=(16,))
            x = Dense(32, activation="softmax")(inputs)
            x = Softmax()(Dense(16)(x))
            outputs = Dense(3, activation="softmax")(x)
            model = Model(inputs, outputs)
            """,
            lines=(5, 6),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        outputs = graph.output_ids(ctx.file)
        for model, index, layer in graph.model_layers(ctx.file):
            if not (facts.is_weighted(layer) or facts.is_activation_layer(layer)):
                continue
            if facts.own_activation(layer) != "softmax" or id(layer) in outputs:
                continue
            if feeds_weighted(model, index):
                yield self.finding(
                    layer.node,
                    f"softmax on hidden layer `{layer.short}`: its outputs are forced to sum "
                    "to 1 before further layers; use a ReLU-family activation there and keep "
                    "softmax for the output",
                )
