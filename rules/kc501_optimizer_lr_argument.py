"""KC501: `lr=` on a Keras optimizer, which Keras 3 rejects; the argument is `learning_rate=`."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge.keras3_removals import OPTIMIZER_ARGUMENTS
from kerascheck.model.results import Applicability, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.calls import is_optimizer_class, keras_calls
from ._lib.edits import rename_keyword

_LR = OPTIMIZER_ARGUMENTS["lr"]


class OptimizerLrArgument(Rule):
    """A Keras optimizer given `lr=` instead of `learning_rate=`.

    ## What it does
    Reports `lr=` on any Keras optimizer (`keras.optimizers.Adam(lr=0.001)`, the
    `tf.keras` and `from keras.optimizers import ...` spellings, and `functools.partial`
    factories of them). Only Keras optimizers are judged: `torch.optim.Adam(params, lr=...)`
    and the file's own functions with an `lr` parameter are left alone.

    ## Why is this bad?
    `lr` was Keras 2's old name for the learning rate. Keras 3 optimizers no longer accept it
    and raise `ValueError: Argument(s) not recognized: {'lr': ...}` when the optimizer is
    built, so a script copied from Keras 2 examples stops before training starts.

    ## Example
    ```python
    optimizer = keras.optimizers.SGD(lr=0.001, momentum=0.9)
    ```

    ## Use instead
    ```python
    optimizer = keras.optimizers.SGD(learning_rate=0.001, momentum=0.9)
    ```

    ## Fix safety
    Safe: the keyword is renamed and the value kept, which is exactly what Keras 2 did with
    `lr`. No fix is offered when `learning_rate` (or a positional learning rate) is also given.
    """

    code = "KC501"
    name = "optimizer-lr-argument"
    summary = "`lr=` on a Keras optimizer; Keras 3 only accepts `learning_rate=`."
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    VALID = [
        """
        import keras
        opt = keras.optimizers.Adam(learning_rate=0.001)
        """,
        # Trap: PyTorch's optimizers do take `lr`.
        """
        import torch
        import keras
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        """,
        # Trap: the file's own helpers with `lr` / `max_lr` parameters.
        """
        import tensorflow as tf
        def make_optimizer(lr, max_lr=0.1):
            return tf.keras.optimizers.Adam(learning_rate=lr)
        opt = make_optimizer(lr=0.01, max_lr=0.5)
        """,
        # Trap: a learning-rate schedule is not an optimizer.
        """
        from keras.optimizers.schedules import ExponentialDecay
        schedule = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.9)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            opt = keras.optimizers.SGD(lr=0.001, momentum=0.9)
            """,
            lines=(3,),
            fixed="""
            import keras
            opt = keras.optimizers.SGD(learning_rate=0.001, momentum=0.9)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(lr=1e-3))
            """,
            lines=(3,),
            fixed="""
            import tensorflow as tf
            model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3))
            """,
        ),
        Invalid(
            """
            from tensorflow.keras.optimizers import RMSprop
            from functools import partial
            Opt = partial(RMSprop, lr=0.001, rho=0.9)
            a, b = Opt(), Opt()
            """,
            lines=(4,),
            fixed="""
            from tensorflow.keras.optimizers import RMSprop
            from functools import partial
            Opt = partial(RMSprop, learning_rate=0.001, rho=0.9)
            a, b = Opt(), Opt()
            """,
        ),
        # Both spellings: reported, but renaming would repeat a keyword, so no fix.
        Invalid(
            """
            from keras import optimizers
            opt = optimizers.Nadam(lr=0.002, learning_rate=0.001)
            """,
            lines=(3,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in keras_calls(ctx.file, is_optimizer_class):
            arg = call.keyword("lr")
            if arg is None:
                continue
            fix = None
            if call.keyword("learning_rate") is None and not call.args:
                fix = Fix(
                    Applicability.SAFE,
                    "rename `lr=` to `learning_rate=`",
                    (rename_keyword(arg, "learning_rate"),),
                )
            short = call.callee.rsplit(".", 1)[-1]
            yield self.finding(
                arg,
                f"`{short}(lr=...)`: {_LR.why}; use `learning_rate=` "
                f"(`lr` is gone since {_LR.removed_in})",
                fix,
            )
