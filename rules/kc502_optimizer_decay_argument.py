"""KC502: `decay=` on a Keras optimizer, which Keras 3 ignores: the learning rate never decays."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge.keras3_removals import OPTIMIZER_ARGUMENTS
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.calls import is_optimizer_class, keras_calls

_DECAY = OPTIMIZER_ARGUMENTS["decay"]


class OptimizerDecayArgument(Rule):
    """A Keras optimizer given Keras 2's `decay=` argument.

    ## What it does
    Reports `decay=` on any Keras optimizer, in every import spelling and in
    `functools.partial` factories. `decay=0` is not reported (it asks for nothing), and
    `weight_decay=`, which Keras 3 optimizers do have, is a different argument.

    ## Why is this bad?
    Keras 2 optimizers shrank the learning rate each step as `lr / (1 + decay * step)`.
    The optimizers of Keras 2.11 and later dropped the argument, and Keras 3 accepts it only
    to print a warning and ignore it: training runs at the initial learning rate throughout,
    and nothing fails to tell you so.

    ## Example
    ```python
    optimizer = keras.optimizers.SGD(learning_rate=0.01, decay=1e-4)
    ```

    ## Use instead
    ```python
    schedule = keras.optimizers.schedules.InverseTimeDecay(
        0.01, decay_steps=1, decay_rate=1e-4
    )
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    ```

    ## Fix safety
    No automatic fix: the schedule changes the training, and where the initial learning rate
    comes from (an argument, a default, a variable) varies too much to rewrite it blindly.
    """

    code = "KC502"
    name = "optimizer-decay-argument"
    summary = "`decay=` on a Keras optimizer; Keras 3 ignores it, use a LearningRateSchedule."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-4)
        opt = keras.optimizers.SGD(learning_rate=schedule)
        """,
        # Trap: weight decay is a real Keras 3 argument.
        """
        from tensorflow import keras
        opt = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
        """,
        # Trap: decay=0 asks for no decay, which is what Keras 3 does.
        """
        import tensorflow as tf
        opt = tf.keras.optimizers.Adam(learning_rate=1e-3, decay=0.0)
        """,
        # Trap: not a Keras optimizer.
        """
        import keras
        import torch
        sched = torch.optim.SGD(params, lr=0.1, weight_decay=1e-4)
        ema = make_ema(decay=0.999)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            opt = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, decay=1e-6)
            """,
            lines=(3,),
        ),
        Invalid(
            """
            import tensorflow as tf
            DECAY = 1e-4
            model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(lr=1e-3, decay=DECAY))
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from functools import partial
            from keras.optimizers import RMSprop
            Opt = partial(RMSprop, decay=1e-5)
            """,
            lines=(4,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in keras_calls(ctx.file, is_optimizer_class):
            arg = call.keyword("decay")
            value = call.kwargs.get("decay")
            if arg is None or (value == 0 and not isinstance(value, bool)):
                continue
            short = call.callee.rsplit(".", 1)[-1]
            yield self.finding(
                arg,
                f"`{short}(decay=...)` was removed in {_DECAY.removed_in}: {_DECAY.why}; "
                f"use {_DECAY.replacement}",
            )
