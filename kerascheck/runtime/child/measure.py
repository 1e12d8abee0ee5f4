"""One model's measurements before and after a fit, for the child and the in-process callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from kerascheck.runtime.child import arrays, probe
from kerascheck.runtime.protocol import INPUT_MEAN_LIMIT, INPUT_STD_BAND, ModelRecord

STATS_ROWS = 512
SELU_ROWS = 1000
DEFAULT_BATCH = 32

Warn = Callable[[str], None]


def safely(warn: Warn, what: str, function: Callable[..., Any], *args: Any) -> Any:
    """A failed measurement is a warning in the report, never a failed run."""
    try:
        return function(*args)
    except Exception as error:
        warn(f"{what} failed: {type(error).__name__}: {error}")
        return None


def prepare(model: Any, x: Any, warn: Warn) -> None:
    """Build the model and trace a subclassed one, so its layers have outputs to read."""
    x_rows = rows_of(x, STATS_ROWS)
    if x_rows is not None and not getattr(model, "built", True):
        model(arrays.head(x_rows, 1))
    if x_rows is not None and probe.is_subclassed(model):
        safely(warn, "tracing the layers", probe.trace, model, arrays.head(x_rows, 2), False)


def before(record: ModelRecord, model: Any, x: Any, y: Any, seed: int, warn: Warn) -> Any:
    """The measurements before the fit into `record`; returns the data the SELU probe used,
    to probe again after the fit."""
    saved = _metric_state(model)
    try:
        return _before(record, model, x, y, seed, warn)
    finally:
        # The loss probe updates the compiled loss's trackers: put them back, so a fit's logs
        # see what an unmeasured fit would.
        _restore(model.metrics_variables, saved)


def _before(record: ModelRecord, model: Any, x: Any, y: Any, seed: int, warn: Warn) -> Any:
    rows = probe.sample_rows(model, STATS_ROWS)
    record["input_stats"] = probe.input_stats(x)
    record["labels"] = safely(warn, "label check", probe.label_checks, model, x, y) or []
    record["stats"] = {
        "init": safely(warn, "layer statistics", probe.layer_stats, model, rows_of(x, rows), False)
    }
    batch_x, batch_y = arrays.head(x, DEFAULT_BATCH), arrays.head(y, DEFAULT_BATCH)
    if not any(entry.get("problem") for entry in record["labels"]):
        # Labels the loss rejects would only fail the gradient probe as well.
        record["grad_norms"] = safely(
            warn, "gradients", probe.gradient_norms, model, batch_x, batch_y
        )
    found = probe.first_selu(model)
    record["selu"] = found is not None
    if found is None:
        return None
    selu_rows = probe.sample_rows(model, SELU_ROWS)
    sample = rows_of(x, selu_rows)
    if found[1] and sample is not None:
        received = safely(warn, "SELU input", probe.selu_input, model, sample)
        record["selu_input_stats"] = probe.input_stats(received) if received is not None else []
    probe_x = _selu_probe_data(record, model, sample, selu_rows, seed)
    record["selu_standardized"] = probe_x is not None
    record["selu_stats"] = {
        "init": safely(warn, "SELU statistics", probe.layer_stats, model, probe_x, True)
    }
    return probe_x


def after(record: ModelRecord, model: Any, x: Any, selu_x: Any, warn: Warn) -> None:
    """The measurements after (part of) the fit into `record`."""
    rows = probe.sample_rows(model, STATS_ROWS)
    record.setdefault("stats", {})["fit"] = safely(
        warn, "layer statistics", probe.layer_stats, model, rows_of(x, rows), False
    )
    if record.get("selu"):
        record.setdefault("selu_stats", {})["fit"] = safely(
            warn, "SELU statistics", probe.layer_stats, model, selu_x, True
        )
    if record.get("nonfinite") is None:
        layer = probe.nonfinite_layer(model)
        if layer is not None:
            record["nonfinite"] = {"what": "weights", "layer": layer, "step": None}


def _selu_probe_data(record: ModelRecord, model: Any, sample: Any, rows: int, seed: int) -> Any:
    """Data like the user's for the SELU probe: their own sample when the first SELU layer gets
    it standardized, that sample standardized when it does not (KR008 says so), and smooth
    standard normal input when there is no sample."""
    if sample is None or record.get("data") == "synthetic":
        return probe.standard_input(model, rows, seed)
    received = record.get("selu_input_stats")
    off = received and not all(_is_standard(entry) for entry in received)
    if off and not probe.has_normalization(model):
        fixed = probe.standardized(sample)
        if fixed is not None:
            return fixed
    return sample


def _is_standard(entry: Any) -> bool:
    low, high = INPUT_STD_BAND
    mean, std = entry["mean_abs_feature_mean"], entry["mean_feature_std"]
    return bool(mean <= INPUT_MEAN_LIMIT and low <= std <= high)


def rows_of(x: Any, count: int) -> Any:
    return None if x is None else arrays.head(x, count)


def _metric_state(model: Any) -> list[np.ndarray]:
    return [np.array(keras.ops.convert_to_numpy(v)) for v in model.metrics_variables]


def _restore(variables: list[Any], saved: list[np.ndarray]) -> None:
    for variable, value in zip(variables, saved, strict=False):
        variable.assign(value)
