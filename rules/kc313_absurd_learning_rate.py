"""KC313: a learning rate no optimizer can train with (Adam(learning_rate=100), lr <= 0)."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.calls import is_optimizer_class, keras_calls

# Optimizers that scale each step by running gradient statistics: their step is about
# the learning rate itself, so 1.0 or more moves every weight by that much a step.
_ADAPTIVE = frozenset({"Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Lion", "Lamb", "Ftrl"})
# SGD's step is lr times the gradient: rates up to a few are used with normalised layers.
_PLAIN = frozenset({"SGD", "Adagrad"})
_ADAPTIVE_LIMIT = 1.0
_PLAIN_LIMIT = 10.0
# A learning-rate finder or schedule callback sets the rate itself during training.
_RATE_SETTERS = ("LearningRateScheduler", "ReduceLROnPlateau", "CyclicLR", "OneCycle", "LRFinder")


class AbsurdLearningRate(Rule):
    """A learning rate no optimizer can train with.

    ## What it does
    Reports an optimizer built with a literal learning rate (`learning_rate=` or `lr=`, or
    the first positional argument) of 1.0 or more for the adaptive optimizers (Adam, AdamW,
    Adamax, Nadam, RMSprop, Lion), of 10 or more for SGD and Adagrad, and of zero or less
    for any. Files that set the rate from a callback (`LearningRateScheduler`,
    `ReduceLROnPlateau`, a learning-rate finder) are not reported: there the first value
    is not the one trained with.

    ## Why is this bad?
    Adam's step is about `learning_rate` for every weight whatever the gradient's size;
    with 100 every weight jumps by 100 at each step and the loss turns to NaN or stays at
    chance. A zero or negative rate trains nothing or climbs the loss. Rates like these are
    usually a slip (`100` for `1e-2`, `lr=1` meaning "default").

    ## Example
    ```python
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=100), loss="mse")
    ```

    ## Use instead
    ```python
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    ```

    ## Fix safety
    No automatic fix: the intended rate is not known.
    """

    code = "KC313"
    name = "absurd-learning-rate"
    summary = "Learning rate >= 1 for Adam-like optimizers (>= 10 for SGD), or <= 0."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        opt = keras.optimizers.Adam(learning_rate=3e-4)
        sgd = keras.optimizers.SGD(learning_rate=1.0, momentum=0.9)
        ada = keras.optimizers.Adadelta(learning_rate=1.0)
        """,
        # Trap: a learning-rate finder sweeps the rate from a callback.
        """
        import keras
        opt = keras.optimizers.Adam(learning_rate=1.0)
        finder = keras.callbacks.LearningRateScheduler(lambda epoch: 1e-6 * 10 ** (epoch / 4))
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=100), loss="mse")
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from tensorflow.keras.optimizers import RMSprop, SGD
            opt = RMSprop(lr=2)
            other = SGD(0)
            """,
            lines=(3, 4),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        if any(
            site.callee is not None and site.callee.endswith(_RATE_SETTERS) for site in file.calls
        ):
            return
        for call in keras_calls(file, is_optimizer_class):
            short = call.callee.rsplit(".", 1)[-1]
            if short not in _ADAPTIVE and short not in _PLAIN:
                continue
            node = call.keyword("learning_rate") or call.keyword("lr")
            rate = call.kwargs.get("learning_rate", call.kwargs.get("lr"))
            if node is None and call.args and not any(a.star for a in call.node.args):
                positional = [a for a in call.node.args if a.keyword is None]
                node, rate = positional[0], call.args[0]
            if node is None or isinstance(rate, bool) or not isinstance(rate, int | float):
                continue
            limit = _ADAPTIVE_LIMIT if short in _ADAPTIVE else _PLAIN_LIMIT
            if rate <= 0:
                yield self.finding(node, f"{short} with learning rate {rate} cannot learn")
            elif rate >= limit:
                yield self.finding(
                    node,
                    f"{short} with learning rate {rate} takes steps far too large to train "
                    f"(typical: {'1e-3' if short in _ADAPTIVE else '0.01 to 0.1'})",
                )
