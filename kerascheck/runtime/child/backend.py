"""The backend-specific code of the probes: gradients and GPU visibility."""

from __future__ import annotations

import importlib
from typing import Any

import keras
import numpy as np


def name() -> str:
    return str(keras.backend.backend())


def gpu_visible() -> bool:
    backend = name()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return bool(tf.config.list_physical_devices("GPU"))
        if backend == "jax":
            jax = importlib.import_module("jax")

            return any(d.platform == "gpu" for d in jax.devices())
        if backend == "torch":
            torch = importlib.import_module("torch")

            return bool(torch.cuda.is_available())
    except Exception:
        return False
    return False


def gradients(model: Any, x: Any, y: Any) -> list[np.ndarray] | None:
    """Gradients of the compiled loss for each trainable variable on one batch, or None."""
    backend = name()
    if backend == "tensorflow":
        return _tf_gradients(model, x, y)
    if backend == "jax":
        return _jax_gradients(model, x, y)
    if backend == "torch":
        return _torch_gradients(model, x, y)
    return None


def _tf_gradients(model: Any, x: Any, y: Any) -> list[np.ndarray]:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
    grads = tape.gradient(loss, model.trainable_variables)
    return [_zeros_for_none(g, v) for g, v in zip(grads, model.trainable_variables, strict=False)]


def _jax_gradients(model: Any, x: Any, y: Any) -> list[np.ndarray]:
    jax = importlib.import_module("jax")

    trainable = [v.value for v in model.trainable_variables]
    frozen = [v.value for v in model.non_trainable_variables]
    metrics = [v.value for v in model.metrics_variables]
    optimizer = getattr(model, "optimizer", None)
    # Needed for the loss scaling step, even when the optimizer does not scale.
    optimizer_values = [v.value for v in optimizer.variables] if optimizer is not None else []

    def loss_fn(values: list[Any]) -> Any:
        loss, aux = model.compute_loss_and_updates(
            values, frozen, metrics, x, y, None, training=True, optimizer_variables=optimizer_values
        )
        return loss, aux

    grads, _ = jax.grad(loss_fn, has_aux=True)(trainable)
    return [np.asarray(g) for g in grads]


def _torch_gradients(model: Any, x: Any, y: Any) -> list[np.ndarray]:
    model.zero_grad()
    y_pred = model(x, training=True)
    loss = model.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
    loss.backward()
    grads = [v.value.grad for v in model.trainable_variables]
    out = [_zeros_for_none(g, v) for g, v in zip(grads, model.trainable_variables, strict=False)]
    model.zero_grad()
    return out


def _zeros_for_none(grad: Any, variable: Any) -> np.ndarray:
    # A variable the loss does not reach has no gradient: its norm is zero.
    if grad is None:
        return np.zeros(tuple(variable.shape), dtype="float32")
    if hasattr(grad, "detach"):
        grad = grad.detach().cpu()
    return np.asarray(keras.ops.convert_to_numpy(grad))
