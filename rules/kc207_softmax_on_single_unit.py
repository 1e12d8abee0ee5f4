"""KC207: softmax over a single unit, whose output is always 1.0."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import Layer
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import graph
from ._lib.edits import set_keyword

SIGMOID = "sigmoid"


def single_unit(layer: Layer) -> bool:
    return facts.is_dense(layer) and facts.units(layer) == 1


def activation_arg(layer: Layer) -> cst.Arg | None:
    """The argument that names this layer's activation: `activation=` or the positional one."""
    if "activation" in layer.kwarg_nodes:
        return layer.kwarg_nodes["activation"]
    if layer.call is None or layer.star_args:
        return None
    position = 1 if facts.is_dense(layer) else 0
    positional = [a for a in layer.call.args if a.keyword is None and not a.star]
    return positional[position] if position < len(positional) else None


def sigmoid_fix(layer: Layer) -> Fix | None:
    if layer.cls == "keras.layers.Softmax":
        return None  # a layer class to replace, not an argument: left to the author
    arg = activation_arg(layer)
    if arg is None or layer.call is None:
        return None
    quote = arg.value.quote if isinstance(arg.value, cst.SimpleString) else '"'
    value = f"{quote}{SIGMOID}{quote}"
    if layer.factory is not None and any(arg is a for a in layer.factory.args):
        # Set at the call: the partial() factory may make other layers that need softmax.
        edit = set_keyword(layer.call, "activation", value)
    else:
        edit = Edit(arg, arg.with_changes(value=cst.parse_expression(value)))
    return Fix(Applicability.UNSAFE, f'use activation="{SIGMOID}"', (edit,))


class SoftmaxOnSingleUnit(Rule):
    """Softmax over one unit: the output is always 1.0.

    ## What it does
    Reports `Dense(1, activation="softmax")`, and `Dense(1)` followed by
    `Activation("softmax")` or `Softmax()`.

    ## Why is this bad?
    Softmax divides each unit's exponential by the sum over all units. With a single unit
    that is `exp(z) / exp(z)`: the output is 1.0 for every input, the gradient is zero, and
    the model learns nothing while the loss looks fine or stays flat. A single probability
    for a binary problem is a sigmoid.

    ## Example
    ```python
    outputs = keras.layers.Dense(1, activation="softmax")(x)
    model.compile(loss="binary_crossentropy")
    ```

    ## Use instead
    ```python
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model.compile(loss="binary_crossentropy")
    ```

    ## Fix safety
    Unsafe: it changes what the model computes (from a constant to a real probability),
    and the loss may need to change with it (`binary_crossentropy` for a sigmoid). A
    `Softmax()` layer is not rewritten.
    """

    code = "KC207"
    name = "softmax-on-single-unit"
    summary = "Softmax over a single unit always outputs 1.0; use sigmoid."
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
        """
        import tensorflow as tf
        outputs = tf.keras.layers.Dense(2, activation=tf.nn.softmax)
        """,
        # Trap: attention over time steps: the softmax runs over axis 1, not the single unit.
        """
        from tensorflow import keras
        inputs = keras.Input(shape=(20, 16))
        scores = keras.layers.Dense(1)(inputs)
        weights = keras.layers.Softmax(axis=1)(scores)
        model = keras.Model(inputs, weights)
        """,
        # Trap: the width comes from a variable that is not known.
        """
        from keras.layers import Dense
        head = Dense(n_outputs, activation="softmax")
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(1, activation="softmax"),
            ])
            """,
            lines=(5,),
            fixed="""
            import keras
            model = keras.Sequential([
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ])
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            N_OUT = 1
            inputs = tf.keras.Input(shape=(8,))
            x = tf.keras.layers.Dense(N_OUT)(inputs)
            outputs = tf.keras.layers.Activation('softmax')(x)
            model = tf.keras.Model(inputs, outputs)
            """,
            lines=(6,),
            fixed="""
            import tensorflow as tf
            N_OUT = 1
            inputs = tf.keras.Input(shape=(8,))
            x = tf.keras.layers.Dense(N_OUT)(inputs)
            outputs = tf.keras.layers.Activation('sigmoid')(x)
            model = tf.keras.Model(inputs, outputs)
            """,
        ),
        Invalid(
            """
            from keras.layers import Dense, Softmax
            from keras import Sequential
            binary = Sequential([Dense(16, activation="relu"), Dense(1, "softmax")])
            other = Sequential([Dense(16, activation="relu"), Dense(1), Softmax()])
            """,
            lines=(4, 5),
            fixed="""
            from keras.layers import Dense, Softmax
            from keras import Sequential
            binary = Sequential([Dense(16, activation="relu"), Dense(1, "sigmoid")])
            other = Sequential([Dense(16, activation="relu"), Dense(1), Softmax()])
            """,
        ),
        # The factory also makes wider softmax layers: the fix overrides at the call.
        Invalid(
            """
            from functools import partial
            from tensorflow import keras
            Head = partial(keras.layers.Dense, activation="softmax")
            multi = Head(10)
            single = Head(1)
            """,
            lines=(6,),
            fixed="""
            from functools import partial
            from tensorflow import keras
            Head = partial(keras.layers.Dense, activation="softmax")
            multi = Head(10)
            single = Head(1, activation="sigmoid")
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        message = (
            "softmax over a single unit always outputs 1.0 and cannot learn; use "
            f'activation="{SIGMOID}" for one probability'
        )
        for model, index, layer in graph.model_layers(ctx.file):
            if not single_unit(layer):
                continue
            act = facts.own_activation(layer)
            if act == "softmax":
                yield self.finding(layer.node, message, sigmoid_fix(layer))
            elif act == facts.LINEAR:
                after = facts.activation_layer_after(model, index)
                if after is None or not graph.runs_with(layer, model.layers[after]):
                    continue
                act_layer = model.layers[after]
                if facts.own_activation(act_layer) != "softmax":
                    continue
                if act_layer.cls == "keras.layers.Softmax" and act_layer.arg("axis", 0, -1) != -1:
                    continue
                yield self.finding(act_layer.node, message, sigmoid_fix(act_layer))
        for layer in graph.loose_layers(ctx.file):
            if single_unit(layer) and facts.own_activation(layer) == "softmax":
                yield self.finding(layer.node, message, sigmoid_fix(layer))
