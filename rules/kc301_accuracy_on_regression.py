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
    `keras.losses.MeanSquaredError()`, ...) and the metric means nothing on that output, as
    Keras resolves it: `keras.metrics.Accuracy` anywhere, and `"accuracy"` or binary
    accuracy on a one-unit output with no sigmoid. For a model with several outputs the
    check is made per output, pairing a list or dict of losses with the metrics of the same
    output. A sigmoid or softmax output is a classifier whatever its loss, and on a wider
    output Keras computes categorical accuracy, which is right for one-hot targets: neither
    is reported.

    ## Why is this bad?
    `keras.metrics.Accuracy` counts predictions that equal the target exactly, which a
    continuous prediction almost never does. The string `"accuracy"` is resolved from the
    output: on a one-unit output Keras uses binary accuracy (is the prediction on the same
    side of 0.5 as the target), which for a continuous target means nothing. Either way the
    training log shows a figure that says nothing about the model (the notes say so too:
    accuracy has no meaning for regression). Track an error measure instead.

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
    # Off by default: with a linear one-unit output and MSE, 0/1 targets (a linear
    # classifier, an LSGAN discriminator) make binary accuracy meaningful, and only the data
    # tells; on real code too many findings were of that kind.
    default_enabled = False
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
        # Trap: a sigmoid output is a classifier: Keras resolves "accuracy" to binary
        # accuracy, which is meaningful with MSE too.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
        model.compile(loss="mean_squared_error", metrics=["accuracy"])
        """,
        # Trap: a ten-unit output trained with MSE on one-hot targets: categorical accuracy.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(64), keras.layers.Dense(10)])
        model.compile(loss="mse", metrics=["accuracy"])
        """,
        # Trap: a model kerascheck cannot see: "accuracy" may be resolved to anything.
        """
        import keras
        model = keras.models.load_model("m.keras")
        model.compile(loss="mse", metrics=["accuracy"])
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
            if not accuracies(metrics):
                continue
            node = argument_node(compile_.node, key, position)
            pairs = self.pairs(compile_.loss, metrics, model)
            for loss, output_metrics, output in pairs:
                if not is_regression(loss):
                    continue
                for metric in accuracies(output_metrics):
                    reason = meaningless(metric, model, output)
                    if reason is not None:
                        yield self.finding(node, self.message(metric, describe(loss), reason))
                        break
                else:
                    continue
                break

    @staticmethod
    def pairs(loss: Any, metrics: Any, model: Model | None) -> list[tuple[Any, Any, int | None]]:
        """(loss, metrics, output index) per output; one unpaired entry when unknown."""
        if model is not None:
            per_loss = facts.per_output(loss, model)
            per_metrics = facts.per_output(metrics, model, metrics=True)
            if per_loss is not None and per_metrics is not None:
                outputs = model.output_layers()
                return list(zip(per_loss, per_metrics, outputs, strict=True))
        losses = facts.flatten(loss)
        if losses and all(is_regression(item) for item in losses):
            return [(losses[0], metrics, None)]
        return []

    @staticmethod
    def message(metric: Any, loss: str, reason: str) -> str:
        return (
            f"accuracy metric {describe(metric)} on an output trained with the regression loss "
            f"{loss}: {reason}; track "
            '"mae" or keras.metrics.RootMeanSquaredError() instead'
        )


# Output activations that make an output a classifier whatever the loss.
_PROBABILITIES = frozenset({"sigmoid", "softmax", "hard_sigmoid"})


def _exact_match(metric: Any) -> bool:
    """`keras.metrics.Accuracy` (or `keras.metrics.accuracy`): equality of values, no rounding."""
    if isinstance(metric, Ref | CallValue):
        name = metric.name if isinstance(metric, Ref) else metric.callee
        return name in ("keras.metrics.Accuracy", "keras.metrics.accuracy")
    return False


def _binary(metric: Any) -> bool:
    if isinstance(metric, str):
        return metric.lower() in ("binary_accuracy",)
    if isinstance(metric, Ref | CallValue):
        name = metric.name if isinstance(metric, Ref) else metric.callee
        return name.rsplit(".", 1)[-1].lower() == "binaryaccuracy" or name.endswith(
            ".binary_accuracy"
        )
    return False


def meaningless(metric: Any, model: Model | None, output: int | None) -> str | None:
    """Why the metric means nothing on this output, following Keras's own resolution; None
    when it may mean something (a classifier output, one-hot targets) or cannot be known."""
    if _exact_match(metric):
        return (
            "keras.metrics.Accuracy counts predictions equal to the target, which a continuous "
            "prediction almost never is"
        )
    if model is None or output is None:
        return None
    act = facts.activation_after(model, output)
    if facts.is_activation_layer(model.layers[output]):
        act = facts.own_activation(model.layers[output])
    if not isinstance(act, str) or act in _PROBABILITIES:
        return None  # a sigmoid/softmax output is a classifier: its accuracy is meaningful
    width = facts.output_units(model, output)
    resolved = isinstance(metric, str) and metric.lower() in ("accuracy", "acc")
    if width == 1 and (resolved or _binary(metric)):
        # Keras resolves "accuracy" on a one-unit output to binary_accuracy.
        return (
            "on this one-unit output Keras computes binary accuracy, the share of predictions "
            "on the same side of 0.5 as the target, which means nothing for continuous targets"
        )
    return None
