"""KC306: a callback told to minimise an accuracy or to maximise a loss."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Applicability, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import CallValue

from ._lib.arguments import argument_node
from ._lib.edits import set_keyword

_MEANING = {"min": "lower is better", "max": "higher is better"}


class MonitorModeMismatch(Rule):
    """`mode="min"` on an accuracy-like quantity or `mode="max"` on a loss-like one.

    ## What it does
    Reports `EarlyStopping`, `ReduceLROnPlateau` and `ModelCheckpoint` calls whose `mode`
    points the wrong way for the quantity they monitor: `"min"` for accuracy, AUC,
    precision, recall and the like, `"max"` for a loss or an error. Quantities whose
    direction the name does not tell are not reported.

    ## Why is this bad?
    With the direction reversed, the callback treats every improvement as a setback: early
    stopping halts as soon as the model starts learning, the learning rate is cut while
    training goes well, and the checkpoint keeps the worst model. `mode="auto"` (the
    default) infers the direction from the name and is right for the built-in metrics.

    ## Example
    ```python
    keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="min", patience=5)
    ```

    ## Use instead
    ```python
    keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=5)
    ```

    ## Fix safety
    Unsafe: the fix sets `mode` to the direction the name implies, which changes when
    training stops and which model is kept.
    """

    code = "KC306"
    name = "monitor-mode-mismatch"
    summary = 'mode="min" on an accuracy-like quantity or mode="max" on a loss-like one.'
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max")
        """,
        """
        import tensorflow as tf
        lr = tf.keras.callbacks.ReduceLROnPlateau("val_loss", 0.5, 3, 0, "min")
        """,
        # Trap: mode="auto" is always right for these names; a custom quantity whose
        # direction the name does not tell is not guessed.
        """
        from tensorflow.keras.callbacks import ModelCheckpoint, EarlyStopping
        ckpt = ModelCheckpoint("m.keras", monitor="val_auc", save_best_only=True)
        stop = EarlyStopping(monitor="val_dice", mode="max")
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="min", patience=5)
            """,
            lines=(3,),
            fixed="""
            import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=5)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            ckpt = tf.keras.callbacks.ModelCheckpoint(
                "best.keras",
                save_best_only=True,
                mode="max",
            )
            """,
            lines=(6,),
            fixed="""
            import tensorflow as tf
            ckpt = tf.keras.callbacks.ModelCheckpoint(
                "best.keras",
                save_best_only=True,
                mode="min",
            )
            """,
        ),
        Invalid(
            """
            from keras.callbacks import ReduceLROnPlateau
            MONITOR = "val_auc"
            lr = ReduceLROnPlateau(MONITOR, 0.2, 4, 0, "min")
            """,
            lines=(4,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in ctx.file.calls:
            if call.callee not in facts.MONITOR_CALLBACKS or any(a.star for a in call.node.args):
                continue
            callback = CallValue(call.callee, call.raw, call.args, call.kwargs)
            mode_position = facts.MONITOR_CALLBACKS[call.callee][1]
            mode = facts.callback_argument(callback, "mode", mode_position, "auto")
            monitor = facts.monitored(callback)
            if not isinstance(mode, str) or mode not in _MEANING or not isinstance(monitor, str):
                continue
            direction = facts.monitor_direction(monitor)
            if direction is None or direction == mode:
                continue
            fix = None
            if "mode" in call.kwargs:
                fix = Fix(
                    Applicability.UNSAFE,
                    f'set mode="{direction}"',
                    (set_keyword(call.node, "mode", f'"{direction}"'),),
                )
            kind = "an accuracy-like" if direction == "max" else "a loss-like"
            yield self.finding(
                argument_node(call.node, "mode", mode_position),
                f'mode="{mode}" tells {callback.short()} that {_MEANING[mode]}, but '
                f"{monitor!r} is {kind} quantity ({_MEANING[direction]}); "
                f'use mode="{direction}" or "auto"',
                fix,
            )
