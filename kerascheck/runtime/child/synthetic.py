"""Synthetic inputs and labels for a model returned by a factory, shaped by its inputs and loss."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from kerascheck.runtime.child import probe
from kerascheck.runtime.protocol import ChildSpec, UsageError

BATCH = 32
MAX_ROWS = 2048


def first_model(built: Any) -> Any:
    """The model a factory returned, also when it returned it inside a tuple, list or dict."""
    if isinstance(built, keras.Model):
        return built
    items = built.values() if isinstance(built, dict) else built
    if isinstance(items, (list, tuple)) or isinstance(built, dict):
        for item in items:
            if isinstance(item, keras.Model):
                return item
    raise UsageError(f"the factory returned {type(built).__name__}, not a keras.Model")


def inputs_for(model: Any, rows: int, rng: np.random.RandomState) -> Any:
    tensors = getattr(model, "inputs", None)
    if not tensors:
        raise UsageError(
            f"{model.name} has no known input shape (a subclassed model that was never built): "
            "give it an Input or build it in the factory"
        )
    vocabulary = min(
        [int(layer.input_dim) for layer in model.layers if hasattr(layer, "input_dim")] or [10]
    )
    made = []
    for tensor in tensors:
        shape = [rows] + [d or 8 for d in tensor.shape[1:]]
        if "int" in str(tensor.dtype):
            made.append(rng.randint(0, vocabulary, size=shape).astype(str(tensor.dtype)))
        else:
            made.append(probe.smooth_normal(rng, shape).astype("float32"))
    return made[0] if len(made) == 1 else made


def labels_for(model: Any, x: Any, rng: np.random.RandomState) -> Any:
    """Labels that fit each output's loss (class ids, one-hot rows, 0/1 or floats), made by a
    fixed random teacher from the inputs, so that a correct model can learn them."""
    rows = int((x[0] if isinstance(x, list) else x).shape[0])
    small = [v[:2] for v in x] if isinstance(x, list) else x[:2]
    outputs = model(small, training=False)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    features = _features(x)
    made = []
    for output, loss in zip(outputs, probe.loss_names(model, len(outputs)), strict=False):
        shape = [rows, *output.shape[1:]]
        units = int(shape[-1]) if len(shape) > 1 else 1
        width = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scores = _teacher(features, width, rng).reshape(shape)
        if loss == "sparse_categorical_crossentropy":
            made.append(scores.argmax(axis=-1).astype("int32"))
        elif loss == "categorical_crossentropy":
            made.append(np.eye(units, dtype="float32")[scores.argmax(axis=-1)])
        elif loss in ("binary_crossentropy", "binary_focal_crossentropy"):
            made.append((scores > 0).astype("float32"))
        elif loss in ("hinge", "squared_hinge"):
            made.append(np.where(scores > 0, 1.0, -1.0).astype("float32"))
        else:
            made.append(scores.astype("float32"))
    return made[0] if len(made) == 1 else made


def _features(x: Any) -> np.ndarray:
    """Every input flattened and side by side, each column standardized."""
    parts = [
        np.asarray(v, dtype="float64").reshape(len(v), -1)
        for v in (x if isinstance(x, list) else [x])
    ]
    flat = np.concatenate(parts, axis=1)
    std = flat.std(axis=0)
    return (flat - flat.mean(axis=0)) / np.where(std > 0, std, 1.0)  # type: ignore[no-any-return]


def _teacher(features: np.ndarray, width: int, rng: np.random.RandomState) -> np.ndarray:
    """A fixed random two-layer tanh network: smooth, so a student can fit it in a few steps,
    and its scores standardized per output so classes and signs come out balanced."""
    hidden = np.tanh(
        features @ rng.standard_normal((features.shape[1], 32)) / np.sqrt(features.shape[1])
    )
    scores = hidden @ rng.standard_normal((32, width))
    std = scores.std(axis=0)
    return (scores - scores.mean(axis=0)) / np.where(std > 0, std, 1.0)  # type: ignore[no-any-return]


def fit_factory_model(model: Any, spec: ChildSpec) -> None:
    """Compile when asked to, then fit on synthetic data through the instrumented fit."""
    if spec["loss"] or spec["optimizer"]:
        if not (spec["loss"] and spec["optimizer"]) and not model.compiled:
            raise UsageError("an uncompiled model needs both --loss and --optimizer")
        model.compile(
            loss=spec["loss"] or model.loss, optimizer=spec["optimizer"] or model.optimizer
        )
    elif not model.compiled:
        raise UsageError(
            f"the model {model.name!r} returned by the factory is not compiled: "
            "compile it in the factory, or pass --loss and --optimizer"
        )
    rng = np.random.RandomState(int(spec["seed"]))
    rows = min(MAX_ROWS, BATCH * int(spec["max_steps"]))
    x = inputs_for(model, rows, rng)
    y = labels_for(model, x, rng)
    model.fit(x, y, batch_size=BATCH, epochs=int(spec["epochs"]), verbose=0)
