"""KC214: a layer's keyword argument given to `model.add(...)` instead of to the layer."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.model.description import Layer, Model
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
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
    Safe: the arguments move inside the layer's call, which is what the line means; as
    written it can only raise. No fix when the layer already has such an argument or is
    not called right there.
    """

    code = "KC214"
    name = "keyword-on-add"
    summary = "Layer keyword passed to model.add() instead of the layer (misplaced parenthesis)."
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

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
            fixed="""
            from keras.models import Sequential
            from keras.layers import Conv2D, Dense
            model = Sequential()
            model.add(Conv2D(64, 3, input_shape=(28, 28, 1)))
            model.add(Dense(10, activation="softmax"))
            """,
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
            misplaced = [name for name in site.kwargs if name not in _ADD_PARAMETERS]
            if not misplaced:
                continue
            layer = site.args[0]
            listed = ", ".join(f"`{name}=`" for name in misplaced)
            yield self.finding(
                argument_node(site.node, misplaced[0]),
                f"{listed} {'is' if len(misplaced) == 1 else 'are'} given to model.add(), "
                f"which does not take {'it' if len(misplaced) == 1 else 'them'}; move "
                f"{'it' if len(misplaced) == 1 else 'them'} inside the `{layer.short}(...)` call",
                move_fix(site.node, layer, misplaced),
            )


def move_fix(add: cst.Call, layer: Layer, names: list[str]) -> Fix | None:
    """Move the `names=` arguments of `model.add(Layer(...), names=...)` into the layer call."""
    first = add.args[0] if add.args else None
    if first is None or first.keyword is not None or first.star or first.value is not layer.node:
        return None
    inner = first.value
    if not isinstance(inner, cst.Call) or any(a.star for a in inner.args):
        return None
    if any(a.keyword is not None and a.keyword.value in names for a in inner.args):
        return None
    moving = [a for a in add.args if a.keyword is not None and a.keyword.value in names]
    staying = [a for a in add.args if a not in moving]
    inner_args = list(inner.args)
    if inner_args:
        inner_args[-1] = inner_args[-1].with_changes(
            comma=cst.Comma(cst.SimpleWhitespace(""), cst.SimpleWhitespace(" "))
        )
    for i, arg in enumerate(moving):
        last = i == len(moving) - 1
        comma = (
            cst.MaybeSentinel.DEFAULT
            if last
            else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        inner_args.append(arg.with_changes(comma=comma))
    new_inner = inner.with_changes(args=inner_args)
    staying[0] = staying[0].with_changes(value=new_inner)
    staying[-1] = staying[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    new_add = add.with_changes(args=staying)
    listed = ", ".join(f"{name}=" for name in names)
    return Fix(Applicability.SAFE, f"move {listed} into the layer call", (Edit(add, new_add),))
