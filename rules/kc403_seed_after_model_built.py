"""KC403: the seed is set after layers were created or data was shuffled."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import CallSite, FileModel, Layer, SeedCall, SeedKind
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import seeding

# Layers that draw a seed from the global generators when constructed (others, such as
# Input, Normalization or Flatten, draw nothing).
_DRAWING = frozenset(
    {"Embedding", "LSTM", "GRU", "SimpleRNN", "MultiHeadAttention", "Bidirectional"}
)


def draws_seed(layer: Layer) -> bool:
    short = layer.short
    return (
        facts.is_weighted(layer)
        or short in _DRAWING
        or "Dropout" in short
        or short.startswith(("Gaussian", "Random"))
    )


# Which seeds govern which shuffling function.
_SHUFFLE_SEEDS = {
    "numpy.random.shuffle": {SeedKind.NUMPY, SeedKind.KERAS},
    "numpy.random.permutation": {SeedKind.NUMPY, SeedKind.KERAS},
    "random.shuffle": {SeedKind.PYTHON, SeedKind.KERAS},
}


def layer_before(file: FileModel, seed: SeedCall) -> Layer | None:
    """The first layer made at module level (or in a call from there) before the seed."""
    start = file.first_build_seq
    if start is None or start > seed.seq:
        return None
    early = [layer for layer in file.layers if start <= layer.seq < seed.seq and draws_seed(layer)]
    return min(early, key=lambda layer: layer.seq, default=None)


def shuffle_before(file: FileModel, seed: SeedCall, kinds: set[SeedKind]) -> CallSite | None:
    for call in file.calls:
        if call.in_function is not None or call.seq > seed.seq or call.callee not in _SHUFFLE_SEEDS:
            continue
        if _SHUFFLE_SEEDS[call.callee] & kinds:
            return call
    return None


class SeedAfterModelBuilt(Rule):
    """The random seed is set only after layers were created or the data was shuffled.

    ## What it does
    Reports the first seed call of a file (`keras.utils.set_random_seed`,
    `tf.random.set_seed`, `np.random.seed`, ...) when, before it ran, the module already
    created a layer or a model, or shuffled data with `np.random.shuffle`,
    `np.random.permutation` or `random.shuffle` from a generator that seed governs.
    Seeding again later, before a second model, is not reported, and neither are layers
    that draw nothing when made (`keras.Input`, `Normalization`, `Flatten`, ...).

    ## Why is this bad?
    A Keras 3 layer draws the seed of its initializers when it is constructed, not when it
    is trained. A seed set afterwards comes too late: the weights of the layers already
    made, and the order of data already shuffled, differ on every run although the file
    looks seeded.

    ## Example
    ```python
    model = keras.Sequential([keras.layers.Dense(10, activation="relu")])
    keras.utils.set_random_seed(42)
    model.fit(X, y)
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(42)
    model = keras.Sequential([keras.layers.Dense(10, activation="relu")])
    model.fit(X, y)
    ```

    ## Fix safety
    No automatic fix: moving the seed call above the model changes the statement order of
    the program.
    """

    code = "KC403"
    name = "seed-after-model-built"
    summary = "Seed set after layers were created or data was shuffled."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(X, y)
        """,
        # Trap: re-seeding before a second model in a notebook is fine.
        """
        import tensorflow as tf
        tf.keras.utils.set_random_seed(1)
        a = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        tf.keras.utils.set_random_seed(1)
        b = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        """,
        # Trap: an Input or an adapted Normalization draws nothing, and a factory defined
        # earlier runs after the seed.
        """
        from tensorflow import keras
        from tensorflow.keras.layers import Dense
        inputs = keras.Input(shape=(4,))
        norm = keras.layers.Normalization()
        norm.adapt(X_train)
        def head(x):
            return Dense(1)(x)
        keras.utils.set_random_seed(3)
        outputs = head(Dense(8)(inputs))
        """,
        # Trap: a TensorFlow seed does not govern NumPy's shuffle (KC402's business).
        """
        import numpy as np
        import tensorflow as tf
        np.random.shuffle(data)
        tf.random.set_seed(0)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.layers.Dense(10, activation="relu")])
            keras.utils.set_random_seed(42)
            model.fit(X, y)
            """,
            lines=(4,),
        ),
        Invalid(
            """
            import numpy as np
            import tensorflow as tf
            idx = np.random.permutation(len(X))
            tf.keras.utils.set_random_seed(7)
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from tensorflow.keras.layers import Input, Dense
            from tensorflow.keras import Model
            import numpy as np
            x = Input(shape=(3,))
            hidden = Dense(8)(x)
            np.random.seed(0)
            model = Model(x, Dense(1)(hidden))
            """,
            lines=(7,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        seeds = seeding.generator_seeds(file)
        if not seeds or seeds[0].in_function:
            return
        first = seeds[0]
        kinds = {s.kind for s in seeds}
        layer = layer_before(file, first)
        if layer is not None:
            what = f"`{layer.var}`" if layer.var else f"a `{layer.short}` layer"
            yield self.finding(
                first.node,
                f"the seed is set after {what} was created: a Keras layer draws its "
                "initializer seed when it is constructed, so those weights still differ run "
                "to run; set the seed before building any layer",
            )
            return
        shuffle = shuffle_before(file, first, kinds)
        if shuffle is not None:
            yield self.finding(
                first.node,
                f"the seed is set after the data was shuffled with {shuffle.raw}(), so that "
                "order still differs run to run; set the seed before shuffling",
            )
