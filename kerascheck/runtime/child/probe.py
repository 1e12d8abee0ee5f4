"""Measurements on a live model: per-layer output statistics, gradients, labels and weights."""

from __future__ import annotations

import contextlib
import math
import re
import weakref
from typing import Any

import keras
import numpy as np

from kerascheck.runtime.child import arrays, backend
from kerascheck.runtime.protocol import GradientNorm, InputStats, LabelCheck, LayerStats

RELU_FAMILY = frozenset({"relu", "relu6", "leaky_relu", "prelu", "elu"})
# Pre-activations beyond ±5 are exactly the outputs beyond f(±5): both are monotone.
SATURATION_LIMITS = {
    "sigmoid": (1.0 / (1.0 + math.exp(5.0)), 1.0 / (1.0 + math.exp(-5.0))),
    "tanh": (-math.tanh(5.0), math.tanh(5.0)),
}
# Enough elements for stable statistics without holding a large conv net's activations.
MAX_ELEMENTS = 20_000_000
LOSS_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "bce": "binary_crossentropy",
}

# Layers that only reshape or rescale what they receive: KR008 looks through them.
PREPROCESSING = frozenset(
    {
        "InputLayer",
        "Flatten",
        "Reshape",
        "Normalization",
        "Rescaling",
        "Permute",
        "Dropout",
        "AlphaDropout",
        "GaussianNoise",
        "Identity",
    }
)

_probes: dict[int, Any] = {}
_traced: dict[int, list[Any]] = {}


def is_subclassed(model: Any) -> bool:
    return type(model).__name__ not in ("Sequential", "Functional")


def layers_of(model: Any) -> list[Any]:
    """The layers measured and reported: the model's own list, or for a subclassed model the
    innermost layers its `call` used, in the order it used them."""
    if is_subclassed(model):
        return _traced.get(id(model)) or list(model.layers)
    return list(model.layers)


def trace(model: Any, x: Any, training: bool) -> list[tuple[Any, Any, Any]]:
    """(layer, first input, output) of every innermost layer a forward pass calls, in order."""
    calls: list[tuple[Any, Any, Any]] = []
    seen: set[int] = set()
    original = keras.layers.Layer.__call__

    def recording(layer: Any, *args: Any, **kwargs: Any) -> Any:
        out = original(layer, *args, **kwargs)
        if id(layer) not in seen and not _has_sublayers(layer):
            seen.add(id(layer))
            calls.append((layer, args[0] if args else next(iter(kwargs.values()), None), out))
        return out

    keras.layers.Layer.__call__ = recording
    try:
        model(x, training=training)
    finally:
        keras.layers.Layer.__call__ = original
    if is_subclassed(model):
        _remember(_traced, model, [layer for layer, _, _ in calls])
    return calls


def _has_sublayers(layer: Any) -> bool:
    if isinstance(layer, keras.Model):
        return True
    try:
        return any(True for _ in layer._flatten_layers(include_self=False, recursive=False))
    except (AttributeError, TypeError):
        return False


def activation_name(layer: Any) -> str | None:
    """The activation a layer applies, by Keras name, or None when it applies none."""
    kind = type(layer).__name__
    if kind == "ReLU":
        slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
        return "leaky_relu" if slope else "relu"
    if kind in ("LeakyReLU", "PReLU", "ELU"):
        return {"LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu"}[kind]
    function = getattr(layer, "activation", None)
    if function is None or not callable(function):
        return None
    found = getattr(function, "__name__", None) or type(function).__name__
    return None if found == "linear" else str(found).lower()


def probe_model(model: Any) -> tuple[Any, list[int]] | None:
    """A model returning every layer's output, with those layers' indices; None if impossible."""
    key = id(model)
    if key in _probes:
        return _probes[key]  # type: ignore[no-any-return]
    found: tuple[Any, list[int]] | None = None
    try:
        inputs = model.inputs
        indices, outputs = [], []
        for index, layer in enumerate(model.layers):
            if type(layer).__name__ == "InputLayer":
                continue
            try:
                outputs.append(layer.output)
                indices.append(index)
            except (AttributeError, ValueError):
                continue  # a layer called more than once has no single output
        if inputs and outputs:
            found = (keras.Model(inputs=inputs, outputs=outputs), indices)
    except (AttributeError, ValueError, TypeError):
        found = None
    _remember(_probes, model, found)
    return found


def _remember(cache: dict[int, Any], model: Any, value: Any) -> None:
    # Keyed by id: forget the entry when the model dies, so a model made later in the same
    # process (a notebook's, measured by the callback) never gets another one's probe.
    if id(model) not in cache:
        # A model that cannot be weakly referenced keeps its entry.
        with contextlib.suppress(TypeError):
            weakref.finalize(model, cache.pop, id(model), None)
    cache[id(model)] = value


def sample_rows(model: Any, wanted: int) -> int:
    """Rows such that all layers' outputs for them stay under MAX_ELEMENTS values."""
    per_row = 0
    for layer in layers_of(model):
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):
            continue
        per_row += int(np.prod([d or 1 for d in shape[1:]]))
    if per_row == 0:
        return wanted
    return max(8, min(wanted, MAX_ELEMENTS // per_row))


def layer_stats(model: Any, x: Any, training: bool) -> list[LayerStats] | None:
    """Mean, std, dead and saturated fractions of each layer's output on the sample x."""
    if x is None:
        return None
    saved = _save_state(model) if training else None
    try:
        found = _outputs(model, x, training)
    finally:
        if saved is not None:
            _restore_state(model, saved)
    if found is None:
        return None
    indices, outputs = found
    layers = layers_of(model)
    stats = []
    for index, out in zip(indices, outputs, strict=False):
        layer = layers[index]
        values = np.asarray(keras.ops.convert_to_numpy(out), dtype="float64")
        stats.append(_one_layer(index, layer, values))
    return stats


def _outputs(model: Any, x: Any, training: bool) -> tuple[list[int], list[Any]] | None:
    if type(model).__name__ == "Sequential":
        # Layer by layer: a Sequential grown by add() keeps a node per rebuild, and a probe
        # model over its graph would run the early layers once per node.
        indices, outputs, value = [], [], x
        for index, layer in enumerate(model.layers):
            value = layer(value, training=training)
            indices.append(index)
            outputs.append(value)
        return indices, outputs
    if is_subclassed(model):
        calls = trace(model, x, training)
        return list(range(len(calls))), [out for _, _, out in calls]
    probe = probe_model(model)
    if probe is None:
        return None
    network, indices = probe
    outputs = network(x, training=training)
    return indices, list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _one_layer(index: int, layer: Any, values: np.ndarray) -> LayerStats:
    activation = activation_name(layer)
    finite = bool(np.isfinite(values).all())
    entry: LayerStats = {
        "index": index,
        "layer": layer.name,
        "activation": activation,
        "mean": float(np.nanmean(values)) if values.size else None,
        "std": float(np.nanstd(values)) if values.size else None,
        "finite": finite,
        "dead_fraction": None,
        "saturated_fraction": None,
    }
    if values.ndim >= 2:
        entry["units"] = int(values.shape[-1])
    if activation in RELU_FAMILY and values.ndim >= 2 and values.size:
        # A unit (last axis) is dead when no sample and no position makes it positive.
        per_unit = values.reshape(-1, values.shape[-1]).max(axis=0)
        entry["dead_fraction"] = float((per_unit <= 0).mean())
    if activation in SATURATION_LIMITS and values.size:
        low, high = SATURATION_LIMITS[activation]
        entry["saturated_fraction"] = float(((values <= low) | (values >= high)).mean())
    return entry


def _save_state(model: Any) -> list[np.ndarray]:
    # A training-mode probe moves BatchNorm statistics and dropout seed states: put them back,
    # so the measured fit sees exactly what an unmeasured one would.
    return [np.array(keras.ops.convert_to_numpy(v)) for v in model.non_trainable_variables]


def _restore_state(model: Any, saved: list[np.ndarray]) -> None:
    for variable, value in zip(model.non_trainable_variables, saved, strict=False):
        variable.assign(value)


def standard_input(model: Any, rows: int, seed: int) -> Any:
    """Standard normal input of the model's input shapes (None for non-float inputs); images
    and sequences get smooth noise, since averaging i.i.d. noise over space erases its spread."""
    inputs = getattr(model, "inputs", None)
    if not inputs:
        return None
    rng = np.random.RandomState(seed)
    made = []
    for tensor in inputs:
        if "float" not in str(tensor.dtype):
            return None
        shape = [rows] + [d or 8 for d in tensor.shape[1:]]
        made.append(smooth_normal(rng, shape).astype(str(tensor.dtype)))
    return made[0] if len(made) == 1 else made


def smooth_normal(rng: np.random.RandomState, shape: list[int]) -> np.ndarray:
    """Standard normal values, correlated along the spatial axes (all but the first and last)."""
    if len(shape) < 3:
        return rng.standard_normal(shape)
    coarse = [shape[0]] + [max(1, (d + 3) // 4) for d in shape[1:-1]] + [shape[-1]]
    values = rng.standard_normal(coarse)
    for axis in range(1, len(shape) - 1):
        values = np.repeat(values, 4, axis=axis).take(range(shape[axis]), axis=axis)
    values = values + 0.3 * rng.standard_normal(shape)
    return np.asarray((values - values.mean()) / values.std())


def first_selu(model: Any) -> tuple[int, bool] | None:
    """Index of the first SELU layer, and whether only preprocessing lies before it."""
    layers = layers_of(model)
    for index, layer in enumerate(layers):
        if activation_name(layer) == "selu":
            before = layers[:index]
            return index, all(type(b).__name__ in PREPROCESSING for b in before)
    return None


def selu_input(model: Any, x: Any) -> Any:
    """What the first SELU layer receives for the input x, as NumPy."""
    found = first_selu(model)
    if found is None or x is None:
        return None
    target = layers_of(model)[found[0]]
    for layer, received, _ in trace(model, x, False):
        if layer is target:
            return arrays.to_numpy(received)
    return None


def has_normalization(model: Any) -> bool:
    return any(type(layer).__name__ == "Normalization" for layer in layers_of(model))


def standardized(x: Any) -> Any:
    """Each feature of each input rescaled to mean 0 and std 1 over the sample."""
    made = []
    for value in arrays.as_list(x):
        data = np.asarray(arrays.to_numpy(value))
        if not np.issubdtype(data.dtype, np.floating):
            return None
        flat = data.reshape(data.shape[0], -1).astype("float64")
        std = flat.std(axis=0)
        flat = (flat - flat.mean(axis=0)) / np.where(std > 0, std, 1.0)
        made.append(flat.reshape(data.shape).astype(data.dtype))
    if isinstance(x, dict):
        return dict(zip(x.keys(), made, strict=False))
    return made[0] if not isinstance(x, (list, tuple)) else type(x)(made)


def input_stats(x: Any) -> list[InputStats]:
    """Per input: how far feature means and stds are from 0 and 1."""
    found = []
    for position, value in enumerate(arrays.as_list(x)):
        data = np.asarray(value)
        if data.ndim == 0 or data.shape[0] < 2 or not np.issubdtype(data.dtype, np.number):
            continue
        flat = data.reshape(data.shape[0], -1).astype("float64")
        means, stds = np.nanmean(flat, axis=0), np.nanstd(flat, axis=0)
        found.append(
            InputStats(
                input=position,
                mean_abs_feature_mean=float(np.mean(np.abs(means))),
                mean_feature_std=float(np.mean(stds)),
                max_abs_feature_mean=float(np.max(np.abs(means))),
                rows=int(flat.shape[0]),
            )
        )
    return found


def gradient_norms(model: Any, x: Any, y: Any) -> list[GradientNorm] | None:
    """The gradient norm of each layer's trainable weights on one batch of the compiled loss."""
    if x is None or y is None or not getattr(model, "compiled", False):
        return None
    owner: dict[int, int] = {}
    layers = layers_of(model)
    for index, layer in enumerate(layers):
        for variable in layer.trainable_variables:
            owner.setdefault(id(variable), index)
    saved = _save_state(model)
    try:
        grads = backend.gradients(model, x, y)
    finally:
        _restore_state(model, saved)
    if grads is None:
        return None
    squares: dict[int, float] = {}
    sizes: dict[int, int] = {}
    for variable, grad in zip(model.trainable_variables, grads, strict=False):
        position = owner.get(id(variable))
        if position is not None:
            total = squares.get(position, 0.0) + float(np.sum(np.square(grad, dtype="f8")))
            squares[position] = total
            sizes[position] = sizes.get(position, 0) + int(np.size(grad))
    found: list[GradientNorm] = []
    for i, square in sorted(squares.items()):
        norm = math.sqrt(square) if square == square else square
        # The root mean square compares layers of different sizes: a 784x300 kernel's norm
        # is large beside a 100x10 one's for the same per-weight gradient.
        rms = norm / math.sqrt(max(1, sizes[i]))
        found.append({"index": i, "layer": layers[i].name, "norm": norm, "rms": rms})
    return found


def loss_names(model: Any, outputs: int) -> list[str | None]:
    """The compiled loss of each output, by Keras function name."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        names = [getattr(t, "name", "").split("/")[0] for t in getattr(model, "outputs", []) or []]
        picked = [loss.get(n) for n in names] if names else list(loss.values())
    elif isinstance(loss, (list, tuple)):
        picked = list(loss)
    else:
        picked = [loss] * outputs
    return [_loss_name(p) for p in picked[:outputs]] + [None] * (outputs - len(picked))


def _loss_name(loss: Any) -> str | None:
    if loss is None:
        return None
    if isinstance(loss, str):
        return LOSS_ALIASES.get(loss.lower(), loss.lower())
    fn = getattr(loss, "fn", None)
    if fn is not None and hasattr(fn, "__name__"):
        return str(fn.__name__)
    if hasattr(loss, "__name__"):
        return str(loss.__name__)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(loss).__name__).lower()


def label_checks(model: Any, x: Any, y: Any) -> list[LabelCheck]:
    """Whether each output's labels fit its loss: range, integrality, one-hot width."""
    if y is None or x is None:
        return []
    small = arrays.head(x, 2)
    predicted = arrays.as_list(model(small, training=False))
    targets = arrays.as_list(y)
    names = loss_names(model, len(predicted))
    found: list[LabelCheck] = []
    for position, (pred, target, loss) in enumerate(zip(predicted, targets, names, strict=False)):
        units = int(pred.shape[-1]) if len(pred.shape) > 1 else 1
        labels = np.asarray(arrays.to_numpy(target))
        problem = _label_problem(loss, labels, units) if labels.size else None
        found.append({"output": position, "loss": loss, "units": units, "problem": problem})
    return found


def _label_problem(loss: str | None, labels: np.ndarray, units: int) -> str | None:
    if not np.issubdtype(labels.dtype, np.number):
        return None
    low, high = float(np.nanmin(labels)), float(np.nanmax(labels))
    if loss == "sparse_categorical_crossentropy":
        if labels.ndim >= 2 and labels.shape[-1] == units and units > 1:
            return (
                f"labels have shape {labels.shape}, like one-hot rows, but the loss wants "
                "integer class ids: use categorical_crossentropy or argmax the labels"
            )
        if not np.all(np.equal(np.mod(labels, 1), 0)):
            return "sparse categorical labels must be integer class ids, these have fractions"
        if low < 0 or high >= units:
            return (
                f"sparse categorical labels span [{low:g}, {high:g}] but the output has "
                f"{units} units, so ids must lie in [0, {units - 1}]"
            )
    elif loss == "categorical_crossentropy":
        if labels.ndim < 2 or labels.shape[-1] != units:
            return (
                f"categorical labels must be one-hot rows of width {units}, got shape "
                f"{labels.shape}: one-hot encode them or use sparse_categorical_crossentropy"
            )
        sums = labels.reshape(-1, units).sum(axis=1)
        if low < 0 or high > 1 or not np.allclose(sums, 1.0, atol=1e-3):
            return "categorical labels are not one-hot: each row must be in [0, 1] and sum to 1"
    elif loss == "binary_crossentropy" and (low < 0 or high > 1):
        return f"binary labels must lie in [0, 1], these span [{low:g}, {high:g}]"
    return None


def weights(model: Any) -> dict[str, np.ndarray]:
    """Every layer's weights keyed by position and name, so two runs line up."""
    found = {}
    for index, layer in enumerate(layers_of(model)):
        for position, variable in enumerate(layer.weights):
            key = f"{index:04d}/{layer.name}/{position}"
            found[key] = np.array(keras.ops.convert_to_numpy(variable))
    return found


def nonfinite_layer(model: Any) -> str | None:
    """The first layer whose weights hold NaN or Inf."""
    for layer in layers_of(model):
        for variable in layer.weights:
            value = np.asarray(keras.ops.convert_to_numpy(variable))
            if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
                return str(layer.name)
    return None
