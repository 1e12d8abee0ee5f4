"""KC213 (opt-in): Dropout right before BatchNormalization."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph

_DROPOUTS = frozenset({"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"})


class DropoutBeforeBatchNorm(Rule):
    """Dropout right before BatchNormalization.

    ## What it does
    Reports a `Dropout` (or `SpatialDropout`) layer whose only successor is a
    `BatchNormalization` layer. Off by default: the ordering trains, only worse, and some
    architectures choose it knowingly.

    ## Why is this bad?
    Dropout scales the kept activations by `1 / (1 - rate)` in training and not at
    inference, so the variance BatchNormalization sees in training differs from what it
    meets at inference: its moving statistics are wrong for the test data ("variance
    shift", Li et al., CVPR 2019) and the model scores worse than it trained. Put the
    dropout after the normalisation, or after the last BatchNormalization.

    ## Example
    ```python
    model.add(keras.layers.Dropout(0.5))
    model.add(keras.layers.BatchNormalization())
    ```

    ## Use instead
    ```python
    model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.Dropout(0.5))
    ```

    ## Fix safety
    No automatic fix: reordering layers changes the model.
    """

    code = "KC213"
    name = "dropout-before-batchnorm"
    summary = "Dropout right before BatchNormalization (variance shift at inference)."
    severity = Severity.INFO
    default_enabled = False

    VALID = [
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(8), keras.layers.BatchNormalization(),
                                  keras.layers.Dropout(0.5), keras.layers.Dense(1)])
        """,
        # Trap: a Dense between them.
        """
        import keras
        model = keras.Sequential([keras.layers.Dropout(0.2), keras.layers.Dense(8),
                                  keras.layers.BatchNormalization()])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential()
            model.add(keras.layers.Dense(64, activation="relu"))
            model.add(keras.layers.Dropout(0.5))
            model.add(keras.layers.BatchNormalization())
            """,
            lines=(5,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            for index, layer in enumerate(model.layers):
                if layer.short not in _DROPOUTS:
                    continue
                following = graph.only_successor(model, index)
                if following is None or not facts.is_batchnorm(model.layers[following]):
                    continue
                if graph.only_predecessor(model, following) != index:
                    continue
                yield self.finding(
                    layer.node,
                    "Dropout right before BatchNormalization: the normalisation learns "
                    "statistics of dropped-out activations that inference never sees; move "
                    "the Dropout after it",
                )
