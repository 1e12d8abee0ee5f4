"""KC401: a script or notebook that trains a model and never sets a random seed."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.results import Applicability, Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import seeding


class MissingSeed(Rule):
    """A file that trains a model but never seeds the random generators.

    ## What it does
    Reports the first `fit` of a script or notebook that trains (a `fit` that runs at
    module level or in a function the file calls) when the file never calls
    `keras.utils.set_random_seed`, `tf.random.set_seed`, `np.random.seed`, `random.seed`
    or `torch.manual_seed`. Files that only define models, or that call a seeding helper
    kerascheck cannot see into (`seed_everything(42)`), are not reported.

    ## Why is this bad?
    Without a seed the initial weights, the dropout masks and the shuffling of the
    training data differ on every run, so two runs of the same code give different
    models and different scores. A change that seems to help may only be luck, and a
    result cannot be reproduced or debugged.

    ## Example
    ```python
    import keras

    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit(X, y, epochs=10)
    ```

    ## Use instead
    ```python
    import keras

    keras.utils.set_random_seed(42)  # seeds Python, NumPy and the backend together
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit(X, y, epochs=10)
    ```

    ## Fix safety
    Unsafe: the fix inserts `keras.utils.set_random_seed(42)` after the imports (adding
    `import keras` when Keras is not imported), which changes the random numbers the
    program draws and so its results.
    """

    code = "KC401"
    name = "missing-seed"
    summary = "Trains a model but never sets a random seed."
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y)
        """,
        """
        import tensorflow as tf
        def seed_all():
            tf.keras.utils.set_random_seed(0)
        seed_all()
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.fit(X, y)
        """,
        # Trap: a module that only defines a model and a training function nobody calls.
        """
        from tensorflow.keras import Sequential
        from tensorflow.keras.layers import Dense
        def build():
            return Sequential([Dense(1)])
        def train(model, X, y):
            model.fit(X, y)
        """,
        # Trap: a seeding helper from elsewhere may seed everything.
        """
        import keras
        from utils import seed_everything
        seed_everything(42)
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            import numpy as np
            X = np.load("x.npy")
            model = keras.Sequential([keras.layers.Dense(1)])
            model.compile(loss="mse")
            model.fit(X, X, epochs=10)
            """,
            lines=(7,),
            fixed="""
            import keras
            import numpy as np
            keras.utils.set_random_seed(42)
            X = np.load("x.npy")
            model = keras.Sequential([keras.layers.Dense(1)])
            model.compile(loss="mse")
            model.fit(X, X, epochs=10)
            """,
        ),
        Invalid(
            """
            \"\"\"Train the wide and deep model.\"\"\"
            import tensorflow as tf
            def main():
                model = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])
                model.fit(X, y)
            if __name__ == "__main__":
                main()
            """,
            lines=(6,),
            fixed="""
            \"\"\"Train the wide and deep model.\"\"\"
            import tensorflow as tf
            tf.keras.utils.set_random_seed(42)
            def main():
                model = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])
                model.fit(X, y)
            if __name__ == "__main__":
                main()
            """,
        ),
        Invalid(
            """
            from tensorflow.keras.models import Sequential
            from tensorflow.keras.layers import Dense
            model = Sequential([Dense(1)])
            history = model.fit(X, y)
            """,
            lines=(5,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        if seeding.generator_seeds(file) or not seeding.runs_training(file):
            return
        if seeding.unknown_seeding(file):
            return
        first_fit = min(file.fit_calls, key=lambda f: f.seq)
        yield self.finding(
            first_fit.node,
            "trains a model without a random seed, so every run differs; call "
            "keras.utils.set_random_seed(n) before building the model",
            seeding.insert_seed_fix(file),
        )
