"""KC301: an accuracy metric compiled with a regression loss."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Compile, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import CallValue, Ref

from ._lib.arguments import argument_node


def describe(value: Any) -> str:
    if isinstance(value, Ref):
        return value.raw
    if isinstance(value, CallValue):
        return f"{value.raw}()"
    return repr(value)


def is_regression(loss: Any) -> bool:
    return facts.normalize_loss(loss)[0] in facts.REGRESSION_LOSSES


def class_targets(model: Model) -> bool:
    """Whether the data fed to the model shows one-hot or 0/1 class targets."""
    return any(fit.y is not None and fit.y.labels in ("onehot", "binary") for fit in model.fits)


def accuracies(metrics: Any) -> list[Any]:
    return [m for m in facts.flatten(metrics) if facts.is_accuracy_metric(m)]


class AccuracyOnRegression(Rule):
    """An accuracy metric on a model trained with a regression loss.

    ## What it does
    Reports `compile(...)` calls that ask for an accuracy metric (`"accuracy"`, `"acc"`,
    `keras.metrics.Accuracy`, `CategoricalAccuracy`, `binary_accuracy`, ...) while the loss
    is a regression loss (`"mse"`, `"mean_squared_error"`, `"mae"`, `"huber"`, `"msle"`,
    `keras.losses.MeanSquaredError()`, ...). For a model with several outputs the check is
    made per output, pairing a list or dict of losses with the metrics of the same output.

    ## Why is this bad?
    Accuracy counts predictions that equal the target exactly. A regression output is a
    continuous number, so accuracy stays near zero whatever the model learns, and the
    training log shows a figure that means nothing (the notes say so too: accuracy has no
    meaning for regression). Track an error measure instead.

    ## Example
    ```python
    model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
    ```

    ## Use instead
    ```python
    model.compile(loss="mse", optimizer="adam", metrics=["mae", keras.metrics.RootMeanSquaredError()])
    ```

    ## Fix safety
    No automatic fix: which error measure fits the problem is the author's choice.
    """

    code = "KC301"
    name = "accuracy-on-regression"
    summary = "Accuracy metric compiled with a regression loss."
    severity = Severity.WARNING

    VALID = [
        # Trap: one-hot targets trained with mse make a classifier; accuracy is right there.
        """
        import numpy as np
        import keras
        y = keras.utils.to_categorical(np.random.randint(0, 3, size=(60,)), 3)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="mse", metrics=["accuracy"])
        model.fit(np.random.rand(60, 4), y)
        """,
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam", metrics=["mae"])
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        """,
        # Trap: the regression output has its own metrics; accuracy is on the class output.
        """
        from tensorflow.keras.layers import Input, Dense
        from tensorflow.keras import Model
        x = Input(shape=(8,))
        price = Dense(1, name="price")(x)
        kind = Dense(3, activation="softmax", name="kind")(x)
        model = Model(x, [price, kind])
        model.compile(
            loss={"price": "mse", "kind": "sparse_categorical_crossentropy"},
            metrics={"price": ["mae"], "kind": ["accuracy"]},
        )
        """,
        # Trap: an unknown loss is never guessed to be a regression loss.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(loss=my_loss, metrics=["accuracy"])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.layers.Dense(1)])
            model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])
            model.compile(
                loss=tf.keras.losses.Huber(),
                metrics=[tf.keras.metrics.MeanAbsoluteError(), tf.keras.metrics.Accuracy()],
            )
            """,
            lines=(6,),
        ),
        Invalid(
            """
            from keras.layers import Input, Dense, concatenate
            from keras.models import Model
            from keras.metrics import BinaryAccuracy
            a = Input(shape=(5,))
            price = Dense(1, name="price")(a)
            churn = Dense(1, activation="sigmoid", name="churn")(a)
            model = Model(inputs=a, outputs=[price, churn])
            model.compile(loss=["mae", "binary_crossentropy"], metrics=[[BinaryAccuracy()], ["acc"]])
            """,
            lines=(9,),
        ),
        Invalid(
            """
            from tensorflow import keras
            LOSS = "mean_squared_error"
            model = keras.Sequential()
            model.add(keras.layers.Dense(1))
            model.compile("adam", LOSS, None, ["acc"])
            """,
            lines=(6,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        owners = {id(c): m for m in ctx.file.models for c in m.compiles}
        for compile_ in ctx.file.compile_calls:
            yield from self.check_compile(compile_, owners.get(id(compile_)))

    def check_compile(self, compile_: Compile, model: Model | None) -> Iterator[Finding]:
        if model is not None and class_targets(model):
            return  # one-hot or 0/1 targets: a classifier trained with mse, accuracy is right
        for key, position in (("metrics", 3), ("weighted_metrics", 99)):
            metrics = compile_.metrics if key == "metrics" else compile_.kwargs.get(key)
            found = accuracies(metrics)
            if not found:
                continue
            node = argument_node(compile_.node, key, position)
            losses = facts.flatten(compile_.loss)
            if losses and all(is_regression(loss) for loss in losses):
                loss = describe(losses[0])
                yield self.finding(node, self.message(found[0], loss))
                continue
            if model is None:
                continue
            per_loss = facts.per_output(compile_.loss, model)
            per_metrics = facts.per_output(metrics, model, metrics=True)
            if per_loss is None or per_metrics is None:
                continue
            for loss, output_metrics in zip(per_loss, per_metrics, strict=True):
                output_found = accuracies(output_metrics)
                if output_found and is_regression(loss):
                    yield self.finding(node, self.message(output_found[0], describe(loss)))

    @staticmethod
    def message(metric: Any, loss: str) -> str:
        return (
            f"accuracy metric {describe(metric)} on an output trained with the regression loss "
            f"{loss}: accuracy counts exact matches of continuous predictions and means "
            'nothing here; track "mae" or keras.metrics.RootMeanSquaredError() instead'
        )
