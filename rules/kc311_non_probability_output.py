"""KC311: a probability loss on an output whose activation does not make probabilities."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data
from ._lib.arguments import argument_node

# Activations whose outputs are probabilities (or logits, which KC302 judges).
_PROBABILITY = frozenset({"softmax", "sigmoid", "hard_sigmoid", "log_softmax", facts.LINEAR})


class NonProbabilityOutput(Rule):
    """A probability loss on an output activation that does not make probabilities.

    ## What it does
    Reports a crossentropy loss (`binary_crossentropy`, `categorical_crossentropy`,
    `sparse_categorical_crossentropy`, focal variants) without `from_logits=True` on a
    model whose output activation is neither softmax nor sigmoid: `relu`, `tanh`, `elu`,
    `selu`, `softplus`, `leaky_relu`, ... (a linear output is KC302's).

    ## Why is this bad?
    Crossentropy takes the log of the predicted probability. A ReLU output is 0 for half
    of its inputs and unbounded above; a tanh output is negative for half. Keras clips the
    predictions into (0, 1), so the gradient vanishes wherever they fall outside, and the
    model stalls at a high loss or predicts one class for everything.

    ## Example
    ```python
    model.add(keras.layers.Dense(10, activation="relu"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Use instead
    ```python
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    ```

    ## Fix safety
    No automatic fix: softmax or sigmoid depends on the labels.
    """

    code = "KC311"
    name = "non-probability-output"
    summary = "Crossentropy loss on a relu/tanh/... output that is not a probability."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        """,
        # Trap: from_logits=True makes a linear output right, and a regression loss wants
        # no probabilities.
        """
        import keras
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
        model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        other = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="relu")])
        other.compile(loss="mse")
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(10, activation="relu")])
            model.compile(loss="categorical_crossentropy", optimizer="adam")
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from tensorflow.keras.layers import Dense, Input, Activation
            from tensorflow.keras.models import Model
            inputs = Input(shape=(4,))
            out = Activation("tanh")(Dense(1)(inputs))
            model = Model(inputs, out)
            model.compile(loss="binary_crossentropy", optimizer="sgd")
            """,
            lines=(7,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            index = data.single_output(ctx.file, model)
            if index is None:
                continue
            loss, from_logits = data.loss(model)
            if loss not in facts.PROBABILITY_LOSSES or from_logits is not False:
                continue
            activation = _output_activation(model, index)
            if not isinstance(activation, str) or activation in _PROBABILITY:
                continue
            compile_ = model.compile
            assert compile_ is not None
            yield self.finding(
                argument_node(compile_.node, "loss", 1),
                f"{loss} expects probabilities, but the output activation is {activation}; "
                f"use {'softmax' if loss.startswith(('categorical', 'sparse')) else 'sigmoid'} "
                "(or a linear output and from_logits=True)",
            )


def _output_activation(model: Model, index: int) -> object:
    layer = model.layers[index]
    if facts.is_weighted(layer) or facts.is_activation_layer(layer):
        return (
            facts.activation_after(model, index)
            if facts.is_weighted(layer)
            else (facts.own_activation(layer))
        )
    return None
