"""KC202: a hidden Dense layer narrower than the number of classes it must tell apart."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Layer, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph

MIN_CLASSES = 3
DEFAULT_RATIO = 1.0


def classifier_head(model: Model, index: int) -> tuple[int, int] | None:
    """(index of the Dense layer, number of classes) for a softmax output of 3+ units."""
    layer = model.layers[index]
    if facts.is_activation_layer(layer) and facts.own_activation(layer) == "softmax":
        if layer.cls == "keras.layers.Softmax" and layer.arg("axis", 0, -1) != -1:
            return None
        before = graph.only_predecessor(model, index)
        if before is None or facts.own_activation(model.layers[before]) != facts.LINEAR:
            return None
        index, layer = before, model.layers[before]
    elif facts.own_activation(layer) != "softmax":
        return None
    classes = facts.units(layer) if facts.is_dense(layer) else None
    if not isinstance(classes, int) or classes < MIN_CLASSES:
        return None
    return index, classes


def data_classes(model: Model) -> int | None:
    """The number of classes the labels fed to the model show, when all fits agree on one."""
    counts = {fit.y.classes for fit in model.fits if fit.y is not None and fit.y.classes}
    return counts.pop() if len(counts) == 1 else None


def reaches(model: Model, start: int, target: int) -> bool:
    """The start layer's output goes to the target along one chain of width-keeping layers."""
    index = start
    for _ in range(len(model.layers)):
        nxt = graph.only_successor(model, index)
        if nxt is None:
            return False
        if nxt == target:
            return True
        layer = model.layers[nxt]
        if not (facts.is_dense(layer) or layer.cls in graph.PASS_THROUGH):
            return False
        index = nxt
    return False


def ratio_option(options: dict[str, Any]) -> float:
    value = options.get("min-ratio", DEFAULT_RATIO)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return DEFAULT_RATIO


class NarrowBottleneck(Rule):
    """A hidden Dense layer narrower than the number of classes of a softmax output.

    ## What it does
    In a classification model (an output `Dense(N, activation="softmax")` with N of 3 or
    more), reports a hidden Dense layer with fewer than N units (times the `min-ratio`
    option, 1.0 by default) whose output reaches the classifier through Dense, Dropout,
    normalisation or activation layers only. This is the notes' `64 -> 4 -> 46` example.
    Autoencoders, regression heads and sigmoid outputs are not classifiers here; layers
    of unknown width, narrow side branches that merge into a wider path, and layers no
    narrower than the model's own input are not reported.

    ## Why is this bad?
    Everything the output layer knows comes through the narrow layer. To separate N classes
    a softmax layer needs its inputs to span enough directions; squeezed through fewer
    units than classes, the network cannot keep the information needed to tell them all
    apart, and accuracy plateaus however long it trains.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(4, activation="relu"),
        keras.layers.Dense(46, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(46, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: the right width is a modelling decision.

    ## Options
    `min-ratio` (float, default 1.0): report hidden layers narrower than this many times
    the number of classes.
    """

    code = "KC202"
    name = "narrow-bottleneck"
    summary = "Hidden Dense layer narrower than the number of output classes."
    severity = Severity.WARNING
    options = {"min-ratio": DEFAULT_RATIO}

    VALID = [
        # Trap: the labels show 3 classes; a 4-unit layer is no bottleneck for them, however
        # wide the softmax was made.
        """
        import numpy as np
        import keras
        y = keras.utils.to_categorical(np.random.randint(0, 3, size=(60,)), 3)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        model.fit(np.random.rand(60, 20), y)
        """,
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(64, activation="relu", input_shape=(10000,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(46, activation="softmax"),
        ])
        """,
        # Trap: an autoencoder's bottleneck is the point, and its output is a sigmoid.
        """
        from tensorflow import keras
        autoencoder = keras.Sequential([
            keras.layers.Dense(32, activation="relu", input_shape=(784,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(784, activation="sigmoid"),
        ])
        """,
        # Trap: the input has only 2 features; a 4-unit layer squeezes nothing.
        """
        import tensorflow as tf
        inputs = tf.keras.Input(shape=(2,))
        x = tf.keras.layers.Dense(4, activation="relu")(inputs)
        outputs = tf.keras.layers.Dense(10, activation="softmax")(x)
        model = tf.keras.Model(inputs, outputs)
        """,
        # Trap: a narrow side branch concatenated with a wide path, and an unknown width.
        """
        from keras.layers import Dense, Input, concatenate
        from keras import Model
        main = Input(shape=(100,))
        meta = Input(shape=(5,))
        a = Dense(64, activation="relu")(main)
        b = Dense(2, activation="relu")(meta)
        x = concatenate([a, b])
        x = Dense(width, activation="relu")(x)
        model = Model([main, meta], Dense(10, activation="softmax")(x))
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            n_classes = 46
            model = keras.models.Sequential()
            model.add(keras.layers.Dense(64, activation="relu", input_shape=(10000,)))
            model.add(keras.layers.Dense(4, activation="relu"))
            model.add(keras.layers.Dense(n_classes, activation="softmax"))
            """,
            lines=(6,),
        ),
        Invalid(
            """
            import tensorflow as tf
            inputs = tf.keras.Input(shape=(128,))
            x = tf.keras.layers.Dense(8, activation="relu")(inputs)
            x = tf.keras.layers.Dropout(0.2)(x)
            x = tf.keras.layers.Dense(64, activation="relu")(x)
            x = tf.keras.layers.Dense(20)(x)
            outputs = tf.keras.layers.Activation("softmax")(x)
            model = tf.keras.Model(inputs, outputs)
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from functools import partial
            from keras.layers import Dense
            from keras import Sequential
            Relu = partial(Dense, activation="relu")
            model = Sequential([Relu(256), Relu(16), Relu(256), Dense(26, activation="softmax")])
            """,
            lines=(6,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        ratio = ratio_option(ctx.options)
        for model in ctx.file.models:
            for out in model.output_layers():
                head = classifier_head(model, out)
                if head is None:
                    continue
                dense, classes = head
                classes = data_classes(model) or classes
                yield from self.narrow_layers(model, dense, classes, ratio)

    def narrow_layers(
        self, model: Model, head: int, classes: int, ratio: float
    ) -> Iterator[Finding]:
        features = graph.input_width(model)
        for index in sorted(graph.ancestors(model, head)):
            layer: Layer = model.layers[index]
            if not facts.is_dense(layer) or not graph.built(layer):
                continue
            width = facts.units(layer)
            if not isinstance(width, int) or width >= ratio * classes:
                continue
            if features is not None and features <= width:
                continue
            if reaches(model, index, head):
                yield self.finding(
                    layer.node,
                    f"hidden `{layer.short}({width})` is narrower than the {classes} classes "
                    f"of the softmax output: all the classifier learns passes through {width} "
                    f"units; make it at least {math.ceil(ratio * classes)} wide",
                )
