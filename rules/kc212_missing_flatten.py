"""KC212: a Dense output layer fed a feature map, so it outputs more dimensions than the labels."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data


class MissingFlatten(Rule):
    """A Dense output layer fed a feature map: it outputs more dimensions than the labels.

    ## What it does
    Follows shapes through the model and reports the output Dense layer when its input
    still has spatial or time dimensions (a `Conv2D` or `LSTM(return_sequences=True)`
    output with no `Flatten`, global pooling or `Reshape` in between) and the labels fed
    to `fit` have fewer dimensions than the model's output, so they cannot match.

    ## Why is this bad?
    Dense acts on the last axis only. After `Conv2D` it makes a prediction per pixel,
    `(batch, 26, 26, 10)`, while the labels are `(batch, 10)`: Keras fails with
    incompatible shapes at the first batch or, for some losses, broadcasts and trains on
    nonsense.

    ## Example
    ```python
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    No automatic fix: `Flatten()` and `GlobalAveragePooling2D()` are both right, with
    different models.
    """

    code = "KC212"
    name = "missing-flatten"
    summary = "Dense output after Conv/RNN sequences without Flatten or pooling; labels differ."
    severity = Severity.ERROR

    VALID = [
        # Trap: global pooling (or Reshape) makes Flatten unnecessary.
        """
        import keras
        (x, y), _ = keras.datasets.cifar10.load_data()
        y = keras.utils.to_categorical(y, 10)
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Conv2D(16, 3), keras.layers.GlobalAveragePooling2D(),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="categorical_crossentropy")
        model.fit(x, y)
        """,
        # Trap: a sequence output with per-step labels is right.
        """
        import numpy as np
        import keras
        x = np.random.rand(16, 20, 8)
        y = np.random.randint(0, 5, size=(16, 20))
        model = keras.Sequential([keras.Input((20, 8)), keras.layers.LSTM(8, return_sequences=True),
                                  keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x, y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            (x, y), _ = keras.datasets.mnist.load_data()
            x = x.reshape(-1, 28, 28, 1) / 255.0
            y = keras.utils.to_categorical(y, 10)
            model = keras.Sequential([
                keras.Input((28, 28, 1)),
                keras.layers.Conv2D(32, 3, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ])
            model.compile(loss="categorical_crossentropy")
            model.fit(x, y)
            """,
            lines=(9,),
        ),
        Invalid(
            """
            import numpy as np
            from tensorflow.keras import layers, models
            x = np.random.rand(64, 30, 4)
            y = np.random.randint(0, 2, size=(64,))
            model = models.Sequential()
            model.add(layers.LSTM(16, return_sequences=True, input_shape=(30, 4)))
            model.add(layers.Dense(1, activation="sigmoid"))
            model.compile(loss="binary_crossentropy")
            model.fit(x, y)
            """,
            lines=(8,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for model in ctx.file.models:
            index = data.single_output(ctx.file, model)
            if index is None:
                continue
            layer = model.layers[index]
            dense = layer if facts.is_dense(layer) else None
            if dense is None and facts.is_activation_layer(layer):
                before = model.predecessors(index)
                if len(before) == 1 and facts.is_dense(model.layers[before[0]]):
                    dense = model.layers[before[0]]
            out = layer.output_shape
            if dense is None or out is None or len(out) < 3:
                continue
            labels = [f.y for f in data.feedings(model) if f.y is not None and f.y.labels]
            ranks = {data.label_rank(y) for y in labels}
            rank = ranks.pop() if len(ranks) == 1 else None
            if rank is None:
                continue
            # Class indices have one dimension fewer than the output (sparse losses); a
            # trailing 1, as in (n, 1), does not count as one.
            sparse = all(y.labels in ("integer", "binary") for y in labels)
            trailing_one = sparse and bool(
                labels[0].shape and labels[0].shape[-1] == 1 and rank > 1
            )
            needed = len(out) - 1 if sparse else len(out)
            if rank - trailing_one >= needed:
                continue
            yield self.finding(
                dense.node,
                f"this Dense output gets a {data.shape_text(dense.input_shape)} input and so "
                f"outputs {data.shape_text(out)}, but the labels have {rank} dimension"
                f"{'s' * (rank != 1)}; add Flatten() or global pooling before it (or "
                "return_sequences=False on the recurrent layer)",
            )
