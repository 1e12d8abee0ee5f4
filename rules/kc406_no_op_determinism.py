"""KC406: seeded training without op determinism, so GPU kernels may still vary."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.model.description import FileModel, SeedCall, SeedKind
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import seeding


def determinism_fix(file: FileModel, seed: SeedCall) -> Fix | None:
    """Insert enable_op_determinism() after a module-level seed statement, if TF is imported."""
    anchor = file.anchors.get(id(seed.node))
    if anchor is None or seed.in_function:
        return None
    statement = file.module.body[anchor]
    if not isinstance(statement, cst.SimpleStatementLine) or not any(
        isinstance(small, cst.Expr) and small.value is seed.node for small in statement.body
    ):
        return None
    tf = seeding.bound_name(file, anchor, "tensorflow")
    if tf is None:
        return None
    call = f"{tf}.config.experimental.enable_op_determinism()"
    body = list(file.module.body)
    body.insert(anchor + 1, cst.parse_statement(f"{call}\n"))
    return Fix(
        Applicability.UNSAFE,
        f"call {call} after the seed",
        (Edit(file.module, file.module.with_changes(body=body)),),
    )


class NoOpDeterminism(Rule):
    """Training is seeded, but op determinism is never enabled.

    ## What it does
    Reports the seed call of a file that trains a model and seeds its random generators
    but never calls `tf.config.experimental.enable_op_determinism()` (nor sets
    `TF_DETERMINISTIC_OPS`, nor `torch.use_deterministic_algorithms(True)`). Off by
    default: enable it with `--extend-select KC406` where bitwise repeatable runs matter.

    ## Why is this bad?
    Seeds fix the random numbers, not the order of floating-point additions. Several GPU
    kernels (reductions with atomics, some cuDNN convolutions and their gradients) sum in
    an order that changes from run to run, so seeded training can still end with different
    weights on a GPU. `enable_op_determinism()` selects deterministic kernels and raises on
    ops that have none. On CPU it cost nothing measurable for the notes' wide and deep
    model; on a GPU it can be slower, which is why this rule is opt-in.

    ## Example
    ```python
    keras.utils.set_random_seed(42)
    model.fit(X, y)
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(42)
    tf.config.experimental.enable_op_determinism()
    model.fit(X, y)
    ```

    ## Fix safety
    Unsafe: the fix inserts `tf.config.experimental.enable_op_determinism()` after the seed
    (only where TensorFlow is imported and the seed is a statement of its own at module
    level); it can slow training and makes ops without a deterministic kernel raise.
    """

    code = "KC406"
    name = "no-op-determinism"
    summary = "Seeded, but enable_op_determinism() is never called."
    severity = Severity.INFO
    default_enabled = False
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        import tensorflow as tf
        keras.utils.set_random_seed(42)
        tf.config.experimental.enable_op_determinism()
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y)
        """,
        # Trap: the legacy environment variable also switches determinism on.
        """
        import os
        import tensorflow as tf
        os.environ["TF_DETERMINISTIC_OPS"] = "1"
        tf.keras.utils.set_random_seed(1)
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.fit(X, y)
        """,
        # Trap: a seeded file that trains nothing.
        """
        from tensorflow import keras
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.layers.Dense(1)])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            import tensorflow as tf
            keras.utils.set_random_seed(42)
            model = keras.Sequential([keras.layers.Dense(1)])
            model.fit(X, y)
            """,
            lines=(4,),
            fixed="""
            import keras
            import tensorflow as tf
            keras.utils.set_random_seed(42)
            tf.config.experimental.enable_op_determinism()
            model = keras.Sequential([keras.layers.Dense(1)])
            model.fit(X, y)
            """,
        ),
        Invalid(
            """
            import numpy as np
            import tensorflow as tf
            np.random.seed(1); tf.random.set_seed(1)
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.fit(X, y)
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from tensorflow.keras.utils import set_random_seed
            from tensorflow.keras import Sequential
            from tensorflow.keras.layers import Dense
            set_random_seed(5)
            Sequential([Dense(1)]).fit(X, y)
            """,
            lines=(5,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        seeds = seeding.generator_seeds(file)
        if not seeds or not seeding.runs_training(file):
            return
        if any(s.kind is SeedKind.OP_DETERMINISM for s in file.seeds):
            return
        seed = next((s for s in seeds if s.kind is SeedKind.KERAS), seeds[0])
        yield self.finding(
            seed.node,
            "training is seeded but op determinism is off: some GPU kernels still sum in a "
            "varying order, so weights can differ run to run; call "
            "tf.config.experimental.enable_op_determinism() after the seed",
            determinism_fix(file, seed),
        )
