"""KC305: EarlyStopping that keeps the last weights instead of the best ones."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Applicability, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import CallValue, is_unknown

from ._lib.edits import set_keyword

_EARLY_STOPPING = "keras.callbacks.EarlyStopping"
_RESTORE_POSITION = 6


class EarlyStoppingWithoutRestore(Rule):
    """`EarlyStopping` without `restore_best_weights=True`.

    ## What it does
    Reports `keras.callbacks.EarlyStopping(...)` calls that leave `restore_best_weights` at
    its default `False` or set it to `False`. Off by default: enable it with
    `--extend-select KC305`.

    ## Why is this bad?
    Early stopping waits `patience` epochs without improvement before it stops. Without
    `restore_best_weights=True` the model keeps the weights of the last of those epochs,
    which are worse than the best epoch it just detected: the saved or evaluated model is
    not the one early stopping chose.

    ## Example
    ```python
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10)
    ```

    ## Use instead
    ```python
    stop = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=10, restore_best_weights=True
    )
    ```

    ## Fix safety
    Unsafe: `restore_best_weights=True` changes the weights the model ends training with.
    """

    code = "KC305"
    name = "early-stopping-without-restore"
    summary = "EarlyStopping without restore_best_weights=True."
    severity = Severity.INFO
    default_enabled = False
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
        """,
        """
        import tensorflow as tf
        stop = tf.keras.callbacks.EarlyStopping("val_loss", 0, 5, 0, "auto", None, True)
        """,
        # Trap: the setting may come from a dict of options; other callbacks are not checked.
        """
        from tensorflow.keras.callbacks import EarlyStopping, ReduceLROnPlateau
        stop = EarlyStopping(**settings)
        lr = ReduceLROnPlateau(patience=2)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10)
            """,
            lines=(3,),
            fixed="""
            import keras
            stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            cb = [tf.keras.callbacks.EarlyStopping(restore_best_weights=False)]
            """,
            lines=(3,),
            fixed="""
            import tensorflow as tf
            cb = [tf.keras.callbacks.EarlyStopping(restore_best_weights=True)]
            """,
        ),
        Invalid(
            """
            from keras.callbacks import EarlyStopping
            model.fit(X, y, validation_split=0.1, callbacks=[EarlyStopping()])
            """,
            lines=(3,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in ctx.file.calls:
            if call.callee != _EARLY_STOPPING or any(a.star for a in call.node.args):
                continue
            value = facts.callback_argument(
                CallValue(call.callee, call.raw, call.args, call.kwargs),
                "restore_best_weights",
                _RESTORE_POSITION,
                False,
            )
            if value is not False or is_unknown(value):
                continue
            fix = None
            if len(call.args) <= _RESTORE_POSITION:
                fix = Fix(
                    Applicability.UNSAFE,
                    "set restore_best_weights=True",
                    (set_keyword(call.node, "restore_best_weights", "True"),),
                )
            yield self.finding(
                call.node,
                "EarlyStopping keeps the weights of the last epoch, not the best one; pass "
                "restore_best_weights=True",
                fix,
            )
