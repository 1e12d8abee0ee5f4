"""KC402: some random generators seeded, but not all that Keras training draws from."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.model.description import FileModel, SeedCall, SeedKind
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import seeding

_GENERATORS = {
    SeedKind.PYTHON: "Python's `random`",
    SeedKind.NUMPY: "NumPy's generator",
    SeedKind.TENSORFLOW: "TensorFlow's generator",
    SeedKind.TORCH: "torch's generator",
}


def backend_kind(file: FileModel) -> SeedKind | None:
    """The backend seed a file needs: TensorFlow's, torch's for torch-only files, none for JAX."""
    roots = {name.split(".", 1)[0] for imp in file.top_imports for name in imp.modules}
    if "tensorflow" in roots or "tf_keras" in roots:
        return SeedKind.TENSORFLOW
    if "torch" in roots:
        return SeedKind.TORCH
    if "jax" in roots:
        return None
    return SeedKind.TENSORFLOW


def replace_fix(file: FileModel, seed: SeedCall) -> Fix | None:
    """Replace the first seed call by keras.utils.set_random_seed with the same argument."""
    node = seed.node
    anchor = file.anchors.get(id(node))
    if not isinstance(node, cst.Call) or anchor is None or len(node.args) != 1:
        return None
    if node.args[0].keyword is not None or node.args[0].star:
        return None
    name = seeding.keras_name(file, anchor)
    if name.imports:
        return None
    func = cst.parse_expression(f"{name.prefix}.utils.set_random_seed")
    return Fix(
        Applicability.UNSAFE,
        f"call {name.prefix}.utils.set_random_seed instead",
        (Edit(node, node.with_changes(func=func)),),
    )


class PartialSeed(Rule):
    """Seeds some random generators but not all that Keras training draws from.

    ## What it does
    Reports the first seed call of a file that builds or trains a model and seeds some of
    Python's `random`, NumPy and the backend (TensorFlow, or torch) but not all of them,
    and never calls `keras.utils.set_random_seed`. The notes' own first cell,
    `np.random.seed(42)` plus `tf.random.set_seed(42)`, is the typical case.

    ## Why is this bad?
    In Keras 3 an initializer created without a seed takes one from Python's `random`
    module (keras/src/initializers/random_initializers.py calls `make_default_seed()`,
    which is `random.randint`). NumPy's and TensorFlow's seeds do not reach it, so with
    the notes' recipe the initial weights differ on every run (measured with TF 2.21 and
    Keras 3.15: an 8x30 Dense kernel differed by up to 0.7 between two processes). Dropout
    masks are seeded from the same place, and on TensorFlow `fit` shuffles with
    `tf.random.shuffle`. `keras.utils.set_random_seed(n)` seeds Python, NumPy and the
    backend together.

    ## Example
    ```python
    np.random.seed(42)
    tf.random.set_seed(42)
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(42)
    ```

    ## Fix safety
    Unsafe: the fix turns the first seed call into `keras.utils.set_random_seed` with the
    same argument (when Keras is already imported there), which changes the random
    numbers the program draws.
    """

    code = "KC402"
    name = "partial-seed"
    summary = "Seeds some random generators but not all that Keras draws from."
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.layers.Dense(1)])
        """,
        """
        import random
        import numpy as np
        import tensorflow as tf
        random.seed(1)
        np.random.seed(1)
        tf.random.set_seed(1)
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        """,
        # Trap: a file that builds no model seeds what it likes.
        """
        import numpy as np
        from tensorflow import keras
        np.random.seed(0)
        X = np.random.rand(100, 8)
        """,
        # Trap: the seeds set inside a helper function of the file all count.
        """
        import random, numpy as np
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        def seed_everything(seed):
            random.seed(seed)
            np.random.seed(seed)
            import tensorflow as tf
            tf.random.set_seed(seed)
        seed_everything(7)
        model = Sequential([Dense(1)])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import tensorflow as tf
            from tensorflow import keras
            import numpy as np
            np.random.seed(42)
            tf.random.set_seed(42)
            model = keras.Sequential([keras.layers.Dense(1)])
            """,
            lines=(5,),
            fixed="""
            import tensorflow as tf
            from tensorflow import keras
            import numpy as np
            keras.utils.set_random_seed(42)
            tf.random.set_seed(42)
            model = keras.Sequential([keras.layers.Dense(1)])
            """,
        ),
        Invalid(
            """
            import random
            import numpy as np
            import keras
            random.seed(3)
            np.random.seed(3)
            model = keras.Sequential([keras.layers.Dense(1)])
            model.fit(X, y)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras.layers import Dense
            tf.random.set_seed(33)
            layer = Dense(10)
            """,
            lines=(4,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        seeds = seeding.generator_seeds(file)
        if not seeds or not (file.trains or file.layers or file.models):
            return
        kinds = {s.kind for s in seeds}
        if SeedKind.KERAS in kinds or seeding.unknown_seeding(file):
            return
        needed = {SeedKind.PYTHON, SeedKind.NUMPY}
        backend = backend_kind(file)
        if backend is not None and not (kinds & {SeedKind.TENSORFLOW, SeedKind.TORCH}):
            needed.add(backend)
        missing = sorted(needed - kinds, key=lambda k: k.value)
        if not missing:
            return
        given = " and ".join(sorted(k.value for k in kinds))
        names = " and ".join(_GENERATORS[k] for k in missing)
        # The why (Keras 3 initializers draw their seed from Python's `random`) is in the docs.
        yield self.finding(
            seeds[0].node,
            f"seeding only {given} leaves {names} unseeded, so runs still differ; call "
            "keras.utils.set_random_seed(n), which seeds Python, NumPy and the backend",
            replace_fix(file, seeds[0]),
        )
