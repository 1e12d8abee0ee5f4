"""KC214: a layer's keyword argument given to `model.add(...)` instead of to the layer."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.description import Layer, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.arguments import argument_node

# What Sequential.add accepts besides the layer (Keras 3 adds `rebuild`).
_ADD_PARAMETERS = frozenset({"layer", "rebuild"})


class KeywordOnAdd(Rule):
    """A layer's keyword argument given to `model.add(...)` instead of to the layer.

    ## What it does
    Reports keyword arguments of `Sequential.add()` other than its own (`layer`,
    `rebuild`), such as `model.add(Conv2D(64, 3), input_shape=(28, 28, 1))` or
    `model.add(Dense(10), activation="softmax")`: a closing parenthesis one place too early.

    ## Why is this bad?
    `add()` takes the layer only; Python raises `TypeError: add() got an unexpected keyword
    argument` when the line runs. Where the call sits in a branch that rarely runs, or the
    argument is caught by a `**kwargs` wrapper, the setting is silently lost.

    ## Example
    ```python
    model.add(keras.layers.Conv2D(64, 3), input_shape=(28, 28, 1))
    ```

    ## Use instead
    ```python
    model.add(keras.layers.Conv2D(64, 3, input_shape=(28, 28, 1)))
    ```

    ## Fix safety
    No automatic fix yet: moving the argument inside the layer call is the fix, to be
    reviewed when the layer already has it.
    """

    code = "KC214"
    name = "keyword-on-add"
    summary = "Layer keyword passed to model.add() instead of the layer (misplaced parenthesis)."
    severity = Severity.ERROR

    VALID = [
        """
        import keras
        model = keras.Sequential()
        model.add(keras.layers.Conv2D(64, 3, input_shape=(28, 28, 1)))
        model.add(keras.layers.Dense(10), rebuild=False)
        """,
        # Trap: `add` on something that is not a Keras model (a set, a user's class).
        """
        import keras
        seen = set()
        seen.add(keras.layers.Dense(3))
        graph.add(keras.layers.Dense(3), input_shape=(3,))
        """,
    ]
    INVALID = [
        Invalid(
            """
            from keras.models import Sequential
            from keras.layers import Conv2D, Dense
            model = Sequential()
            model.add(Conv2D(64, 3), input_shape=(28, 28, 1))
            model.add(Dense(10), activation="softmax")
            """,
            lines=(5, 6),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for site in ctx.file.calls:
            if site.method != "add" or not site.args:
                continue
            receiver = site.receiver
            if not (isinstance(receiver, Model) and receiver.kind == "sequential"):
                continue
            if not isinstance(site.args[0], Layer):
                continue
            for name in site.kwargs:
                if name not in _ADD_PARAMETERS:
                    yield self.finding(
                        argument_node(site.node, name),
                        f"`{name}=` is given to model.add(), which does not take it; move it "
                        f"inside the `{site.args[0].short}(...)` call",
                    )
