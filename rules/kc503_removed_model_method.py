"""KC503: Keras 2 model methods that Keras 3 does not have (`predict_classes`, `fit_generator`, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst

from kerascheck.engine import fix_imports
from kerascheck.knowledge import keras_facts as facts
from kerascheck.knowledge.keras3_removals import MODEL_METHODS
from kerascheck.model.description import CallSite, Model
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import UNKNOWN, is_unknown

from ._lib.calls import method_sites, model_receiver

# The keywords each generator method shares with its replacement; others block the rename.
_RENAMES: dict[str, tuple[str, frozenset[str]]] = {
    "fit_generator": (
        "fit",
        frozenset(
            {
                "steps_per_epoch",
                "epochs",
                "verbose",
                "callbacks",
                "validation_data",
                "validation_steps",
                "validation_freq",
                "class_weight",
                "shuffle",
                "initial_epoch",
            }
        ),
    ),
    "evaluate_generator": ("evaluate", frozenset({"steps", "callbacks", "verbose"})),
    "predict_generator": ("predict", frozenset({"steps", "callbacks", "verbose"})),
}


def output_units(model: Model) -> Any:
    """Width of the single output Dense layer (through a trailing activation layer)."""
    outputs = model.output_layers()
    if len(outputs) != 1:
        return UNKNOWN
    index = outputs[0]
    layer = model.layers[index]
    if facts.is_activation_layer(layer):
        before = model.predecessors(index)
        if len(before) != 1:
            return UNKNOWN
        layer = model.layers[before[0]]
    return facts.units(layer) if facts.is_dense(layer) else UNKNOWN


class RemovedModelMethod(Rule):
    """A call of a model method that Keras 2 had and Keras 3 removed.

    ## What it does
    Reports `model.predict_classes(x)`, `model.predict_proba(x)`, `model.fit_generator(...)`,
    `model.evaluate_generator(...)` and `model.predict_generator(...)` on values that are or
    may be Keras models, and says what replaces each. Functions or methods of the file's own
    with one of these names are not reported, and `predict_proba` is only reported on a value
    known to be a Keras model (scikit-learn estimators have a real `predict_proba`).

    ## Why is this bad?
    `predict_classes` and `predict_proba` were removed in Keras 2.6 and the `*_generator`
    methods in Keras 3.0: calling them raises `AttributeError`. The notes' tip "use
    `model.predict_classes` when only the top class matters" no longer runs.

    ## Example
    ```python
    y_pred = model.predict_classes(X_new)
    model.fit_generator(train_gen, steps_per_epoch=100, epochs=10)
    ```

    ## Use instead
    ```python
    y_pred = np.argmax(model.predict(X_new), axis=-1)
    model.fit(train_gen, steps_per_epoch=100, epochs=10)
    ```

    ## Fix safety
    Safe where the meaning is certain: `predict_classes(x)` becomes
    `np.argmax(model.predict(x), axis=-1)` when the model's output has several units and
    `(model.predict(x) > 0.5).astype("int32")` when it has one (what Keras 2 did), adding
    `import numpy as np` unless numpy is already imported (its alias is used). When the output
    width is unknown the argmax fix is unsafe: for a single sigmoid unit it would always give 0.
    `fit_generator`, `evaluate_generator` and `predict_generator` are renamed to `fit`,
    `evaluate` and `predict` when they get one positional argument and only keywords the new
    method has. `predict_proba` has no fix.
    """

    code = "KC503"
    name = "removed-model-method"
    summary = "A Keras 2 model method Keras 3 removed (predict_classes, fit_generator, ...)."
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    VALID = [
        """
        import numpy as np
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        y = np.argmax(model.predict(x), axis=-1)
        model.fit(train_gen, epochs=3)
        """,
        # Trap: the file's own function and method with the removed names.
        """
        import tensorflow as tf
        def predict_classes(model, x):
            return model.predict(x).argmax(axis=-1)
        class Trainer:
            def fit_generator(self, gen):
                return self.model.fit(gen)
        trainer = Trainer()
        trainer.fit_generator(gen)
        labels = predict_classes(model, x)
        """,
        # Trap: scikit-learn's predict_proba is real.
        """
        from keras import layers
        from sklearn.linear_model import LogisticRegression
        clf = LogisticRegression().fit(X, y)
        p = clf.predict_proba(X)
        best = search.best_estimator_
        q = best.predict_proba(X)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            y_pred = model.predict_classes(X_new)
            """,
            lines=(4,),
            fixed="""
            import keras
            import numpy as np
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
            y_pred = np.argmax(model.predict(X_new), axis=-1)
            """,
        ),
        Invalid(
            """
            import numpy as onp
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            model.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(8,)))
            labels = model.predict_classes(x, batch_size=32)
            probs = model.predict_proba(x)
            """,
            lines=(6, 7),
            fixed="""
            import numpy as onp
            import tensorflow as tf
            model = tf.keras.models.Sequential()
            model.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(8,)))
            labels = (model.predict(x, batch_size=32) > 0.5).astype("int32")
            probs = model.predict_proba(x)
            """,
        ),
        Invalid(
            """
            from tensorflow.keras.models import load_model
            model = load_model("model.keras")
            model.fit_generator(train_gen, steps_per_epoch=100, epochs=10, workers=4)
            model.evaluate_generator(val_gen, steps=10)
            preds = self.model.predict_generator(test_gen)
            """,
            lines=(4, 5, 6),
            fixed="""
            from tensorflow.keras.models import load_model
            model = load_model("model.keras")
            model.fit_generator(train_gen, steps_per_epoch=100, epochs=10, workers=4)
            model.evaluate(val_gen, steps=10)
            preds = self.model.predict(test_gen)
            """,
        ),
        # The output width is unknown: the argmax fix is only offered as unsafe.
        Invalid(
            """
            import numpy as np
            from keras.models import load_model
            classes = load_model(path).predict_classes(x)
            """,
            lines=(4,),
            fixed="""
            import numpy as np
            from keras.models import load_model
            classes = np.argmax(load_model(path).predict(x), axis=-1)
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        sites = list(method_sites(file, set(MODEL_METHODS) - file.user_functions))
        if not sites:
            return
        # Walking the classes costs more than the rest of the rule: only when a call matched.
        own = file.class_methods
        for site in sites:
            if site.method in own:
                continue
            assert site.method is not None
            kind = model_receiver(site.receiver)
            if site.method == "predict_proba" and kind != "model":
                continue
            entry = MODEL_METHODS[site.method]
            yield self.finding(
                site.node,
                f"`{site.method}()` was removed in {entry.removed_in} ({entry.why}); "
                f"use {entry.replacement}",
                self.fix(ctx, site),
            )

    def fix(self, ctx: RuleContext, site: CallSite) -> Fix | None:
        func = site.node.func
        if not isinstance(func, cst.Attribute) or site.star_kwargs:
            return None
        if site.method in _RENAMES:
            new, keywords = _RENAMES[site.method]
            positional = [a for a in site.node.args if a.keyword is None]
            named = {a.keyword.value for a in site.node.args if a.keyword is not None}
            if len(positional) != 1 or positional[0].star or not named <= keywords:
                return None
            renamed = site.node.with_changes(func=func.with_changes(attr=cst.Name(new)))
            return Fix(Applicability.SAFE, f"call `{new}()`", (Edit(site.node, renamed),))
        if site.method != "predict_classes":
            return None
        predict = site.node.with_changes(
            func=func.with_changes(attr=cst.Name("predict")), lpar=(), rpar=()
        )
        code = cst.Module(body=()).code_for_node(predict)
        units = output_units(site.receiver) if isinstance(site.receiver, Model) else UNKNOWN
        if units == 1:
            expr = f'({code} > 0.5).astype("int32")'
            replacement = cst.parse_expression(expr)
            return Fix(
                Applicability.SAFE,
                "threshold `predict()` at 0.5, as Keras 2 did for one output unit",
                (
                    Edit(
                        site.node,
                        replacement.with_changes(lpar=site.node.lpar, rpar=site.node.rpar),
                    ),
                ),
            )
        numpy = fix_imports.local_name(ctx.file.module, "numpy")
        imports = () if numpy else ("import numpy as np",)
        replacement = cst.parse_expression(f"{numpy or 'np'}.argmax({code}, axis=-1)")
        safe = not is_unknown(units) and isinstance(units, int) and units > 1
        return Fix(
            Applicability.SAFE if safe else Applicability.UNSAFE,
            "take the argmax of `predict()`"
            + ("" if safe else " (wrong for a single sigmoid output unit)"),
            (Edit(site.node, replacement.with_changes(lpar=site.node.lpar, rpar=site.node.rpar)),),
            imports,
        )
