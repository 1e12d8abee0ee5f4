"""KC312: raw 0..255 pixel values fed to a model that never scales them."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.description import FileModel, Model
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib import data

# Layers that scale or standardise what they are given, or may (a Lambda can do anything).
_SCALING_LAYERS = frozenset(
    {
        "Rescaling",
        "Normalization",
        "Lambda",
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "TFSMLayer",
    }
)
# Calls anywhere in a file that show the author scales images some other way.
_SCALING_CALLS = ("preprocess_input", "per_image_standardization", "image.convert_image_dtype")


def scales_inputs(model: Model) -> bool:
    return any(layer.short in _SCALING_LAYERS for layer in model.layers)


def scales_elsewhere(file: FileModel) -> bool:
    return any(
        call.callee is not None and call.callee.endswith(_SCALING_CALLS) for call in file.calls
    )


class UnscaledInputs(Rule):
    """Raw 0..255 pixel values fed to a model that never scales them.

    ## What it does
    Follows the images passed to `fit` back to a `keras.datasets` image set (MNIST,
    Fashion-MNIST, CIFAR) and reports them when they reach the model as raw 8-bit values:
    reshaped, sliced or cast with `astype("float32")`, but never divided (`/ 255.0`),
    standardised (a scikit-learn scaler) or rescaled in the model (`Rescaling`,
    `Normalization`, `BatchNormalization`, a `Lambda`).

    ## Why is this bad?
    Inputs in the hundreds make the first layer's pre-activations hundreds of times larger
    than the initialisers assume: ReLU units die, sigmoid and tanh saturate, and the
    optimizer's default learning rate overshoots. Such a network often stalls at chance
    accuracy, with no error.

    ## Example
    ```python
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train.astype("float32")
    model.fit(x_train, y_train)
    ```

    ## Use instead
    ```python
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    x_train = x_train.astype("float32") / 255.0
    model.fit(x_train, y_train)
    ```

    ## Fix safety
    No automatic fix: dividing by 255 and standardising are both right, and the same scale
    must be applied at prediction time.
    """

    code = "KC312"
    name = "unscaled-inputs"
    summary = "Raw 0..255 image pixels fed to fit without /255, Rescaling or Normalization."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        x = x.astype("float32")
        x /= 255
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x, y)
        """,
        # Trap: a Rescaling layer in the model does the scaling.
        """
        import keras
        (x, y), _ = keras.datasets.cifar10.load_data()
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x, y)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            (x, y), _ = keras.datasets.mnist.load_data()
            x = x.reshape(-1, 784).astype("float32")
            model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                                      keras.layers.Dense(10, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
            """,
            lines=(8,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if scales_elsewhere(ctx.file):
            return
        for model in ctx.file.models:
            if not data.connected(model) or scales_inputs(model):
                continue
            for feeding in data.feedings(model):
                x = feeding.x
                if x is not None and x.scale == "0-255":
                    yield self.finding(
                        feeding.x_node(),
                        f"these are raw 0..255 pixels from {x.source or 'an 8-bit image set'}, "
                        "never scaled; divide by 255.0 or add a Rescaling(1 / 255) layer",
                    )
