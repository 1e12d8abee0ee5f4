"""The child's Keras patches: where layers are made, capped and measured fits, redirected saves."""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
import time
import weakref
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerascheck.runtime.child import arrays, calls, locations, measure, probe, scratch
from kerascheck.runtime.child.measure import DEFAULT_BATCH, SELU_ROWS, STATS_ROWS
from kerascheck.runtime.protocol import (
    PROGRESS_FILE,
    ChildSpec,
    Location,
    ModelRecord,
    ProgressEvent,
)

# Models measured in full; further ones are still capped but only described.
MAX_MEASURED_MODELS = 8
# Batches of a dataset or generator read for the probe sample.
SAMPLE_BATCHES = 8


class Session:
    """What the child learns while the user's code runs."""

    def __init__(self, spec: ChildSpec, flush: Callable[[], None]) -> None:
        self.spec = spec
        self.flush = flush
        self.layer_locations: dict[int, Location | None] = {}
        # Measured models stay alive until the end, when they are described.
        self.keep_alive: list[Any] = []
        self.models: dict[int, ModelRecord] = {}
        self.model_objects: dict[int, Any] = {}
        self.warnings: list[str] = []
        self._fitting = False
        self._started = time.monotonic()

    def progress(self, stage: str, detail: str = "") -> None:
        event = ProgressEvent(t=time.monotonic() - self._started, stage=stage, detail=detail)
        line = json.dumps(event)
        with open(os.path.join(self.spec["workdir"], PROGRESS_FILE), "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def record(self, model: Any) -> ModelRecord:
        key = id(model)
        if key not in self.models:
            self.models[key] = {
                "index": len(self.models),
                "measured": len(self.models) < MAX_MEASURED_MODELS,
                "seconds_measuring": 0.0,
                "fits": [],
                "batch_losses": [],
                "epoch_losses": [],
                "nonfinite": None,
                "weights": {},
            }
            self.model_objects[key] = model
            self.keep_alive.append(model)
        return self.models[key]


session: Session | None = None


def install(spec: ChildSpec, flush: Callable[[], None]) -> Session:
    global session
    session = Session(spec, flush)
    _patch_layer_init(session)
    _patch_fit(session)
    _patch_saving()
    calls.keras_imported(keras)
    return session


# ---------------------------------------------------------------- layer creation lines


def _patch_layer_init(state: Session) -> None:
    original = keras.layers.Layer.__init__

    @functools.wraps(original)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if id(self) not in state.layer_locations:
            state.layer_locations[id(self)] = _creation_site(self)
            # Forget the id when the layer dies, so a new object reusing it is not misplaced.
            weakref.finalize(self, state.layer_locations.pop, id(self), None)

    # Keras reads __init__'s argument spec to build configs: show it the original's, both
    # to inspect.signature (which follows __wrapped__) and to getfullargspec (which does not).
    del init.__wrapped__
    init.__signature__ = inspect.signature(original)  # type: ignore[attr-defined]
    keras.layers.Layer.__init__ = init


def _creation_site(layer: Any) -> Location | None:
    # The innermost user frame that is not the layer's own (a custom layer's) __init__.
    frame = sys._getframe(2)
    while frame is not None:
        if locations.is_user_file(frame.f_code.co_filename):
            in_own_init = frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is layer
            if not in_own_init:
                return locations.location(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back  # type: ignore[assignment]
    return None


# ---------------------------------------------------------------- fit


def _patch_fit(state: Session) -> None:
    original = keras.Model.fit
    signature = inspect.signature(original)

    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        if state._fitting:
            return original(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        state._fitting = True
        try:
            return _capped_fit(state, original, bound.arguments)
        finally:
            state._fitting = False

    keras.Model.fit = fit


def _capped_fit(state: Session, original: Callable[..., Any], a: dict[str, Any]) -> Any:
    model = a["self"]
    spec = state.spec
    record = state.record(model)
    where = locations.user_caller(1)
    requested = int(a["epochs"])
    initial = int(a["initial_epoch"] or 0)
    a["epochs"] = initial + max(1, min(requested - initial, spec["epochs"]))
    a["verbose"] = 0
    batch = int(a["batch_size"] or DEFAULT_BATCH)
    data_kind = _cap_steps(a, spec["max_steps"], batch)
    x_sample, y_sample, a["x"] = arrays.sample_batches(
        a["x"],
        a["y"],
        STATS_ROWS if not arrays.is_array_tree(a["x"]) else SELU_ROWS,
        SAMPLE_BATCHES,
        spec["seed"],
    )
    record["fits"].append(
        {
            "location": where,
            "epochs_requested": requested,
            "epochs_capped": a["epochs"] - initial,
            "batch_size": batch,
            "shuffle": bool(a["shuffle"]),
            "data": data_kind,
        }
    )
    record.setdefault("data", "synthetic" if state.spec["kind"] == "factory" else "user")
    measuring = record["measured"]
    if measuring and len(record["fits"]) == 1:
        state.progress("measuring", f"{model.name} before the fit")
        clock = time.monotonic()
        _measure_before(state, record, model, x_sample, y_sample)
        record["seconds_measuring"] = time.monotonic() - clock
        state.flush()
    callbacks = list(a["callbacks"] or [])
    callbacks.append(_recorder(record))
    a["callbacks"] = callbacks
    state.progress("fitting", f"{model.name}: {a['epochs'] - initial} epoch(s)")
    clock = time.monotonic()
    try:
        history = original(**a)
    finally:
        record["seconds_fitting"] = record.get("seconds_fitting", 0.0) + time.monotonic() - clock
        state.flush()
    if measuring:
        state.progress("measuring", f"{model.name} after the fit")
        clock = time.monotonic()
        _measure_after(state, record, model, x_sample)
        record["seconds_measuring"] += time.monotonic() - clock
        state.flush()
    return history


def _cap_steps(a: dict[str, Any], max_steps: int, batch: int) -> str:
    """Cut in-memory arrays to the rows max_steps batches need; cap steps for the rest."""
    x = a["x"]
    if x is not None and arrays.is_array_tree(x):
        keep = arrays.rows_needed(max_steps, batch, a["validation_split"])
        if (arrays.rows(x) or 0) > keep:
            a["x"] = arrays.head(x, keep)
            a["y"] = arrays.head(a["y"], keep)
            a["sample_weight"] = arrays.head(a["sample_weight"], keep)
        if a["steps_per_epoch"]:
            a["steps_per_epoch"] = min(int(a["steps_per_epoch"]), max_steps)
        kind = "arrays"
    else:
        a["steps_per_epoch"] = _capped_steps(x, a["steps_per_epoch"], max_steps)
        kind = type(x).__name__
    validation = a["validation_data"]
    if isinstance(validation, (tuple, list)) and arrays.is_array_tree(list(validation)):
        val_batch = int(a["validation_batch_size"] or batch)
        a["validation_data"] = type(validation)(
            arrays.head(v, max_steps * val_batch) for v in validation
        )
    elif validation is not None:
        a["validation_steps"] = _capped_steps(validation, a["validation_steps"], max_steps)
    return kind


def _capped_steps(data: Any, steps: Any, max_steps: int) -> int | None:
    if steps:
        return min(int(steps), max_steps)
    try:
        known = len(data)
    except TypeError:
        return max_steps  # unknown or infinite length
    # A finite dataset shorter than the cap keeps its own length: forcing more steps
    # would make Keras stop the whole fit when it runs out.
    return max_steps if known > max_steps else None


def _measure_before(state: Session, record: ModelRecord, model: Any, x: Any, y: Any) -> None:
    measure.prepare(model, x, state.warnings.append)
    record["weights"]["init"] = _save_weights(state, record, model, "init")
    _selu_data[id(model)] = measure.before(
        record, model, x, y, state.spec["seed"], state.warnings.append
    )


# The data each SELU model was probed with at initialization, probed again after the fit.
_selu_data: dict[int, Any] = {}


def _measure_after(state: Session, record: ModelRecord, model: Any, x: Any) -> None:
    record["weights"]["fit"] = _save_weights(state, record, model, "fit")
    measure.after(record, model, x, _selu_data.get(id(model)), state.warnings.append)


def _save_weights(state: Session, record: ModelRecord, model: Any, when: str) -> str | None:
    try:
        values = probe.weights(model)
    except Exception as error:
        state.warnings.append(f"reading weights failed: {error}")
        return None
    path = os.path.join(state.spec["workdir"], f"weights-{record['index']}-{when}.npz")
    np.savez(path, **values)  # type: ignore[arg-type]
    return path


def _recorder(record: ModelRecord) -> Any:
    """A callback that keeps every batch loss and stops at the first NaN or Inf."""

    class Recorder(keras.callbacks.Callback):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch = epoch

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            loss = (logs or {}).get("loss")
            if loss is None:
                return
            value = float(np.asarray(loss))
            record["batch_losses"].append(value)
            if not np.isfinite(value) and record["nonfinite"] is None:
                record["nonfinite"] = {
                    "what": "loss",
                    "value": repr(value),
                    "step": len(record["batch_losses"]),
                    "epoch": self.epoch + 1,
                    "batch": batch + 1,
                    "layer": probe.nonfinite_layer(self.model),
                }
                self.model.stop_training = True

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            loss = (logs or {}).get("loss")
            if loss is not None:
                record["epoch_losses"].append(float(np.asarray(loss)))

    return Recorder()


# ---------------------------------------------------------------- saving


def _patch_saving() -> None:
    """Keras and TensorFlow writers that bypass Python's open (HDF5, TensorFlow's file system)
    get their path argument redirected into the scratch folder."""
    for cls, argument in (
        (keras.callbacks.ModelCheckpoint, "filepath"),
        (keras.callbacks.BackupAndRestore, "backup_dir"),
        (keras.callbacks.CSVLogger, "filename"),
        (keras.callbacks.TensorBoard, "log_dir"),
    ):
        _redirect_argument(cls, "__init__", argument, _write)
    for name in ("save", "save_weights", "export"):
        _redirect_argument(keras.Model, name, "filepath", _write)
    _redirect_argument(keras.Model, "load_weights", "filepath", _read)
    for namespace in (keras.saving, keras.models):
        _redirect_argument(namespace, "save_model", "filepath", _write)
        _redirect_argument(namespace, "load_model", "filepath", _read)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        _redirect_argument(tf.saved_model, "save", "export_dir", _write)
        _redirect_argument(tf.saved_model, "load", "export_dir", _read)
        for name in ("save", "write"):
            _redirect_argument(tf.train.Checkpoint, name, "file_prefix", _write)
        _redirect_argument(tf.train.Checkpoint, "restore", "save_path", _read)
        _redirect_argument(tf.train.Checkpoint, "read", "save_path", _read)


def _write(path: Any) -> Any:
    return scratch.active.for_write(path) if scratch.active is not None else path


def _read(path: Any) -> Any:
    if scratch.active is None or not isinstance(path, (str, os.PathLike)):
        return path
    # TensorFlow names checkpoints by prefix: the index file tells whether the run wrote it.
    for candidate in (path, os.fspath(path) + ".index"):
        if scratch.active.for_read(candidate) != candidate:
            shadow = scratch.active.shadow_of(path)
            return shadow if shadow is not None else path
    return scratch.active.for_read(path)


def _redirect_argument(owner: Any, attr: str, argument: str, change: Callable[[Any], Any]) -> None:
    original = getattr(owner, attr, None)
    if original is None:
        return
    try:
        signature = inspect.signature(original)
    except (TypeError, ValueError):
        return
    if argument not in signature.parameters:
        return

    @functools.wraps(original)
    def redirected(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        bound.arguments[argument] = change(bound.arguments[argument])
        return original(*bound.args, **bound.kwargs)

    setattr(owner, attr, redirected)
