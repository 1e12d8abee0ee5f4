"""The KR checks: turn one child run's measurements into diagnostics at the user's lines."""

from __future__ import annotations

import math
from typing import Any

from kerascheck.model.results import Diagnostic, Severity

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
DEAD_FRACTION = 0.70
SATURATED_FRACTION = 0.5
VANISHING_RATIO, VANISHING_FIRST = 1e-3, 1e-4
EXPLODING_RATIO = 70.0
# A SELU input is "standardized" when its features' means and stds are near 0 and 1:
# uniform [0, 1] input (mean 0.5, std 0.29) already starts layer 1 at std 0.64.
INPUT_MEAN_LIMIT = 0.3
INPUT_STD_BAND = (0.7, 1.3)

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

    def __init__(self, record: dict[str, Any], fallback: str) -> None:
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


def check_model(record: dict[str, Any], fallback: str) -> list[Diagnostic]:
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


def _non_finite(record: dict[str, Any], places: Places) -> list[Diagnostic]:
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


def _labels(record: dict[str, Any], places: Places) -> list[Diagnostic]:
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


def out_of_band(entry: dict[str, Any]) -> bool:
    mean, std = entry.get("mean"), entry.get("std")
    if not (_finite(mean) and _finite(std)):
        return True
    low, high = SELU_STD_BAND
    return bool(abs(float(mean)) > SELU_MEAN_LIMIT or not low <= float(std) <= high)  # type: ignore[arg-type]


def _selu_drift(record: dict[str, Any], places: Places) -> list[Diagnostic]:
    stats = record.get("selu_stats") or {}
    for when, label in (("init", "at initialization"), ("fit", "after the short fit")):
        selu = [e for e in stats.get(when) or [] if e.get("activation") == "selu"]
        outside = [e for e in selu if out_of_band(e)]
        if not outside:
            continue
        first = outside[0]
        worst = max(outside, key=lambda e: abs((e["std"] if _finite(e["std"]) else 1e9) - 1))
        message = (
            f"SELU outputs leave the self-normalizing band {label} on standardized input: "
            f"{first['layer']} has mean {first['mean']:.2f}, std {first['std']:.2f} "
            f"(band |mean| <= {SELU_MEAN_LIMIT}, std in [{SELU_STD_BAND[0]}, "
            f"{SELU_STD_BAND[1]}]); {len(outside)} of {len(selu)} SELU layers are outside, "
            f"worst {worst['layer']} with std {worst['std']:.2f}{_selu_cause(places)}"
        )
        return [
            diagnostic(
                "KR002",
                places.of_layer(first["index"]),
                message,
                {"when": when, "stats": stats},
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


def _selu_input(record: dict[str, Any], places: Places) -> list[Diagnostic]:
    if not record.get("selu"):
        return []
    for entry in record.get("input_stats") or []:
        mean, std = entry["mean_abs_feature_mean"], entry["mean_feature_std"]
        if mean > INPUT_MEAN_LIMIT or not INPUT_STD_BAND[0] <= std <= INPUT_STD_BAND[1]:
            return [
                diagnostic(
                    "KR008",
                    places.of_fit(),
                    f"input {entry['input']} of this SELU network is not standardized: "
                    f"its features average |mean| {mean:.2f} and std {std:.2f}; self-normalization "
                    "needs mean 0 and std 1 (use StandardScaler or a Normalization layer)",
                    dict(entry),
                )
            ]
    return []


def _dead_units(record: dict[str, Any], places: Places) -> list[Diagnostic]:
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


def _gradients(record: dict[str, Any], places: Places) -> list[Diagnostic]:
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


def _loss_not_decreasing(record: dict[str, Any], places: Places) -> list[Diagnostic]:
    batches, epochs = record.get("batch_losses") or [], record.get("epoch_losses") or []
    if len(batches) < 4 or not epochs or record.get("nonfinite"):
        return []
    start, end = batches[0], epochs[-1]
    if not (_finite(start) and _finite(end)) or end < start:
        return []
    return [
        diagnostic(
            "KR006",
            places.of_fit(),
            f"the loss did not decrease during the short fit: {start:.4g} on the first batch, "
            f"{end:.4g} averaged over the last epoch ({len(batches)} steps)",
            {"first": start, "last_epoch": end},
        )
    ]


def _saturation(record: dict[str, Any], places: Places) -> list[Diagnostic]:
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
