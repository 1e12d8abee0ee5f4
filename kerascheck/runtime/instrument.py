"""The child's patches: where layers are made, capped and measured fits, seeds, redirected saves."""

from __future__ import annotations

import functools
import inspect
import json
import os
import random
import sys
import time
import weakref
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerascheck.runtime import arrays, backend, locations, probe
from kerascheck.runtime.protocol import PROGRESS_FILE, SAVES_DIR, ChildSpec

# Models measured in full; further ones are still capped but only described.
MAX_MEASURED_MODELS = 8
STATS_ROWS = 512
SELU_ROWS = 1000
DEFAULT_BATCH = 32


class Session:
    """What the child learns while the user's code runs."""

    def __init__(self, spec: ChildSpec) -> None:
        self.spec = spec
        self.layer_locations: dict[int, dict[str, Any] | None] = {}
        # Measured models stay alive until the end, when they are described.
        self.keep_alive: list[Any] = []
        self.models: dict[int, dict[str, Any]] = {}
        self.model_objects: dict[int, Any] = {}
        self.seeds: list[dict[str, Any]] = []
        self.shuffles: list[dict[str, Any]] = []
        self.saves: list[list[str]] = []
        self.warnings: list[str] = []
        self.saves_dir = os.path.join(spec["workdir"], SAVES_DIR)
        self._seeding = False
        self._fitting = False
        self._started = time.monotonic()

    # ------------------------------------------------------------ progress

    def progress(self, stage: str, detail: str = "") -> None:
        line = json.dumps({"t": time.monotonic() - self._started, "stage": stage, "detail": detail})
        with open(os.path.join(self.spec["workdir"], PROGRESS_FILE), "a", encoding="utf-8") as f:
            f.write(line + "\n")

    # ------------------------------------------------------------ paths

    def redirect(self, path: Any) -> Any:
        """The same path inside the run's temporary folder; file objects pass unchanged."""
        if not isinstance(path, (str, os.PathLike)):
            return path
        absolute = os.path.abspath(os.fspath(path))
        if absolute.startswith(self.saves_dir + os.sep):
            return absolute
        target = os.path.join(self.saves_dir, absolute.lstrip(os.sep))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        self.saves.append([absolute, target])
        return target

    def redirected_if_saved(self, path: Any) -> Any:
        """A load reads what this run saved, when it saved that path."""
        if not isinstance(path, (str, os.PathLike)):
            return path
        absolute = os.path.abspath(os.fspath(path))
        target = os.path.join(self.saves_dir, absolute.lstrip(os.sep))
        return target if os.path.exists(target) else path

    # ------------------------------------------------------------ models

    def record(self, model: Any) -> dict[str, Any]:
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


def install(spec: ChildSpec) -> Session:
    global session
    session = Session(spec)
    _patch_layer_init(session)
    _patch_fit(session)
    _patch_saving(session)
    _patch_seeds(session)
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


def _creation_site(layer: Any) -> dict[str, Any] | None:
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
    all_labels = a["y"]
    requested = int(a["epochs"])
    initial = int(a["initial_epoch"] or 0)
    a["epochs"] = initial + max(1, min(requested - initial, spec["epochs"]))
    a["verbose"] = 0
    batch = int(a["batch_size"] or DEFAULT_BATCH)
    data_kind = _cap_steps(a, spec["max_steps"], batch)
    x_sample, y_sample, a["x"] = arrays.first_batch(a["x"], a["y"])
    if y_sample is None and a["y"] is not None:
        y_sample = a["y"]
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
    measuring = record["measured"]
    if measuring and len(record["fits"]) == 1:
        state.progress("measuring", f"{model.name} before the fit")
        labels = all_labels if arrays.is_array_tree(a["x"]) and all_labels is not None else y_sample
        clock = time.monotonic()
        _measure_before(state, record, model, x_sample, y_sample, labels)
        record["seconds_measuring"] = time.monotonic() - clock
    callbacks = list(a["callbacks"] or [])
    callbacks.append(_recorder(record))
    a["callbacks"] = callbacks
    state.progress("fitting", f"{model.name}: {a['epochs'] - initial} epoch(s)")
    clock = time.monotonic()
    history = original(**a)
    record["seconds_fitting"] = record.get("seconds_fitting", 0.0) + time.monotonic() - clock
    if measuring:
        state.progress("measuring", f"{model.name} after the fit")
        clock = time.monotonic()
        _measure_after(state, record, model, x_sample)
        record["seconds_measuring"] += time.monotonic() - clock
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


def _measure_before(
    state: Session, record: dict[str, Any], model: Any, x: Any, y: Any, labels: Any
) -> None:
    x_rows = arrays.head(x, STATS_ROWS) if x is not None else None
    if x_rows is not None and not getattr(model, "built", True):
        model(arrays.head(x_rows, 1))  # build it so its layers have outputs to read
    record["weights"]["init"] = _save_weights(state, record, model, "init")
    rows = probe.sample_rows(model, STATS_ROWS)
    record["input_stats"] = probe.input_stats(x)
    record["labels"] = _safely(state, "label check", probe.label_checks, model, x, labels) or []
    record["stats"] = {
        "init": _safely(state, "layer statistics", probe.layer_stats, model, _rows(x, rows), False)
    }
    batch_x, batch_y = arrays.head(x, DEFAULT_BATCH), arrays.head(y, DEFAULT_BATCH)
    if not any(entry.get("problem") for entry in record["labels"]):
        # Labels the loss rejects would only fail the gradient probe as well.
        record["grad_norms"] = _safely(
            state, "gradients", probe.gradient_norms, model, batch_x, batch_y
        )
    is_selu = any(probe.activation_name(layer) == "selu" for layer in model.layers)
    record["selu"] = is_selu
    if is_selu:
        standard = probe.standard_input(
            model, probe.sample_rows(model, SELU_ROWS), state.spec["seed"]
        )
        record["selu_standard"] = standard is not None
        record["selu_stats"] = {
            "init": _safely(state, "SELU statistics", probe.layer_stats, model, standard, True)
        }
        record["selu_user_stats"] = {
            "init": _safely(
                state, "SELU statistics", probe.layer_stats, model, _rows(x, rows), True
            )
        }
        record["_standard"] = standard


def _measure_after(state: Session, record: dict[str, Any], model: Any, x: Any) -> None:
    record["weights"]["fit"] = _save_weights(state, record, model, "fit")
    rows = probe.sample_rows(model, STATS_ROWS)
    record.setdefault("stats", {})["fit"] = _safely(
        state, "layer statistics", probe.layer_stats, model, _rows(x, rows), False
    )
    if record.get("selu"):
        standard = record.get("_standard")
        record["selu_stats"]["fit"] = _safely(
            state, "SELU statistics", probe.layer_stats, model, standard, True
        )
        record["selu_user_stats"]["fit"] = _safely(
            state, "SELU statistics", probe.layer_stats, model, _rows(x, rows), True
        )
    if record["nonfinite"] is None:
        layer = probe.nonfinite_layer(model)
        if layer is not None:
            record["nonfinite"] = {"what": "weights", "layer": layer, "step": None}


def _rows(x: Any, count: int) -> Any:
    return None if x is None else arrays.head(x, count)


def _safely(state: Session, what: str, function: Callable[..., Any], *args: Any) -> Any:
    """A failed measurement is a warning in the report, never a failed run."""
    try:
        return function(*args)
    except Exception as error:
        state.warnings.append(f"{what} failed: {type(error).__name__}: {error}")
        return None


def _save_weights(state: Session, record: dict[str, Any], model: Any, when: str) -> str | None:
    try:
        values = probe.weights(model)
    except Exception as error:
        state.warnings.append(f"reading weights failed: {error}")
        return None
    path = os.path.join(state.spec["workdir"], f"weights-{record['index']}-{when}.npz")
    np.savez(path, **values)  # type: ignore[arg-type]
    return path


def _recorder(record: dict[str, Any]) -> Any:
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


def _patch_saving(state: Session) -> None:
    for cls, argument in (
        (keras.callbacks.ModelCheckpoint, "filepath"),
        (keras.callbacks.BackupAndRestore, "backup_dir"),
        (keras.callbacks.CSVLogger, "filename"),
        (keras.callbacks.TensorBoard, "log_dir"),
    ):
        _redirect_argument(cls, "__init__", argument, state.redirect)
    _redirect_argument(keras.Model, "save", "filepath", state.redirect)
    _redirect_argument(keras.Model, "save_weights", "filepath", state.redirect)
    _redirect_argument(keras.Model, "load_weights", "filepath", state.redirected_if_saved)
    for namespace in (keras.saving, keras.models):
        _redirect_argument(namespace, "save_model", "filepath", state.redirect)
        _redirect_argument(namespace, "load_model", "filepath", state.redirected_if_saved)


def _redirect_argument(owner: Any, attr: str, argument: str, change: Callable[[Any], Any]) -> None:
    original = getattr(owner, attr, None)
    if original is None:
        return
    signature = inspect.signature(original)

    @functools.wraps(original)
    def redirected(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        bound.arguments[argument] = change(bound.arguments[argument])
        return original(*bound.args, **bound.kwargs)

    setattr(owner, attr, redirected)


# ---------------------------------------------------------------- seeds


def _patch_seeds(state: Session) -> None:
    targets: list[tuple[Any, str, str]] = [
        (random, "seed", "random.seed"),
        (np.random, "seed", "np.random.seed"),
        (keras.utils, "set_random_seed", "keras.utils.set_random_seed"),
    ]
    tf_keras = sys.modules.get("keras._tf_keras.keras.utils")
    if tf_keras is not None:
        targets.append((tf_keras, "set_random_seed", "keras.utils.set_random_seed"))
    targets.extend(backend.seed_functions())
    for owner, attr, kind in targets:
        backend.wrap(owner, attr, functools.partial(_seed_recorder, state, kind))
    shufflers: list[tuple[Any, str, str, str | None]] = [
        (np.random, "shuffle", "np.random.shuffle", None)
    ]
    shufflers.append((np.random, "permutation", "np.random.permutation", None))
    shufflers.extend(backend.shuffle_functions())
    for owner, attr, kind, seed_argument in shufflers:
        backend.wrap(owner, attr, functools.partial(_shuffle_recorder, state, kind, seed_argument))


def _shuffle_recorder(
    state: Session, kind: str, seed_argument: str | None, original: Callable[..., Any]
) -> Callable[..., Any]:
    """Shuffles the user's own code makes, and whether they name a seed of their own."""
    signature = inspect.signature(original) if seed_argument else None

    @functools.wraps(original)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        caller = sys._getframe(1).f_code.co_filename
        if locations.is_user_file(caller):
            seeded = False
            if signature is not None and seed_argument is not None:
                bound = signature.bind_partial(*args, **kwargs)
                seeded = bound.arguments.get(seed_argument) is not None
            where = locations.user_caller(2)
            state.shuffles.append({"kind": kind, "location": where, "seeded": seeded})
        return original(*args, **kwargs)

    return recorded


def _seed_recorder(state: Session, kind: str, original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        # keras.utils.set_random_seed calls the others itself: record only the outer call.
        if state._seeding:
            return original(*args, **kwargs)
        where = locations.user_caller(2)
        if where is not None:
            value = args[0] if args else next(iter(kwargs.values()), None)
            state.seeds.append({"kind": kind, "location": where, "value": repr(value)})
        state._seeding = True
        try:
            return original(*args, **kwargs)
        finally:
            state._seeding = False

    return recorded
