"""What Keras names mean: activations, initializers, layer kinds, losses and metrics."""

from __future__ import annotations

from typing import Any

from kerascheck.model.description import UNKNOWN_LAYER, Layer, Model
from kerascheck.model.values import UNKNOWN, CallValue, Ref, argument, is_unknown

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


# Wrappers that apply the layer they hold to every step and keep its activation and width.
_WRAPPERS = frozenset({"keras.layers.TimeDistributed"})


def unwrapped(layer: Layer) -> Layer:
    """The layer a `TimeDistributed(Dense(...))` wrapper applies; other layers themselves."""
    if layer.cls in _WRAPPERS:
        inner = layer.arg("layer", 0, None)
        if isinstance(inner, Layer):
            return inner
    return layer


def own_activation(layer: Layer) -> Any:
    """The activation a layer applies itself; activation layers count as their activation."""
    layer = unwrapped(layer)
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
            if layer.branch[: len(nxt.branch)] != nxt.branch:
                return UNKNOWN  # added in an `if` arm: it may not run
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
    scale = argument(call.args, call.kwargs, "scale", 0, 1.0)
    mode = argument(call.args, call.kwargs, "mode", 1, "fan_in")
    dist = argument(call.args, call.kwargs, "distribution", 2, "truncated_normal")
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
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
}

# Loss classes whose first positional parameter is `from_logits`.
_FROM_LOGITS_FIRST = frozenset(
    {"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"}
)


def normalize_loss(value: Any) -> tuple[Any, Any]:
    """(loss name, from_logits) for a loss string, function reference or class instance."""
    if isinstance(value, str):
        return value.lower(), False
    if isinstance(value, Ref) and value.name.startswith("keras.losses."):
        last = value.name.rsplit(".", 1)[-1]
        return _LOSS_CLASSES.get(last, last.lower()), False
    if isinstance(value, CallValue) and value.callee.startswith("keras.losses."):
        name = _LOSS_CLASSES.get(value.short(), UNKNOWN)
        if "from_logits" in value.kwargs:
            return name, value.kwargs["from_logits"]
        if value.args:
            return name, value.args[0] if value.short() in _FROM_LOGITS_FIRST else UNKNOWN
        return name, UNKNOWN if value.star_kwargs else False
    return UNKNOWN, UNKNOWN


# Probability losses: they expect probabilities unless `from_logits=True`.
BINARY_LOSSES = frozenset({"binary_crossentropy", "bce", "binary_focal_crossentropy"})
CATEGORICAL_LOSSES = frozenset(
    {
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "categorical_focal_crossentropy",
    }
)
PROBABILITY_LOSSES = BINARY_LOSSES | CATEGORICAL_LOSSES

_ACCURACY_NAMES = frozenset(
    {
        "accuracy",
        "acc",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
    }
)


def is_accuracy_metric(value: Any) -> bool:
    """True for "accuracy", "acc", keras.metrics.CategoricalAccuracy(), binary_accuracy, ..."""
    if isinstance(value, str):
        return value.lower() in _ACCURACY_NAMES
    if isinstance(value, Ref | CallValue):
        name = value.name if isinstance(value, Ref) else value.callee
        return name.startswith("keras.metrics.") and name.rsplit(".", 1)[-1].lower().endswith(
            "accuracy"
        )
    return False


def flatten(value: Any) -> list[Any]:
    """The leaves of nested lists, tuples and dict values."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in flatten(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in flatten(item)]
    return [value]


def known_length(value: Any) -> int | None:
    """Length of a list or tuple literal, None when an element is unpacked (`[*heads]`)."""
    from kerascheck.model.values import Repeated  # the reader imports this module

    if not isinstance(value, list | tuple) or any(isinstance(v, Repeated) for v in value):
        return None
    return len(value)


def output_count(model: Model) -> int | None:
    """How many outputs a model has, when the reader knows it."""
    if model.kind == "sequential":
        return 1
    if model.kind in ("functional", "subclassed") and model.outputs:
        # An output made by a nested model or a helper the reader cannot see into may
        # stand for several tensors.
        if any(model.layers[i].cls == UNKNOWN_LAYER for i in model.outputs):
            return None
        return len(model.outputs)
    return None


def per_output(value: Any, model: Model, *, metrics: bool = False) -> list[Any] | None:
    """A compile argument split into one entry per output, in `model.output_layers()` order.

    A single loss applies to every output; a list pairs by position and a dict by output
    layer `name`. For `metrics` on a one-output model the whole list belongs to that output.
    None when the pairing cannot be known (unknown values, counts or names).
    """
    outputs = model.output_layers()
    count = output_count(model)
    if is_unknown(value) or not outputs or count != len(outputs):
        return None
    if metrics and count == 1:
        return [value]
    if isinstance(value, list | tuple):
        return list(value) if known_length(value) == count else None
    if isinstance(value, dict):
        names = [model.layers[i].kwargs.get("name", UNKNOWN) for i in outputs]
        if not all(isinstance(n, str) for n in names) or not set(value) <= set(names):
            return None
        return [value.get(n) for n in names]
    return None if metrics else [value] * count


def output_units(model: Model, index: int) -> Any:
    """Width of an output: its Dense units, or those of the Dense an activation layer follows."""
    layer = unwrapped(model.layers[index])
    if is_dense(layer):
        return units(layer)
    preds = model.predecessors(index)
    if is_activation_layer(layer) and len(preds) == 1 and is_dense(model.layers[preds[0]]):
        return units(model.layers[preds[0]])
    return UNKNOWN


# Callbacks that watch a quantity: (class, position of `monitor`, position of `mode`).
MONITOR_CALLBACKS: dict[str, tuple[int, int]] = {
    "keras.callbacks.EarlyStopping": (0, 4),
    "keras.callbacks.ReduceLROnPlateau": (0, 4),
    "keras.callbacks.ModelCheckpoint": (1, 5),
}


def callback_argument(call: CallValue, name: str, position: int, default: Any) -> Any:
    """A callback's argument by keyword or position, its default, or UNKNOWN."""
    if (
        name not in call.kwargs
        and call.node is not None
        and any(arg.star == "*" for arg in call.node.args)
    ):
        return UNKNOWN
    return argument(call.args, call.kwargs, name, position, default, star_kwargs=call.star_kwargs)


def monitored(call: CallValue) -> Any:
    """The quantity a monitoring callback watches (Keras's default is "val_loss")."""
    monitor_pos, _ = MONITOR_CALLBACKS[call.callee]
    return callback_argument(call, "monitor", monitor_pos, "val_loss")


_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "iou", "r2", "top_k")
_LOWER_IS_BETTER = ("loss", "error", "mse", "mae", "mape", "msle", "crossentropy", "hinge")


def monitor_direction(quantity: str) -> str | None:
    """'max' for accuracy/AUC-like quantities, 'min' for loss-like ones, None when unclear."""
    name = quantity.lower().removeprefix("val_")
    higher = any(word in name for word in _HIGHER_IS_BETTER)
    lower = any(word in name for word in _LOWER_IS_BETTER)
    if higher == lower:
        return None
    return "max" if higher else "min"
