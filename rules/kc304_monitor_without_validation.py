"""KC304: a callback watching a `val_*` quantity in a fit that has no validation data."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Fit
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import CallValue, is_unknown

from ._lib.arguments import argument_node

_CONSEQUENCE = {
    "EarlyStopping": "never stops training early",
    "ReduceLROnPlateau": "never lowers the learning rate",
    "ModelCheckpoint": "never saves a checkpoint with save_best_only=True",
}


def watches_validation(callback: CallValue) -> str | None:
    """The `val_*` quantity a monitoring callback depends on, or None."""
    if callback.callee not in facts.MONITOR_CALLBACKS:
        return None
    if callback.short() == "ModelCheckpoint":
        best_only = facts.callback_argument(callback, "save_best_only", 3, False)
        if best_only is not True:
            return None
    monitor = facts.monitored(callback)
    if isinstance(monitor, str) and monitor.startswith("val_"):
        return monitor
    return None


class MonitorWithoutValidation(Rule):
    """A callback monitors a validation quantity, but `fit` gets no validation data.

    ## What it does
    Reports `EarlyStopping`, `ReduceLROnPlateau`, and `ModelCheckpoint(save_best_only=True)`
    that monitor a `val_*` quantity (explicitly or by Keras's default `monitor="val_loss"`)
    when the `fit` call they are passed to has no `validation_data`, `validation_split` or
    `validation_steps`. When `fit` gets `**kwargs` or its callbacks cannot be resolved,
    nothing is reported, nor when a callback other than Keras's own is in the list (one of
    the author's may compute the `val_*` quantity and write it into the logs).

    ## Why is this bad?
    Without validation data Keras never computes `val_loss`. The callback only logs a
    warning after the first epoch and then does nothing: early stopping never stops, the
    learning rate is never reduced, the best model is never saved. Training runs the full
    number of epochs while the code reads as if it were guarded.

    ## Example
    ```python
    stop = keras.callbacks.EarlyStopping(patience=5)
    model.fit(X_train, y_train, epochs=100, callbacks=[stop])
    ```

    ## Use instead
    ```python
    stop = keras.callbacks.EarlyStopping(patience=5)
    model.fit(X_train, y_train, epochs=100, validation_split=0.2, callbacks=[stop])
    ```

    ## Fix safety
    No automatic fix: whether to hold out validation data or monitor `"loss"` is the
    author's choice.
    """

    code = "KC304"
    name = "monitor-without-validation"
    summary = "Callback monitors a val_* quantity but fit has no validation data."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        stop = keras.callbacks.EarlyStopping(patience=3)
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y, validation_split=0.2, callbacks=[stop])
        """,
        """
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.fit(X, y, callbacks=[tf.keras.callbacks.EarlyStopping(monitor="loss")])
        """,
        # Trap: **kwargs may carry validation_data, so nothing is known.
        """
        from tensorflow.keras.callbacks import ReduceLROnPlateau
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        model = Sequential([Dense(1)])
        model.fit(X, y, callbacks=[ReduceLROnPlateau()], **fit_args)
        """,
        # Trap: ModelCheckpoint without save_best_only saves every epoch; callbacks built
        # elsewhere are unknown.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y, callbacks=[keras.callbacks.ModelCheckpoint("m.keras")])
        model.fit(X, y, callbacks=make_callbacks())
        """,
        # Trap: a callback of the author's own computes the validation metrics itself and
        # writes them into the logs the others read.
        """
        import keras
        from callbacks import ConfusionMatrixCallback
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y, callbacks=[
            ConfusionMatrixCallback(val_gen),
            keras.callbacks.ReduceLROnPlateau(monitor="val_categorical_accuracy"),
        ])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            stop = keras.callbacks.EarlyStopping(patience=3)
            model = keras.Sequential([keras.layers.Dense(1)])
            model.fit(X, y, epochs=100, callbacks=[stop])
            """,
            lines=(5,),
        ),
        Invalid(
            """
            import tensorflow as tf
            ckpt = tf.keras.callbacks.ModelCheckpoint("best.keras", save_best_only=True)
            lr = tf.keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=5)
            callbacks = [ckpt, lr]
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.fit(X, y, validation_data=None,
                      callbacks=callbacks)
            """,
            lines=(8,),
        ),
        Invalid(
            """
            from keras.callbacks import EarlyStopping, TerminateOnNaN
            from keras.models import Sequential
            from keras.layers import Dense
            model = Sequential([Dense(1)])
            model.fit(X, y, callbacks=[EarlyStopping("val_accuracy", patience=2), TerminateOnNaN()])
            """,
            lines=(6,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for fit in ctx.file.fit_calls:
            yield from self.check_fit(fit)

    def check_fit(self, fit: Fit) -> Iterator[Finding]:
        if fit.method not in ("fit", "fit_generator") or fit.star_kwargs:
            return
        if fit.has_validation is not False or any(arg.star for arg in fit.node.args):
            return
        callbacks = fit.callbacks
        if isinstance(callbacks, CallValue):
            callbacks = [callbacks]
        if is_unknown(callbacks) or not isinstance(callbacks, list | tuple):
            return
        if any(_may_write_logs(callback) for callback in callbacks):
            return  # a callback of the author's own may put the val_* quantity in the logs
        node = argument_node(fit.node, "callbacks", 5)
        for callback in callbacks:
            if not isinstance(callback, CallValue):
                continue
            quantity = watches_validation(callback)
            if quantity is None:
                continue
            yield self.finding(
                node,
                f"{callback.short()} monitors {quantity!r} but this fit has no validation data, "
                f"so it {_CONSEQUENCE[callback.short()]}; pass validation_data= or "
                'validation_split=, or monitor "loss"',
            )


def _may_write_logs(callback: object) -> bool:
    """Whether the callback may add quantities to the logs: any callback but Keras's own
    (a LambdaCallback runs the author's code too)."""
    if not isinstance(callback, CallValue):
        return True
    return (
        not callback.callee.startswith("keras.callbacks.") or callback.short() == "LambdaCallback"
    )
