"""The KR checks: turn one child run's measurements into diagnostics at the user's lines."""

from __future__ import annotations

import math
from typing import Any

from kerascheck.knowledge.runtime_rules import RUNTIME_RULES
from kerascheck.model.results import Diagnostic
from kerascheck.runtime.protocol import INPUT_MEAN_LIMIT, INPUT_STD_BAND, ModelRecord

# Self-normalization band, measured on 784-300-50x100 SELU stacks in training mode
# (TF 2.21 CPU, 1,000 standard normal rows, seeds 0-9; worst layer over all seeds):
#   lecun_normal               max |mean| 0.064  max |std - 1| 0.081   inside
#   AlphaDropout(0.2) + lecun  max |mean| 0.011  max |std - 1| 0.019   inside
#   glorot_uniform             max |mean| 0.096  max |std - 1| 0.318   std 1.31 at layer 2
#   Dropout(0.2) + lecun       max |mean| 0.247  max |std - 1| 0.562   std 1.45 at layer 10
#   Dropout(0.5) + lecun       std 47 at layer 50;  he_normal: std 2.41 at layer 5, 13.9 at 50
#   uniform [0, 1] input       std 0.64 at layer 1
# Narrow layers spread more around the fixed point (bench/selu_drift.py, lecun_normal, 8
# seeds, worst |std - 1|): 16 units 0.26, 32 units 0.22, 64 units 0.09, 3x3 convolutions with
# 16 channels 0.19. The std tolerance is therefore max(0.15, 2 / sqrt(units)): 0.5 at 16
# units, 0.35 at 32, 0.2 at 100, 0.15 from 178 up, keeping every correct case inside with a
# margin of 1.5x or more, while he_normal (|std - 1| > 2) and plain Dropout stay outside.
SELU_MEAN_LIMIT = 0.15
SELU_STD_TOLERANCE = 0.15
SELU_STD_WIDTH_SCALE = 2.0
SELU_STD_BAND = (1 - SELU_STD_TOLERANCE, 1 + SELU_STD_TOLERANCE)
# After the fit only a drift far outside the band counts: training moves the weights, and a
# correct deep stack can move a long way. bench/selu_drift.py measured correct lecun_normal
# stacks after 2 epochs (seeds 0-2): 8x32 |mean| 0.05 |std - 1| 0.18; 30x100 SGD 0.13 / 0.37,
# Adam 1.06 / 2.37; 50x100 SGD 0.59 / 1.40, Adam 2.27 / 4.58 (std 5.6). An order of magnitude
# is what "far" means here, 1.8x past the worst correct case.
DRIFT_MEAN_LIMIT = 5.0
DRIFT_STD_BAND = (0.1, 10.0)
DEAD_FRACTION = 0.70
SATURATED_FRACTION = 0.5
VANISHING_RATIO, VANISHING_FIRST = 1e-3, 1e-4
EXPLODING_RATIO = 70.0
# KR006 compares epoch means (or, for one epoch, the mean of its first and last thirds).
# It fires when the loss rose by more than LOSS_RISE, or did not move at all (LOSS_STILL):
# a correct model's loss moves, and a noisy one does not rise by a tenth over an epoch.
LOSS_RISE = 0.10
LOSS_STILL = 1e-4

NAMES = {code: (rule.name, rule.severity) for code, rule in RUNTIME_RULES.items()}


class Places:
    """Where a model, its layers and its fit were written; the target as the last resort."""

    def __init__(self, record: ModelRecord, fallback: str) -> None:
        self.description: dict[str, Any] = dict(record.get("description") or {})
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
    for grad in record.get("grad_norms") or []:
        if not _finite(grad["norm"]):
            return [
                diagnostic(
                    "KR003",
                    places.of_layer(grad["index"]),
                    f"the gradient of {grad['layer']} is {grad['norm']} on the first batch",
                )
            ]
    for out in (record.get("stats") or {}).get("init") or []:
        if not out.get("finite", True):
            return [
                diagnostic(
                    "KR003",
                    places.of_layer(out["index"]),
                    f"the output of {out['layer']} holds NaN/Inf before training",
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
    if far:
        limit, (low, high) = DRIFT_MEAN_LIMIT, DRIFT_STD_BAND
    else:
        limit, tolerance = SELU_MEAN_LIMIT, std_tolerance(entry)
        low, high = 1 - tolerance, 1 + tolerance
    return bool(abs(float(mean)) > limit or not low <= float(std) <= high)


def _std_gap(entry: Any) -> float:
    std = entry.get("std")
    return abs(float(std) - 1) if _finite(std) else 1e9


def std_tolerance(entry: Any) -> float:
    """How far a SELU layer's std may stray from 1 at initialization, by its width."""
    units = entry.get("units")
    if not isinstance(units, int) or units <= 0:
        return SELU_STD_TOLERANCE
    return max(SELU_STD_TOLERANCE, SELU_STD_WIDTH_SCALE / math.sqrt(units))


def _selu_drift(record: ModelRecord, places: Places) -> list[Diagnostic]:
    stats = record.get("selu_stats") or {}
    data = "data like the model's input" if record.get("data") == "user" else "synthetic input"
    for when, far in (("init", False), ("fit", True)):
        selu = [e for e in stats.get(when) or [] if e.get("activation") == "selu"]
        outside = [e for e in selu if out_of_band(e, far)]
        if not outside:
            continue
        first = outside[0]
        worst = max(outside, key=_std_gap)
        if far:
            head = (
                f"SELU outputs drifted far from the self-normalizing fixed point during the "
                f"short fit, on {data}: {first['layer']} has mean {first['mean']:.2f}, std "
                f"{first['std']:.2f}, past |mean| {DRIFT_MEAN_LIMIT} or std outside "
                f"{DRIFT_STD_BAND[0]}-{DRIFT_STD_BAND[1]}, an order of magnitude from the fixed "
                f"point (mean 0, std 1) that initialization was near"
            )
        else:
            head = (
                f"SELU outputs leave the self-normalizing band at initialization on {data}: "
                f"{first['layer']} has mean {first['mean']:.2f}, std {first['std']:.2f} "
                f"(band |mean| <= {SELU_MEAN_LIMIT}, std within {std_tolerance(first):.2f} "
                f"of 1 for its {first.get('units', '?')} units)"
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
