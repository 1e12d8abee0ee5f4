"""KC302: an output activation that does not fit the loss it is trained with."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Compile, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph
from ._lib.arguments import argument_node


def _effective(model: Model) -> list[Compile]:
    """The compiles that training uses: one replaced by another before any fit is not."""
    fits = sorted(f.seq for f in model.fits)
    out = []
    for i, compile_ in enumerate(model.compiles):
        nxt = model.compiles[i + 1].seq if i + 1 < len(model.compiles) else None
        if nxt is None or any(compile_.seq < seq < nxt for seq in fits):
            out.append(compile_)
    return out


def output_label(model: Model, index: int, count: int) -> str:
    layer = model.layers[index]
    name = layer.kwargs.get("name")
    if isinstance(name, str):
        return f'output "{name}"'
    return f"`{layer.short}` output" if count > 1 else "the output"


def mismatch(name: Any, from_logits: Any, activation: Any, units: Any, dense: bool) -> str | None:
    """Why this loss does not fit this output, or None when it fits or is unknown."""
    if name not in facts.PROBABILITY_LOSSES:
        return None
    if from_logits is True and activation in ("softmax", "sigmoid"):
        return (
            f"already applies {activation}, but the loss has from_logits=True and applies it "
            "again; drop the activation or from_logits=True"
        )
    if from_logits is not False:
        return None
    # Two softmax units scored by binary crossentropy on one-hot labels is exactly
    # categorical crossentropy: the two terms are equal. From three units on they differ.
    wide = isinstance(units, int) and units > 2
    if name in facts.BINARY_LOSSES and activation == "softmax" and wide:
        return (
            f"is a softmax over {units} units (they compete and sum to 1) but {name} scores "
            "each unit as an independent yes/no; use sigmoid for multi-label targets or "
            "categorical_crossentropy for one class out of several"
        )
    if name in facts.CATEGORICAL_LOSSES and activation == "sigmoid":
        return (
            f"is a sigmoid, whose units do not sum to 1, but {name} expects a probability "
            "distribution over the classes; use softmax"
        )
    if activation == facts.LINEAR and dense:
        return (
            f"is a Dense layer with no activation, so it produces logits, but {name} expects "
            "probabilities; pass the loss with from_logits=True or add the output activation"
        )
    return None


def two_class_one_hot(model: Model, units: Any) -> bool:
    """Whether the model is fed one-hot labels of two classes for its two output units."""
    labels = [fit.y for fit in model.fits if fit.y is not None]
    return (
        units == 2 and bool(labels) and all(y.labels == "onehot" and y.classes == 2 for y in labels)
    )


class LossActivationMismatch(Rule):
    """The output activation does not fit the loss.

    ## What it does
    For each output of a compiled model, compares the output activation with the loss given
    for that output (a single loss applies to all outputs; a list pairs by position, a dict
    by output layer `name`). Reports:

    - `binary_crossentropy` on a softmax output of more than one unit;
    - `categorical_crossentropy` or `sparse_categorical_crossentropy` on a sigmoid output;
    - `from_logits=True` on a loss whose output already ends in softmax or sigmoid;
    - a probability loss without `from_logits=True` on an output Dense layer with no
      activation.

    Unknown losses, activations and outputs are not reported, nor outputs made in one
    arm of an `if`/`else` whose other arm makes another layer.

    ## Why is this bad?
    Each crossentropy assumes a specific kind of prediction. Softmax units compete and sum
    to one, which is wrong for independent binary labels; sigmoid units do not sum to one,
    which categorical crossentropy assumes. A second softmax or sigmoid applied by
    `from_logits=True` squashes the outputs twice, and a linear output read as
    probabilities is clipped to [0, 1]: the model trains badly or not at all, without an
    error.

    ## Example
    ```python
    model = keras.Sequential([keras.layers.Dense(10, activation="sigmoid")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Use instead
    ```python
    model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Fix safety
    No automatic fix: whether the activation or the loss is wrong depends on the labels.
    """

    code = "KC302"
    name = "loss-activation-mismatch"
    summary = "Output activation does not fit the loss (softmax/sigmoid/logits)."
    severity = Severity.ERROR

    VALID = [
        # Trap: softmax over two one-hot columns with binary crossentropy trains as well as
        # one sigmoid unit; the labels show it.
        """
        import numpy as np
        import keras
        y = keras.utils.to_categorical(np.random.randint(0, 2, size=(40,)), 2)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(loss="binary_crossentropy")
        model.fit(np.random.rand(40, 3), y)
        """,
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(10)])
        model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        """,
        # Trap: a Dense then an Activation("softmax") layer is a softmax output.
        """
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense, Activation
        model = Sequential([Dense(10), Activation("softmax")])
        model.compile(loss="categorical_crossentropy")
        """,
        # Trap: per output; the regression head's linear output is fine with mse.
        """
        import keras
        x = keras.Input(shape=(8,))
        value = keras.layers.Dense(1, name="value")(x)
        label = keras.layers.Dense(1, activation="sigmoid", name="label")(x)
        model = keras.Model(x, [value, label])
        model.compile(loss=["mse", "binary_crossentropy"])
        """,
        # Trap: which output layer runs depends on the branch taken.
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(8,))])
        if multi_label:
            model.add(keras.layers.Dense(5, activation="sigmoid"))
        else:
            model.add(keras.layers.Dense(5, activation="softmax"))
        model.compile(loss="binary_crossentropy" if multi_label else "categorical_crossentropy")
        model.compile(loss="binary_crossentropy")
        """,
        # Trap: two softmax units under binary crossentropy on one-hot labels compute
        # exactly categorical crossentropy.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])
        model.compile(loss="binary_crossentropy", metrics=["accuracy"])
        """,
        # Trap: a sigmoid with one unit and binary crossentropy is right; an unknown
        # activation or loss is never guessed.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy")
        other = keras.Sequential([keras.layers.Dense(4, activation=pick())])
        other.compile(loss="binary_crossentropy")
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            class Tagger(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.hidden = keras.layers.Dense(32, activation="relu")
                    self.out = keras.layers.Dense(5, activation="sigmoid")
                def call(self, x):
                    return self.out(self.hidden(x))
            tagger = Tagger()
            tagger.compile(loss="categorical_crossentropy", optimizer="adam")
            """,
            lines=(11,),
        ),
        Invalid(
            """
            from tensorflow.keras import layers, models
            tagger = models.Sequential([
                layers.Input(shape=(20, 8)),
                layers.LSTM(32, return_sequences=True),
                layers.TimeDistributed(layers.Dense(3, activation="sigmoid")),
            ])
            tagger.compile(loss="categorical_crossentropy", optimizer="adam")
            """,
            lines=(8,),
        ),
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.layers.Dense(10, activation="sigmoid")])
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(46, activation="softmax")])
            model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from keras.layers import Dense
            from keras.models import Sequential
            model = Sequential()
            model.add(Dense(64, activation="relu"))
            model.add(Dense(5, activation="softmax"))
            model.compile(optimizer="rmsprop", loss="binary_crossentropy")
            """,
            lines=(7,),
        ),
        Invalid(
            """
            import keras
            if __name__ == "__main__":
                model = keras.Sequential([keras.Input(shape=(4,))])
                model.add(keras.layers.Dense(3))
                model.compile(loss="sparse_categorical_crossentropy")
            """,
            lines=(6,),
        ),
        Invalid(
            """
            from tensorflow import keras
            inputs = keras.Input(shape=(8,))
            price = keras.layers.Dense(1, name="price")(inputs)
            spam = keras.layers.Dense(1, name="spam")(inputs)
            model = keras.Model(inputs, [price, spam])
            model.compile(
                loss={"price": "mse", "spam": "binary_crossentropy"},
            )
            """,
            lines=(8,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        arms = graph.rival_arms(ctx.file)
        for model in ctx.file.models:
            outputs = model.output_layers()
            for compile_ in _effective(model):
                losses = facts.per_output(compile_.loss, model)
                if losses is None:
                    continue
                node = argument_node(compile_.node, "loss", 1)
                for index, loss in zip(outputs, losses, strict=True):
                    name, from_logits = facts.normalize_loss(loss)
                    layer = model.layers[index]
                    if arms.has_alternative(layer):
                        continue
                    if len(outputs) == 1 and two_class_one_hot(
                        model, facts.output_units(model, index)
                    ):
                        continue  # softmax over 2 one-hot columns: binary crossentropy fits
                    reason = mismatch(
                        name,
                        from_logits,
                        facts.activation_after(model, index),
                        facts.output_units(model, index),
                        facts.is_dense(facts.unwrapped(layer)),
                    )
                    if reason is not None:
                        label = output_label(model, index, len(outputs))
                        yield self.finding(node, f"{label} {reason}")
