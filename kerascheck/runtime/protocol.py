"""What the parent and the child process exchange: the run spec and the file names."""

from __future__ import annotations

import json
import os
from typing import Any, TypedDict

SPEC_FILE = "spec.json"
RESULT_FILE = "result.json"
PROGRESS_FILE = "progress.jsonl"
OUTPUT_FILE = "output.log"
SAVES_DIR = "saved"


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


def write_json_atomically(path: str, payload: Any) -> None:
    """Write then rename, so a reader never sees half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, allow_nan=True, default=str)
    os.replace(tmp, path)
