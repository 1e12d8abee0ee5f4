"""KC507: a dotted name under `keras.` that Keras 3 does not have, with the closest real one."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.knowledge.api_names import Unknown, diagnose, diagnose_path
from kerascheck.model.description import AttributeRef
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.read.cst_fields import child_nodes
from kerascheck.read.names import dotted_name


def _import_from_holding(ctx: RuleContext, alias: cst.CSTNode) -> cst.ImportFrom | None:
    """The `from ... import` statement one of whose names is `alias` (by identity)."""
    anchor = ctx.file.anchors.get(id(alias))
    body = ctx.file.module.body
    stack: list[cst.CSTNode] = [body[anchor]] if anchor is not None and anchor < len(body) else []
    while stack:
        node = stack.pop()
        if isinstance(node, cst.ImportFrom):
            if not isinstance(node.names, cst.ImportStar) and any(a is alias for a in node.names):
                return node
            continue
        stack.extend(child_nodes(node))
    return None


def _written_from(ref: AttributeRef, parts: list[str]) -> int:
    """Index of the first component of the name that this spelling writes out.

    `keras.callbacks.X` with `import keras` writes all but the root; a bare `X` from
    `from keras.callbacks import X` writes only the last one; an import writes all.
    """
    if ref.imported:
        return 0
    tail = len(ref.raw.split(".")) - 1
    return max(0, len(parts) - tail)


class UnknownKerasAttribute(Rule):
    """A name under `keras.` that does not exist in Keras 3.

    ## What it does
    Checks every dotted name the file reaches through Keras (`keras.X`, `tf.keras.X`,
    `from keras.X import Y`, aliases of Keras modules) against the public Keras 3 API, read
    from a name list that ships with kerascheck (generated from the installed Keras by
    `scripts/gen_keras_api.py`; Keras is never imported while linting). Names under
    `tf.keras` are checked against what `tf.keras` offers, which keeps a few Keras 2 names.
    Attributes of classes and functions (`keras.Model.fit`) are not judged, nor are
    `tf_keras`, `keras.src` and star-imported names.

    ## Why is this bad?
    A misspelt or removed name fails only when the line runs, with an `AttributeError` or
    `ImportError`, often after data loading or a long training run. The notes write
    `keras.callbacks.ModelEarlyStopping()`, which never existed: the class is `EarlyStopping`.
    Keras 2 paths such as `keras.layers.core.Dense`, `keras.layers.experimental.preprocessing`
    and most of `keras.backend` are gone from Keras 3; the message says what replaces them.

    ## Example
    ```python
    earlystop = keras.callbacks.ModelEarlyStopping(patience=5)
    ```

    ## Use instead
    ```python
    earlystop = keras.callbacks.EarlyStopping(patience=5)
    ```

    ## Fix safety
    Safe, and offered only when there is one clear candidate: a name that moved out of a
    private module (`keras.layers.core.Dense` to `keras.layers.Dense`) or a misspelling
    with a single close match. Names imported with `from ... import` are reported at the
    import; there the fix only changes the module (`from keras.layers.core import Dense` to
    `from keras.layers import Dense`), when every name of the statement moved to the same
    module, since renaming an imported name would leave its uses behind.
    """

    code = "KC507"
    # A Keras 3 migration finding: a team targeting Keras 2 has nothing to act on.
    target_versions = ("keras3",)
    name = "unknown-keras-attribute"
    summary = "A name under `keras.` that does not exist in Keras 3; suggests the closest one."
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    VALID = [
        # Trap: names guarded by hasattr or a failed import are a shim for other versions.
        """
        import tensorflow as tf
        if hasattr(tf.keras.optimizers, "legacy"):
            opt = tf.keras.optimizers.legacy.Adam()
        try:
            from keras.layers.core import Dense
        except ImportError:
            from keras.layers import Dense
        """,
        """
        import keras
        stop = keras.callbacks.EarlyStopping(patience=5)
        model = keras.models.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
        print(keras.__version__, keras.Model.fit)
        """,
        # Trap: tf.keras keeps some Keras 2 names that plain `keras` dropped.
        """
        import tensorflow as tf
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
        x = tf.keras.backend.mean(y)
        """,
        # Trap: other Keras packages and private paths are not judged.
        """
        import tf_keras
        from keras.src.layers.core.dense import Dense
        from keras.layers import *
        layer = tf_keras.layers.experimental.preprocessing.Rescaling(1 / 255)
        custom = MyLayer()
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            earlystop = keras.callbacks.ModelEarlyStopping()
            """,
            lines=(3,),
            fixed="""
            import keras
            earlystop = keras.callbacks.EarlyStopping()
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            layer = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255)
            lstm = tf.keras.layers.CuDNNLSTM(64)
            """,
            lines=(3, 4),
            fixed="""
            import tensorflow as tf
            layer = tf.keras.layers.Rescaling(1 / 255)
            lstm = tf.keras.layers.CuDNNLSTM(64)
            """,
        ),
        Invalid(
            """
            from keras.layers.core import Dense, Dropout
            from keras.wrappers.scikit_learn import KerasClassifier
            from keras import backend as K
            model = [Dense(3), Dropout(0.5)]
            m = K.mean(x)
            """,
            lines=(2, 3, 6),
            fixed="""
            from keras.layers import Dense, Dropout
            from keras.wrappers.scikit_learn import KerasClassifier
            from keras import backend as K
            model = [Dense(3), Dropout(0.5)]
            m = K.mean(x)
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for ref in ctx.file.attributes:
            if ref.guarded:
                continue  # `if hasattr(...)`, `try: ... except ImportError:`: a version shim
            # No import spelling (a local alias): accept what either tree has.
            problem = diagnose(ref.full) if ref.full else diagnose_path(ref.name, "any")
            if problem is None:
                continue
            parts = problem.name.split(".")
            start = _written_from(ref, parts)
            if problem.index < start:
                continue  # the import that bound this spelling is reported instead
            if ref.imported:
                fix = self.import_fix(ctx, ref, problem)
            else:
                fix = self.fix(ref, problem, start)
            yield self.finding(ref.node, self.message(problem), fix)

    @staticmethod
    def message(problem: Unknown) -> str:
        parts = problem.name.split(".")
        bad, parent = parts[problem.index], ".".join(parts[: problem.index])
        removed = problem.removed
        if removed is not None and problem.suggestion is None:
            use = f"`{problem.candidates[0]}`" if problem.candidates else removed.replacement
            return (
                f"`{problem.name}` does not exist in Keras 3 (gone since {removed.removed_in}; "
                f"{removed.why}); use {use}"
            )
        if problem.suggestion is not None:
            if problem.index < len(parts) - 1 and problem.suggestion.endswith("." + parts[-1]):
                return (
                    f"`{problem.name}`: `{parent}` has no public `{bad}` in Keras 3; "
                    f"use `{problem.suggestion}`"
                )
            return (
                f"`{problem.name}` does not exist in Keras 3; did you mean `{problem.suggestion}`?"
            )
        text = f"`{problem.name}` does not exist in Keras 3: `{parent}` has no `{bad}`"
        if problem.candidates:
            text += "; close names: " + ", ".join(f"`{c}`" for c in problem.candidates)
        return text

    @staticmethod
    def import_fix(ctx: RuleContext, ref: AttributeRef, problem: Unknown) -> Fix | None:
        """`from keras.layers.core import Dense, Dropout` -> `from keras.layers import ...`.

        Only when every name of the statement moved to the same public module, so that the
        uses, which keep their names, stay right.
        """
        statement = _import_from_holding(ctx, ref.node)
        if statement is None or isinstance(statement.names, cst.ImportStar):
            return None
        module = dotted_name(statement.module) if statement.module else None
        if module is None or statement.relative or problem.suggestion is None:
            return None
        target = problem.suggestion.rsplit(".", 1)[0]
        for alias in statement.names:
            name = alias.evaluated_name
            other = diagnose(f"{module}.{name}")
            if other is None or other.suggestion != f"{target}.{name}":
                return None
        # The file's own spelling of the module (`tensorflow.keras.layers.core`), shortened by
        # the components the suggestion drops.
        dropped = len(problem.name.split(".")) - 1 - len(target.split("."))
        written = module.split(".")
        if dropped < 1 or dropped >= len(written):
            return None
        new_module = ".".join(written[:-dropped])
        replacement = statement.with_changes(module=cst.parse_expression(new_module))
        return Fix(
            Applicability.SAFE, f"import from `{new_module}`", (Edit(statement, replacement),)
        )

    @staticmethod
    def fix(ref: AttributeRef, problem: Unknown, start: int) -> Fix | None:
        if problem.suggestion is None or not isinstance(ref.node, cst.Attribute):
            return None
        parts = problem.name.split(".")
        new_parts = problem.suggestion.split(".")
        if new_parts[:start] != parts[:start]:
            return None
        written = ref.raw.split(".")
        keep = len(written) - (len(parts) - start)
        if keep < 1:
            return None
        replacement = cst.parse_expression(".".join([*written[:keep], *new_parts[start:]]))
        replacement = replacement.with_changes(lpar=ref.node.lpar, rpar=ref.node.rpar)
        return Fix(
            Applicability.SAFE, f"use `{problem.suggestion}`", (Edit(ref.node, replacement),)
        )
