"""What Keras names mean: activations, initializers, layer kinds, losses and metrics."""

from __future__ import annotations

from typing import Any

from kerascheck.types import UNKNOWN, CallValue, Layer, Model, Ref, is_unknown

ACTIVATION_LAYERS: dict[str, str] = {
    "keras.layers.ReLU": "relu",
    "keras.layers.LeakyReLU": "leaky_relu",
    "keras.layers.PReLU": "prelu",
    "keras.layers.ELU": "elu",
    "keras.layers.Softmax": "softmax",
}

MERGE_FUNCTIONS: dict[str, str] = {
    "keras.layers.concatenate": "keras.layers.Concatenate",
    "keras.layers.add": "keras.layers.Add",
    "keras.layers.subtract": "keras.layers.Subtract",
    "keras.layers.multiply": "keras.layers.Multiply",
    "keras.layers.average": "keras.layers.Average",
    "keras.layers.maximum": "keras.layers.Maximum",
    "keras.layers.minimum": "keras.layers.Minimum",
    "keras.layers.dot": "keras.layers.Dot",
}

MERGE_LAYERS = frozenset(MERGE_FUNCTIONS.values())

# Layers that carry a kernel and an `activation` argument.
WEIGHTED_PREFIXES = ("Dense", "Conv", "SeparableConv", "DepthwiseConv", "EinsumDense")

RELU_FAMILY = frozenset({"relu", "leaky_relu", "elu", "gelu", "prelu", "relu6", "silu", "swish"})
SATURATING = frozenset({"tanh", "sigmoid", "softmax", "hard_sigmoid"})

LINEAR = "linear"


def is_layer_class(name: str) -> bool:
    if name == "keras.Input":
        return True
    if not name.startswith("keras.layers."):
        return False
    last = name.rsplit(".", 1)[-1]
    return last[:1].isupper()


def is_weighted(layer: Layer) -> bool:
    return layer.short.startswith(WEIGHTED_PREFIXES)


def is_dense(layer: Layer) -> bool:
    return layer.cls == "keras.layers.Dense"


def is_batchnorm(layer: Layer) -> bool:
    return layer.short in ("BatchNormalization", "SyncBatchNormalization")


def normalize_activation(value: Any) -> Any:
    """'selu' for "selu", keras.activations.selu, tf.nn.selu; 'linear' for None; else UNKNOWN."""
    if value is None:
        return LINEAR
    if isinstance(value, str):
        lowered = value.lower()
        return {"leakyrelu": "leaky_relu", "swish": "silu"}.get(lowered, lowered)
    if isinstance(value, Ref):
        last = value.name.rsplit(".", 1)[-1]
        if value.name.startswith(("keras.activations.", "tensorflow.nn.", "tensorflow.math.")):
            return normalize_activation(last)
        if value.name in ACTIVATION_LAYERS:
            return ACTIVATION_LAYERS[value.name]
        return UNKNOWN
    if isinstance(value, CallValue) and value.callee in ACTIVATION_LAYERS:
        return ACTIVATION_LAYERS[value.callee]
    return UNKNOWN


def own_activation(layer: Layer) -> Any:
    """The activation a layer applies itself; activation layers count as their activation."""
    if layer.cls in ACTIVATION_LAYERS:
        return ACTIVATION_LAYERS[layer.cls]
    if layer.cls == "keras.layers.Activation":
        return normalize_activation(layer.arg("activation", 0, UNKNOWN))
    if is_weighted(layer):
        return normalize_activation(layer.arg("activation", 1 if is_dense(layer) else 99, None))
    return UNKNOWN


def is_activation_layer(layer: Layer) -> bool:
    return layer.cls in ACTIVATION_LAYERS or layer.cls == "keras.layers.Activation"


def activation_after(model: Model, index: int) -> Any:
    """The activation that a weighted layer's output goes through.

    The layer's own `activation=`, or, when it is linear, the activation layer that alone
    follows it (`Dense(64)` then `Activation("selu")`).
    """
    layer = model.layers[index]
    act = own_activation(layer)
    if act != LINEAR:
        return act
    successors = model.successors(index)
    if len(successors) == 1:
        nxt = model.layers[successors[0]]
        if is_activation_layer(nxt):
            return own_activation(nxt)
    return LINEAR


def activation_layer_after(model: Model, index: int) -> int | None:
    """Index of the activation layer that carries this layer's activation, if any."""
    layer = model.layers[index]
    if own_activation(layer) != LINEAR:
        return None
    successors = model.successors(index)
    if len(successors) == 1 and is_activation_layer(model.layers[successors[0]]):
        return successors[0]
    return None


_INITIALIZER_CLASSES: dict[str, str] = {
    "lecunnormal": "lecun_normal",
    "lecununiform": "lecun_uniform",
    "henormal": "he_normal",
    "heuniform": "he_uniform",
    "glorotnormal": "glorot_normal",
    "glorotuniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "xavier_uniform": "glorot_uniform",
}


def normalize_initializer(value: Any) -> Any:
    """'lecun_normal' for "lecun_normal", LecunNormal(), keras.initializers.lecun_normal, ..."""
    if isinstance(value, str):
        key = value.lower()
        return _INITIALIZER_CLASSES.get(key.replace("_", ""), _INITIALIZER_CLASSES.get(key, key))
    if isinstance(value, Ref | CallValue):
        name = value.name if isinstance(value, Ref) else value.callee
        if not name.startswith("keras.initializers."):
            return UNKNOWN
        last = name.rsplit(".", 1)[-1]
        if last == "VarianceScaling" and isinstance(value, CallValue):
            return _variance_scaling(value)
        return normalize_initializer(last)
    return UNKNOWN


def _variance_scaling(call: CallValue) -> Any:
    def get(name: str, pos: int, default: Any) -> Any:
        if name in call.kwargs:
            return call.kwargs[name]
        return call.args[pos] if pos < len(call.args) else default

    scale, mode = get("scale", 0, 1.0), get("mode", 1, "fan_in")
    dist = get("distribution", 2, "truncated_normal")
    if any(is_unknown(v) for v in (scale, mode, dist)) or mode != "fan_in":
        return UNKNOWN
    family = {1.0: "lecun", 2.0: "he"}.get(float(scale)) if _is_number(scale) else None
    if family is None:
        return UNKNOWN
    return f"{family}_{'uniform' if dist == 'uniform' else 'normal'}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def kernel_initializer(layer: Layer) -> Any:
    return normalize_initializer(layer.arg("kernel_initializer", None, "glorot_uniform"))


def units(layer: Layer) -> Any:
    """Dense width as an int, or UNKNOWN."""
    value = layer.arg("units", 0, UNKNOWN)
    return value if isinstance(value, int) and not isinstance(value, bool) else UNKNOWN


REGRESSION_LOSSES = frozenset(
    {
        "mse",
        "mean_squared_error",
        "mae",
        "mean_absolute_error",
        "huber",
        "huber_loss",
        "msle",
        "mean_squared_logarithmic_error",
        "mape",
        "mean_absolute_percentage_error",
        "log_cosh",
        "logcosh",
    }
)

_LOSS_CLASSES: dict[str, str] = {
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "Huber": "huber",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "LogCosh": "log_cosh",
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
}


def normalize_loss(value: Any) -> tuple[Any, Any]:
    """(loss name, from_logits) for a loss string, function reference or class instance."""
    if isinstance(value, str):
        return value.lower(), False
    if isinstance(value, Ref) and value.name.startswith("keras.losses."):
        last = value.name.rsplit(".", 1)[-1]
        return _LOSS_CLASSES.get(last, last.lower()), False
    if isinstance(value, CallValue) and value.callee.startswith("keras.losses."):
        name = _LOSS_CLASSES.get(value.short(), UNKNOWN)
        return name, value.kwargs.get("from_logits", UNKNOWN if value.star_kwargs else False)
    return UNKNOWN, UNKNOWN
