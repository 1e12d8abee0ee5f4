"""The KR checks: turn one child run's measurements into diagnostics at the user's lines."""

from __future__ import annotations

import math
from typing import Any

from kerascheck.runtime.protocol import INPUT_MEAN_LIMIT, INPUT_STD_BAND, ModelRecord
from kerascheck.types import Diagnostic, Severity

# Self-normalization band, measured on 784-300-50x100 SELU stacks in training mode
# (TF 2.21 CPU, 1,000 standard normal rows, seeds 0-9; worst layer over all seeds):
#   lecun_normal               max |mean| 0.064  max |std - 1| 0.081   inside
#   AlphaDropout(0.2) + lecun  max |mean| 0.011  max |std - 1| 0.019   inside
#   glorot_uniform             max |mean| 0.096  max |std - 1| 0.318   std 1.31 at layer 2
#   Dropout(0.2) + lecun       max |mean| 0.247  max |std - 1| 0.562   std 1.45 at layer 10
#   Dropout(0.5) + lecun       std 47 at layer 50;  he_normal: std 2.41 at layer 5, 13.9 at 50
#   uniform [0, 1] input       std 0.64 at layer 1
# |mean| <= 0.15 and std in [0.85, 1.15] keeps lecun_normal with a 0.07 margin and flags all
# the others, so it is the band used.
SELU_MEAN_LIMIT = 0.15
SELU_STD_BAND = (0.85, 1.15)
# After the fit only a drift far outside the band counts: training moves the weights, and the
# SELU fixed point stays attracting for moderate deviations. Calibrated by bench/selu_drift.py
# on correct lecun_normal stacks (depths 8-50, 5 seeds, 2 epochs of SGD and Adam): see
# bench/RESULTS.md for the largest deviation seen and the margin these limits keep.
DRIFT_MEAN_LIMIT = 0.6
DRIFT_STD_BAND = (0.4, 2.5)
DEAD_FRACTION = 0.70
SATURATED_FRACTION = 0.5
VANISHING_RATIO, VANISHING_FIRST = 1e-3, 1e-4
EXPLODING_RATIO = 70.0
# KR006 compares epoch means (or, for one epoch, the mean of its first and last thirds).
# It fires when the loss rose by more than LOSS_RISE, or did not move at all (LOSS_STILL):
# a correct model's loss moves, and a noisy one does not rise by a tenth over an epoch.
LOSS_RISE = 0.10
LOSS_STILL = 1e-4

NAMES = {
    "KR001": ("non-reproducible-training", Severity.WARNING),
    "KR002": ("self-normalization-drift", Severity.WARNING),
    "KR003": ("non-finite-values", Severity.ERROR),
    "KR004": ("dead-units", Severity.WARNING),
    "KR005": ("gradient-vanishing-or-exploding", Severity.WARNING),
    "KR006": ("loss-not-decreasing", Severity.WARNING),
    "KR007": ("labels-do-not-fit-loss", Severity.ERROR),
    "KR008": ("selu-input-not-standardized", Severity.WARNING),
    "KR009": ("saturated-activations", Severity.WARNING),
}


class Places:
    """Where a model, its layers and its fit were written; the target as the last resort."""

    def __init__(self, record: ModelRecord, fallback: str) -> None:
        self.description = record.get("description") or {}
        self.layers = self.description.get("layers", [])
        fits = record.get("fits") or []
        self.fit = fits[0].get("location") if fits else None
        self.model = self.description.get("location")
        self.fallback = {"path": fallback, "line": 1, "cell": None}

    def of_layer(self, index: int | None) -> dict[str, Any]:
        if index is not None and 0 <= index < len(self.layers):
            found = self.layers[index].get("location")
            if found:
                return dict(found)
        return self.of_model()

    def of_fit(self) -> dict[str, Any]:
        return dict(self.fit or self.of_model())

    def of_model(self) -> dict[str, Any]:
        return dict(self.model or self.fit or self.fallback)

    def config(self, index: int) -> dict[str, Any]:
        if 0 <= index < len(self.layers):
            return dict(self.layers[index].get("config") or {})
        return {}


def diagnostic(
    code: str, where: dict[str, Any], message: str, data: dict[str, Any] | None = None
) -> Diagnostic:
    name, severity = NAMES[code]
    line, column = int(where.get("line") or 1), int(where.get("column") or 1)
    return Diagnostic(
        path=str(where["path"]),
        line=line,
        column=column,
        end_line=line,
        end_column=column,
        code=code,
        name=name,
        severity=severity,
        message=message,
        cell=where.get("cell"),
        data=data,
    )


def check_model(record: ModelRecord, fallback: str) -> list[Diagnostic]:
    places = Places(record, fallback)
    found: list[Diagnostic] = []
    for check in (
        _non_finite,
        _labels,
        _selu_drift,
        _selu_input,
        _dead_units,
        _gradients,
        _loss_not_decreasing,
        _saturation,
    ):
        found.extend(check(record, places))
    return found


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _non_finite(record: ModelRecord, places: Places) -> list[Diagnostic]:
    event = record.get("nonfinite")
    layers = {entry["name"]: i for i, entry in enumerate(places.layers)}
    if event:
        index = layers.get(event.get("layer") or "")
        if event["what"] == "loss":
            where = places.of_layer(index) if index is not None else places.of_fit()
            in_layer = (
                f"; the first layer with NaN/Inf weights is {event['layer']}"
                if event.get("layer")
                else "; the weights were still finite, so the data or the loss made it"
            )
            message = (
                f"the loss became {event.get('value', 'NaN')} at step {event['step']} "
                f"(epoch {event['epoch']}, batch {event['batch']}){in_layer}"
            )
        else:
            where = places.of_layer(index)
            message = f"the weights of {event['layer']} hold NaN/Inf after the fit"
        return [diagnostic("KR003", where, message, {"event": event})]
    for entry in record.get("grad_norms") or []:
        if not _finite(entry["norm"]):
            return [
                diagnostic(
                    "KR003",
                    places.of_layer(entry["index"]),
                    f"the gradient of {entry['layer']} is {entry['norm']} on the first batch",
                )
            ]
    for entry in (record.get("stats") or {}).get("init") or []:
        if not entry.get("finite", True):
            return [
                diagnostic(
                    "KR003",
                    places.of_layer(entry["index"]),
                    f"the output of {entry['layer']} holds NaN/Inf before training",
                )
            ]
    return []


def _labels(record: ModelRecord, places: Places) -> list[Diagnostic]:
    return [
        diagnostic(
            "KR007",
            places.of_fit(),
            f"output {entry['output']} ({entry['loss']}): {entry['problem']}",
            dict(entry),
        )
        for entry in record.get("labels") or []
        if entry.get("problem")
    ]


def out_of_band(entry: Any, far: bool = False) -> bool:
    """Outside the self-normalizing band, or with `far`, outside the after-fit drift limits."""
    mean, std = entry.get("mean"), entry.get("std")
    if not (_finite(mean) and _finite(std)):
        return True
    limit, (low, high) = (
        (DRIFT_MEAN_LIMIT, DRIFT_STD_BAND) if far else (SELU_MEAN_LIMIT, SELU_STD_BAND)
    )
    return bool(abs(float(mean)) > limit or not low <= float(std) <= high)


def _selu_drift(record: ModelRecord, places: Places) -> list[Diagnostic]:
    stats = record.get("selu_stats") or {}
    data = "data like the model's input" if record.get("data") == "user" else "synthetic input"
    for when, far in (("init", False), ("fit", True)):
        selu = [e for e in stats.get(when) or [] if e.get("activation") == "selu"]
        outside = [e for e in selu if out_of_band(e, far)]
        if not outside:
            continue
        first = outside[0]
        worst = max(outside, key=lambda e: abs((e["std"] if _finite(e["std"]) else 1e9) - 1))
        if far:
            head = (
                f"SELU outputs drifted far from the self-normalizing fixed point during the "
                f"short fit, on {data}: {first['layer']} has mean {first['mean']:.2f}, std "
                f"{first['std']:.2f} (initialization was inside the band; a drift past "
                f"|mean| {DRIFT_MEAN_LIMIT} or std outside {DRIFT_STD_BAND[0]}-"
                f"{DRIFT_STD_BAND[1]} does not come back)"
            )
        else:
            head = (
                f"SELU outputs leave the self-normalizing band at initialization on {data}: "
                f"{first['layer']} has mean {first['mean']:.2f}, std {first['std']:.2f} "
                f"(band |mean| <= {SELU_MEAN_LIMIT}, std in [{SELU_STD_BAND[0]}, "
                f"{SELU_STD_BAND[1]}])"
            )
        message = (
            f"{head}; {len(outside)} of {len(selu)} SELU layers are outside, worst "
            f"{worst['layer']} with std {worst['std']:.2f}{_selu_cause(places)}"
        )
        return [
            diagnostic(
                "KR002",
                places.of_layer(first["index"]),
                message,
                {"when": when, "stats": dict(stats)},
            )
        ]
    return []


def _selu_cause(places: Places) -> str:
    causes = []
    initializers = set()
    for layer in places.layers:
        config = layer.get("config") or {}
        if config.get("activation") == "selu":
            init = config.get("kernel_initializer")
            name = init.get("class_name") if isinstance(init, dict) else init
            if name not in ("LecunNormal", "lecun_normal"):
                initializers.add(str(name))
        if layer.get("class") == "keras.layers.Dropout":
            causes.append("plain Dropout (use AlphaDropout with SELU)")
    if initializers:
        causes.insert(0, f"kernel_initializer {', '.join(sorted(initializers))} (use lecun_normal)")
    return f". Likely cause: {'; '.join(dict.fromkeys(causes))}" if causes else ""


def _selu_input(record: ModelRecord, places: Places) -> list[Diagnostic]:
    """KR008 on what the first SELU layer receives (after Flatten, Normalization and the
    like), measured only when nothing with weights of its own lies before that layer."""
    if not record.get("selu"):
        return []
    for entry in record.get("selu_input_stats") or []:
        mean, std = entry["mean_abs_feature_mean"], entry["mean_feature_std"]
        if mean > INPUT_MEAN_LIMIT or not INPUT_STD_BAND[0] <= std <= INPUT_STD_BAND[1]:
            return [
                diagnostic(
                    "KR008",
                    places.of_fit(),
                    f"the first SELU layer of this network receives input that is not "
                    f"standardized: its features average |mean| {mean:.2f} and std {std:.2f}; "
                    "self-normalization needs mean 0 and std 1 (standardize the data, or put "
                    "an adapted keras.layers.Normalization in front)",
                    dict(entry),
                )
            ]
    return []


def _dead_units(record: ModelRecord, places: Places) -> list[Diagnostic]:
    stats = record.get("stats") or {}
    after = stats.get("fit") or stats.get("init") or []
    before = {e["index"]: e for e in stats.get("init") or []}
    found = []
    for entry in after:
        fraction = entry.get("dead_fraction")
        if fraction is None or fraction < DEAD_FRACTION:
            continue
        at_init = (before.get(entry["index"]) or {}).get("dead_fraction")
        history = f" ({at_init:.0%} already at initialization)" if at_init is not None else ""
        config = places.config(entry["index"])
        bias = config.get("bias_initializer")
        cause = ""
        if isinstance(bias, dict) and bias.get("class_name") == "Constant":
            value = (bias.get("config") or {}).get("value")
            if isinstance(value, (int, float)) and value < 0:
                cause = f"; its bias starts at {value}, which keeps pre-activations negative"
        found.append(
            diagnostic(
                "KR004",
                places.of_layer(entry["index"]),
                f"{fraction:.0%} of the {entry.get('units', '?')} {entry['activation']} units of "
                f"{entry['layer']} never activate on the sample{history}{cause}",
                dict(entry),
            )
        )
    return found


def _gradients(record: ModelRecord, places: Places) -> list[Diagnostic]:
    # Per-weight (RMS) gradient norms: whole-layer norms grow with the layer's size, which
    # put a healthy lecun SELU stack (784x300 first, 100x10 last) at a ratio of 20.
    norms = [e for e in record.get("grad_norms") or [] if _finite(e.get("rms"))]
    if len(norms) < 3:
        return []  # too shallow for a first-to-last ratio to mean anything
    first, last = norms[0], norms[-1]
    if last["rms"] == 0:
        return []
    ratio = first["rms"] / last["rms"]
    data = {"ratio": ratio, "norms": norms}
    if ratio < VANISHING_RATIO and first["rms"] < VANISHING_FIRST:
        return [
            diagnostic(
                "KR005",
                places.of_layer(first["index"]),
                f"gradients vanish: {first['layer']} gets a per-weight gradient of "
                f"{first['rms']:.2e}, {ratio:.1e} times that of {last['layer']} "
                f"({last['rms']:.2e})",
                data,
            )
        ]
    if ratio > EXPLODING_RATIO:
        return [
            diagnostic(
                "KR005",
                places.of_layer(first["index"]),
                f"gradients explode toward the input: {first['layer']} gets a per-weight "
                f"gradient {ratio:.0f} times that of {last['layer']} ({first['rms']:.2e} vs "
                f"{last['rms']:.2e})",
                data,
            )
        ]
    return []


def _batch_losses(running: list[float]) -> list[float]:
    """Per-batch losses from the running epoch means Keras logs after each batch."""
    found, previous = [], 0.0
    for step, mean in enumerate(running, start=1):
        found.append(step * mean - (step - 1) * previous)
        previous = mean
    return found


def _loss_ends(record: ModelRecord) -> tuple[float, float, str] | None:
    """Like with like: the first and last epoch means, or the first and last thirds of one."""
    epochs = record.get("epoch_losses") or []
    if len(epochs) >= 2:
        return epochs[0], epochs[-1], "the first epoch's mean loss and the last epoch's"
    steps = record.get("batch_losses") or []
    if len(epochs) != 1 or len(steps) < 9:
        return None
    # One epoch: Keras logs the running mean, so batch losses are recovered from it.
    losses = _batch_losses(steps)
    third = len(losses) // 3
    start, end = sum(losses[:third]) / third, sum(losses[-third:]) / third
    return start, end, f"the mean loss of the first {third} and the last {third} steps"


def _loss_not_decreasing(record: ModelRecord, places: Places) -> list[Diagnostic]:
    if record.get("nonfinite"):
        return []
    ends = _loss_ends(record)
    if ends is None:
        return []
    start, end, compared = ends
    if not (_finite(start) and _finite(end)):
        return []
    scale = max(abs(start), 1e-12)
    if end > start + LOSS_RISE * scale:
        how = f"rose from {start:.4g} to {end:.4g}"
    elif abs(end - start) <= LOSS_STILL * scale:
        how = f"stayed at {start:.4g} (the weights do not learn: a zero learning rate or frozen layers?)"
    else:
        return []
    steps = len(record.get("batch_losses") or [])
    return [
        diagnostic(
            "KR006",
            places.of_fit(),
            f"the loss did not decrease during the short fit: comparing {compared}, it {how} "
            f"({steps} steps)",
            {"first": start, "last": end},
        )
    ]


def _saturation(record: ModelRecord, places: Places) -> list[Diagnostic]:
    outputs = set(places.description.get("outputs") or [])
    found = []
    reported = set()
    for when, label in (("init", "at initialization"), ("fit", "after the short fit")):
        for entry in (record.get("stats") or {}).get(when) or []:
            fraction = entry.get("saturated_fraction")
            index = entry["index"]
            if fraction is None or fraction <= SATURATED_FRACTION or index in outputs:
                continue
            if index in reported:
                continue
            reported.add(index)
            found.append(
                diagnostic(
                    "KR009",
                    places.of_layer(index),
                    f"{fraction:.0%} of the pre-activations of {entry['layer']} "
                    f"({entry['activation']}) lie beyond ±5 {label}: those units pass almost "
                    "no gradient",
                    dict(entry),
                )
            )
    return found
