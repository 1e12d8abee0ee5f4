"""KR001: compare the weights of two runs of the same target, bitwise, and guess why they differ."""

from __future__ import annotations

from typing import Any

import numpy as np

from kerascheck.model.results import Diagnostic
from kerascheck.runtime.parent.checks import Places, diagnostic
from kerascheck.runtime.protocol import ChildResult, ModelRecord

KERAS_SEED = "keras.utils.set_random_seed"
DETERMINISM = ("tf.config.experimental.enable_op_determinism", "torch.use_deterministic_algorithms")


def compare_files(first: str | None, second: str | None) -> dict[str, Any] | None:
    """Bitwise equality of two weight files, the largest difference and the first layer off."""
    if not first or not second:
        return None
    with np.load(first) as a, np.load(second) as b:
        if sorted(a.files) != sorted(b.files):
            return {
                "identical": False,
                "max_difference": None,
                "first_key": None,
                "note": "the two runs built different layers",
            }
        first_key, largest = None, 0.0
        for key in sorted(a.files):
            left, right = a[key], b[key]
            if left.shape != right.shape or left.tobytes() != right.tobytes():
                if first_key is None:
                    first_key = key
                if left.shape == right.shape and np.issubdtype(left.dtype, np.number):
                    gap = np.abs(left.astype("f8") - right.astype("f8"))
                    largest = max(largest, float(np.nanmax(gap)) if gap.size else 0.0)
        return {"identical": first_key is None, "max_difference": largest, "first_key": first_key}


def compare_runs(
    result_a: ChildResult, result_b: ChildResult, fallback: str
) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """A verdict per model, and a KR001 diagnostic for each model that differs."""
    verdicts, found = [], []
    models_b = result_b.get("models") or []
    for position, record in enumerate(result_a.get("models") or []):
        if position >= len(models_b):
            verdicts.append({"verdict": "unavailable", "note": "the second run made fewer models"})
            continue
        other = models_b[position]
        init = compare_files(record["weights"].get("init"), other["weights"].get("init"))
        fit = compare_files(record["weights"].get("fit"), other["weights"].get("fit"))
        verdict = _verdict(init, fit)
        if verdict["verdict"] == "differs":
            verdict["causes"] = likely_causes(result_a, record, verdict["differed_at_init"])
            found.append(_diagnostic(record, verdict, fallback))
        verdicts.append(verdict)
    return verdicts, found


def _verdict(init: dict[str, Any] | None, fit: dict[str, Any] | None) -> dict[str, Any]:
    if init is None and fit is None:
        return {"verdict": "unavailable", "note": "no weights were recorded"}
    differing = [c for c in (init, fit) if c is not None and not c["identical"]]
    if not differing:
        return {"verdict": "identical", "init_identical": True, "fit_identical": fit is not None}
    first = differing[0]
    key = first.get("first_key") or ""
    index = int(key.split("/")[0]) if key else None
    return {
        "verdict": "differs",
        "differed_at_init": init is not None and not init["identical"],
        "init_identical": init is not None and init["identical"],
        "fit_identical": fit is not None and fit["identical"],
        "max_difference": max(c.get("max_difference") or 0.0 for c in differing),
        "first_layer": key.split("/")[1] if key else None,
        "first_layer_index": index,
    }


def likely_causes(result: ChildResult, record: ModelRecord, at_init: bool) -> list[str]:
    """Why two runs differ, read from the seed calls the run made and how it fit."""
    kinds = {seed["kind"] for seed in result.get("seeds") or []}
    causes = []
    if not kinds - set(DETERMINISM):
        causes.append("no seed is set: call keras.utils.set_random_seed(seed) first")
    elif KERAS_SEED not in kinds and "random.seed" not in kinds:
        partial = " + ".join(sorted(kinds & {"np.random.seed", "tf.random.set_seed"})) or "a seed"
        causes.append(
            f"partial seed: {partial} leaves Keras 3 initializers unseeded (they draw their seeds "
            "from Python's random module): call keras.utils.set_random_seed(seed) instead"
        )
    late = _seed_after_build(result, record)
    if late:
        causes.append(late)
    generators = _unseeded_generators(result)
    if not at_init:
        shuffles = _unseeded_shuffles(result, kinds)
        causes.extend(shuffles)
        causes.extend(generators)
        if not shuffles and not generators and not kinds & set(DETERMINISM):
            if result.get("device") == "gpu":
                causes.append(
                    "the run is on a GPU, whose kernels (reductions with atomics, some cuDNN "
                    "convolutions) add in an order that changes from run to run: call "
                    "tf.config.experimental.enable_op_determinism() (TensorFlow) or "
                    "torch.use_deterministic_algorithms(True) (torch) after the seed"
                )
            else:
                causes.append(
                    "the training step is not deterministic: call "
                    "tf.config.experimental.enable_op_determinism() after the seed"
                )
    elif generators:
        causes.extend(generators)
    return list(dict.fromkeys(causes))


def _unseeded_generators(result: ChildResult) -> list[str]:
    """Generators made without a seed: no global seed fixes what they draw."""
    found = []
    for made in result.get("generators") or []:
        where: dict[str, Any] = dict(made.get("location") or {})
        line = f" on line {where['line']}" if where.get("line") else ""
        found.append(
            f"unseeded generator: {made['kind']}(){line} draws different numbers every run "
            "(keras.utils.set_random_seed does not reach it): give it a seed"
        )
    return list(dict.fromkeys(found))


def _unseeded_shuffles(result: ChildResult, kinds: set[str]) -> list[str]:
    """Shuffles whose order no seed fixes: numpy's without a NumPy seed, tf.data's without any."""
    numpy_seeded = bool(kinds & {KERAS_SEED, "np.random.seed"})
    tf_seeded = bool(kinds & {KERAS_SEED, "tf.random.set_seed"})
    found = []
    for shuffle in result.get("shuffles") or []:
        kind, where = shuffle["kind"], dict(shuffle.get("location") or {})
        line = f" on line {where['line']}" if where.get("line") else ""
        if kind.startswith("np.") and not numpy_seeded:
            found.append(f"unseeded shuffling: {kind}{line} runs without np.random.seed")
        elif kind.startswith("tf.") and not (shuffle.get("seeded") or tf_seeded):
            found.append(f"unseeded shuffling: {kind}{line} has no seed and no global seed is set")
    return list(dict.fromkeys(found))


def _seed_after_build(result: ChildResult, record: ModelRecord) -> str | None:
    description: dict[str, Any] = dict(record.get("description") or {})
    built = description.get("layers") or []
    first = next((layer["location"] for layer in built if layer.get("location")), None)
    seeds = [dict(s["location"] or {}) for s in result.get("seeds") or [] if s.get("location")]
    if first is None or not seeds:
        return None
    same_file = [
        s for s in seeds if s["path"] == first["path"] and s.get("cell") == first.get("cell")
    ]
    if same_file and all(s["line"] > first["line"] for s in same_file):
        return f"the seed is set on line {same_file[0]['line']}, after the model's first layer"
    return None


def _diagnostic(record: ModelRecord, verdict: dict[str, Any], fallback: str) -> Diagnostic:
    places = Places(record, fallback)
    when = "already at initialization" if verdict["differed_at_init"] else "only after the fit"
    causes = verdict.get("causes") or []
    message = (
        f"two runs with the same seed give different weights ({when}): largest difference "
        f"{verdict['max_difference']:.3g}, first in layer {verdict['first_layer']}"
        + (f". Likely cause: {'; '.join(causes)}" if causes else "")
    )
    return diagnostic("KR001", places.of_layer(verdict["first_layer_index"]), message, verdict)
