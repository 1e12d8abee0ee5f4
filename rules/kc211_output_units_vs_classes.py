"""KC211: the output layer's width does not match the number of classes in the labels."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data


def mismatch(units: int, loss: str | None, labels: str, classes: int) -> str | None:
    """Why `units` outputs cannot fit these labels, or None when they can."""
    if labels == "onehot":
        if units != classes:
            return f"the labels are one-hot over {classes} classes"
        return None
    if loss in facts.REGRESSION_LOSSES:
        return None  # class indices regressed on purpose (an ordinal target)
    if units == 1:
        if classes > 2:
            return f"the labels are {classes} class indices, not 0/1"
        return None
    if units < classes:
        return f"the labels have {classes} classes, more than the {units} outputs"
    if units > classes and (labels == "integer" or classes > 2):
        return f"the labels have only {classes} classes"
    return None


class OutputUnitsVsClasses(Rule):
    """The output layer's width does not match the number of classes in the labels.

    ## What it does
    Compares the width of a model's output Dense layer with the number of classes of the
    labels it is trained on, where the file shows both: one-hot labels from
    `to_categorical(y, n)`, `np.eye(n)[y]` or a dataset's known classes, integer labels of
    `keras.datasets` or `np.random.randint(0, n)`, `len(np.unique(y))`. Reports one-hot
    labels over `n` classes with an output that is not `n` wide (`Dense(1, "sigmoid")` with
    `to_categorical(y, 3)`), integer labels of more than two classes with one output unit,
    and an output of another width than the number of integer classes.

    ## Why is this bad?
    With one-hot labels Keras stops at the first batch with incompatible shapes. With class
    indices the mistake is silent: one sigmoid unit reads labels 0..9 as if they were 0/1,
    too few softmax units make `sparse_categorical_crossentropy` fail on the larger labels
    (or produce NaN on GPU), and extra units are classes that never occur.

    ## Example
    ```python
    y_train = keras.utils.to_categorical(y_train, 3)
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    y_train = keras.utils.to_categorical(y_train, 3)
    model.add(keras.layers.Dense(3, activation="softmax"))
    model.fit(x_train, y_train)
    ```

    ## Fix safety
    No automatic fix: the width, the activation and the loss change together.
    """

    code = "KC211"
    name = "output-units-vs-classes"
    summary = "Output layer width differs from the number of classes in the labels."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        y = keras.utils.to_categorical(y, 10)
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        model.fit(x / 255.0, y)
        """,
        # Trap: one sigmoid unit with 0/1 labels is right.
        """
        import numpy as np
        from tensorflow import keras
        x = np.random.rand(100, 8)
        y = np.random.randint(0, 2, size=(100,))
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy")
        model.fit(x, y)
        """,
        # Trap: labels whose classes the file does not show are never guessed.
        """
        import keras
        y = keras.utils.to_categorical(labels)
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        model.fit(features, y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import numpy as np
            import keras
            x = np.random.rand(90, 4)
            y = keras.utils.to_categorical(np.random.randint(0, 3, size=(90,)), 3)
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
            model.compile(loss="binary_crossentropy")
            model.fit(x, y)
            """,
            lines=(8,),
        ),
        Invalid(
            """
            from tensorflow.keras.datasets import cifar10
            from tensorflow.keras.models import Sequential
            from tensorflow.keras.layers import Dense, Flatten
            (x_train, y_train), _ = cifar10.load_data()
            model = Sequential([Flatten(input_shape=(32, 32, 3)), Dense(100, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
            model.fit(x_train / 255.0, y_train)
            """,
            lines=(8,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            index = data.single_output(ctx.file, model)
            if index is None:
                continue
            units = facts.output_units(model, index)
            if not isinstance(units, int):
                continue
            loss, _ = data.loss(model)
            for feeding in data.feedings(model):
                y = feeding.y
                if y is None or y.labels not in ("onehot", "integer", "binary"):
                    continue
                classes = data.class_count(y)
                if classes is None or classes < 2:
                    continue
                reason = mismatch(units, loss, y.labels, classes)
                if reason is not None:
                    layer = model.layers[index]
                    yield self.finding(
                        feeding.y_node(),
                        f"the output `{layer.short}` has {units} unit{'s' * (units != 1)} but "
                        f"{reason}; make the output {classes} wide"
                        + (" (or 1 sigmoid unit for 0/1 labels)" if classes == 2 else ""),
                    )
