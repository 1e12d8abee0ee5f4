"""What the parent and the child process exchange: the run spec, the result and its parts."""

from __future__ import annotations

import json
import os
from typing import Any, TypedDict

SPEC_FILE = "spec.json"
RESULT_FILE = "result.json"
PROGRESS_FILE = "progress.jsonl"
OUTPUT_FILE = "output.log"
SCRATCH_DIR = "scratch"
# Every process of a run carries this variable, so a cleanup can find the ones that escaped.
RUN_MARKER = "KERASCHECK_RUN_ROOT"
# The pid of kerascheck's parent process, so the child can end itself when it is gone.
PARENT_PID = "KERASCHECK_PARENT_PID"
# Input that a SELU network receives is "standardized" when its features' means and stds are
# near 0 and 1: uniform [0, 1] input (mean 0.5, std 0.29) already starts layer 1 at std 0.64.
# The child picks its SELU probe data by it and the parent's KR008 judges by it.
INPUT_MEAN_LIMIT = 0.3
INPUT_STD_BAND = (0.7, 1.3)


class UsageError(Exception):
    """The target cannot be run as asked: a missing file or factory, an uncompiled model."""


class ChildSpec(TypedDict):
    """Everything the child needs to run one target once."""

    kind: str  # "script", "factory" or "notebook"
    path: str | None
    module: str | None
    attr: str | None
    args: list[str]
    epochs: int
    max_steps: int
    seed: int
    device: str
    loss: str | None
    optimizer: str | None
    workdir: str
    cwd: str
    # Folders whose files the run must not change: writes there go to the scratch folder.
    protected: list[str]


class Location(TypedDict):
    path: str
    line: int
    cell: int | None


class FrameInfo(Location):
    function: str
    code: str


class ProgressEvent(TypedDict):
    t: float
    stage: str
    detail: str


class ErrorInfo(TypedDict):
    """Why the target stopped: it raised, exited non-zero or was used wrongly."""

    kind: str  # "raised", "exit", "usage" or "syntax"
    type: str
    message: str
    frames: list[FrameInfo]
    traceback: str


class SeedCall(TypedDict):
    kind: str
    location: Location | None
    value: str


class ShuffleCall(TypedDict):
    kind: str
    location: Location | None
    seeded: bool


class FitCall(TypedDict):
    location: Location | None
    epochs_requested: int
    epochs_capped: int
    batch_size: int
    shuffle: bool
    data: str


class LayerStats(TypedDict, total=False):
    index: int
    layer: str
    activation: str | None
    mean: float | None
    std: float | None
    finite: bool
    dead_fraction: float | None
    saturated_fraction: float | None
    units: int


class InputStats(TypedDict):
    input: int
    mean_abs_feature_mean: float
    mean_feature_std: float
    max_abs_feature_mean: float
    rows: int


class GradientNorm(TypedDict):
    index: int
    layer: str
    norm: float
    rms: float


class LabelCheck(TypedDict):
    output: int
    loss: str | None
    units: int
    problem: str | None


class NonFinite(TypedDict, total=False):
    what: str  # "loss" or "weights"
    value: str
    step: int | None
    epoch: int
    batch: int
    layer: str | None


# "class" is a keyword, so these two are spelled the functional way.
LayerDescription = TypedDict(
    "LayerDescription",
    {
        "name": str,
        "class": str,
        "location": "Location | None",
        "params": "int | None",
        "activation": "str | None",
        "output_shape": "list[Any] | None",
        "config": dict[str, Any],
    },
)

ModelDescription = TypedDict(
    "ModelDescription",
    {
        "name": str,
        "class": str,
        "kind": str,  # "sequential", "functional" or "subclassed"
        "location": "Location | None",
        "params": "int | None",
        "layers": "list[LayerDescription]",
        "edges": list[list[int]],
        "inputs": list[int],
        "outputs": list[int],
    },
)


class ModelRecord(TypedDict, total=False):
    """One model the user fit: its calls, measurements and description."""

    index: int
    measured: bool
    seconds_measuring: float
    seconds_fitting: float
    fits: list[FitCall]
    batch_losses: list[float]
    epoch_losses: list[float]
    nonfinite: NonFinite | None
    weights: dict[str, str | None]
    # "user": a sample of the user's own batches; "synthetic": kerascheck's data.
    data: str
    input_stats: list[InputStats]
    # What the first SELU layer receives, when only preprocessing lies before it.
    selu_input_stats: list[InputStats]
    labels: list[LabelCheck]
    stats: dict[str, list[LayerStats] | None]
    grad_norms: list[GradientNorm] | None
    selu: bool
    selu_standardized: bool
    selu_stats: dict[str, list[LayerStats] | None]
    description: ModelDescription


class ChildResult(TypedDict, total=False):
    """Everything one run reports; written again as measurements arrive."""

    complete: bool
    error: ErrorInfo | None
    backend: str | None
    device: str | None
    models: list[ModelRecord]
    seeds: list[SeedCall]
    shuffles: list[ShuffleCall]
    generators: list[ShuffleCall]
    saves: list[list[str]]
    warnings: list[str]
    seconds: float


def write_json_atomically(path: str, payload: Any) -> None:
    """Write then rename, so a reader never sees half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, allow_nan=True, default=str)
    os.replace(tmp, path)
