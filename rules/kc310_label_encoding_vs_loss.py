"""KC310: the labels are encoded differently from what the loss expects."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import DataFacts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data

_CATEGORICAL = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
_SPARSE = "sparse_categorical_crossentropy"
_BINARY = frozenset({"binary_crossentropy", "bce", "binary_focal_crossentropy"})


def mismatch(loss: str, y: DataFacts, units: object = None) -> str | None:
    rank = data.label_rank(y)
    classes = data.class_count(y)
    column = rank == 1 or (rank == 2 and y.shape is not None and y.shape[-1] == 1)
    if loss in _CATEGORICAL and y.labels in ("integer", "binary") and column:
        return (
            f"{loss} expects one-hot labels, but these are class indices of shape "
            f"{data.shape_text(y.shape)}; use sparse_categorical_crossentropy, or "
            "one-hot encode them with keras.utils.to_categorical"
        )
    if loss == _SPARSE and y.labels == "onehot":
        return (
            f"{loss} expects class indices, but these labels are one-hot"
            f"{'' if y.shape is None else ' of shape ' + data.shape_text(y.shape)}; use "
            "categorical_crossentropy, or keep the integer labels"
        )
    # With one output unit the width is the fault, and KC211 says so.
    many = classes is not None and classes > 2
    if loss in _BINARY and y.labels == "integer" and many and units != 1:
        return (
            f"{loss} expects 0/1 targets, but these labels are {classes} class indices; "
            "use sparse_categorical_crossentropy with a softmax output of that width"
        )
    return None


class LabelEncodingVsLoss(Rule):
    """The labels are encoded differently from what the loss expects.

    ## What it does
    Follows the targets passed to `fit` back to where they were made and compares their
    encoding with the model's loss. Reports integer class labels (a `keras.datasets`
    split, `LabelEncoder`, `np.random.randint`, `argmax`) trained with
    `categorical_crossentropy`, one-hot labels (`to_categorical`, `np.eye(n)[y]`,
    `OneHotEncoder`, `pd.get_dummies`) with `sparse_categorical_crossentropy`, and labels
    of more than two classes with `binary_crossentropy`. Labels the file does not show
    are not reported.

    ## Why is this bad?
    Categorical crossentropy compares a probability row with a one-hot row; given a
    column of class indices Keras fails with incompatible shapes, or, with one output
    unit, trains on nonsense. Sparse crossentropy given one-hot rows fails or reads each
    0/1 as a class index. Binary crossentropy treats labels 2, 3, ... as targets above
    1, and the loss goes negative.

    ## Example
    ```python
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x_train, y_train)
    ```

    ## Fix safety
    No automatic fix: either the loss or the labels may be the one to change.
    """

    code = "KC310"
    name = "label-encoding-vs-loss"
    summary = "Integer labels with categorical_crossentropy, one-hot with the sparse loss."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x / 255.0, y)
        """,
        # Trap: labels one-hot encoded in another cell or line before fit.
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        y = keras.utils.to_categorical(y)
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        model.fit(x / 255.0, y)
        """,
        # Trap: 0/1 labels with binary crossentropy are right.
        """
        import numpy as np
        import keras
        y = np.random.randint(0, 2, size=(64,))
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy")
        model.fit(np.random.rand(64, 3), y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            (x, y), _ = keras.datasets.fashion_mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                      keras.layers.Dense(10, activation="softmax")])
            model.compile(loss="categorical_crossentropy")
            model.fit(x / 255.0, y)
            """,
            lines=(7,),
        ),
        Invalid(
            """
            import numpy as np
            import tensorflow as tf
            y = tf.keras.utils.to_categorical(np.random.randint(0, 4, size=(50,)), 4)
            model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy")
            model.fit(np.random.rand(50, 6), y)
            """,
            lines=(7,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            loss, _ = data.loss(model)
            if not isinstance(loss, str):
                continue
            index = data.single_output(ctx.file, model)
            if index is None:
                continue
            units = facts.output_units(model, index)
            for feeding in data.feedings(model):
                if feeding.y is None or feeding.y.labels is None:
                    continue
                reason = mismatch(loss, feeding.y, units)
                if reason is not None:
                    yield self.finding(feeding.y_node(), reason)
