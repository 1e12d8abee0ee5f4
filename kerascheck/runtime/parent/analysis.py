"""From the child runs to one outcome: diagnostics, errors and the per-model runtime record."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kerascheck.engine import suppressions
from kerascheck.model.results import Diagnostic, FileError, FileResult
from kerascheck.model.settings import Settings
from kerascheck.runtime.parent import checks, live_model, repro
from kerascheck.runtime.parent.runner import ChildRun
from kerascheck.runtime.parent.settings import RunSettings
from kerascheck.runtime.parent.targets import Target
from kerascheck.runtime.protocol import ChildResult, ErrorInfo, FrameInfo, ModelRecord


@dataclass
class Outcome:
    target: Target
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    backend: str | None = None
    device: str | None = None

    @property
    def exit_code(self) -> int:
        """2 when a run failed (as errors do in `check`), 1 for findings, 0 for neither."""
        if self.errors:
            return 2
        return 1 if self.diagnostics else 0


def analyse(
    target: Target, runs: list[ChildRun], settings: RunSettings, expect_fit: bool = True
) -> Outcome:
    first = runs[0]
    outcome = Outcome(target, seconds=max(r.seconds for r in runs))
    fallback = target.path or target.display
    if first.result is None:
        outcome.errors.append(FileError(fallback, _failure_text(first), line=None))
        return outcome
    result = first.result
    outcome.backend, outcome.device = result.get("backend"), result.get("device")
    outcome.warnings = [short_message(w) for w in result.get("warnings") or []]
    if first.failure:
        outcome.errors.append(FileError(fallback, first.failure))
    error = result.get("error")
    if error:
        outcome.errors.append(_error(error, fallback))
    for record in result.get("models") or []:
        if record.get("measured"):
            outcome.diagnostics.extend(checks.check_model(record, fallback))
    outcome.diagnostics.extend(
        _static_rules_on_live_models(target, result, outcome, settings.static)
    )
    verdicts = _reproducibility(runs, fallback, outcome)
    for position, record in enumerate(result.get("models") or []):
        outcome.models.append(_model_summary(record, verdicts[position] if verdicts else None))
    if not result.get("models") and not result.get("error") and not first.failure:
        if expect_fit:
            outcome.errors.append(
                FileError(
                    fallback,
                    "the target ended without fitting a model, so nothing was measured: a "
                    "target that stops early or never reaches fit passes silently otherwise "
                    "(pass --no-training when it has no training)",
                )
            )
        else:
            outcome.warnings.append("no model was fit (--no-training): nothing to measure")
    outcome.diagnostics = _suppressed_removed(
        [
            d
            for d in outcome.diagnostics
            if not d.code.startswith("KR") or d.code in settings.runtime_codes
        ],
        settings,
    )
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    return outcome


def _suppressed_removed(diagnostics: list[Diagnostic], settings: RunSettings) -> list[Diagnostic]:
    """`# noqa: KR004` and the file's own suppressions apply as in `check` (unless
    --ignore-noqa's setting says otherwise); notebooks' cells are left as they are."""
    if settings.static.ignore_noqa:
        return diagnostics
    enabled = frozenset(settings.runtime_codes | {r.code for r in settings.static.rules})
    kept: list[Diagnostic] = []
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for path, found in by_path.items():
        if not path.endswith(".py") or any(d.cell for d in found):
            kept.extend(found)
            continue
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError):
            kept.extend(found)
            continue
        result = FileResult(path, list(found))
        suppressions.apply(text, result, enabled - {suppressions.UNUSED_CODE}, False)
        kept.extend(result.diagnostics)
    return kept


def _static_rules_on_live_models(
    target: Target, result: ChildResult, outcome: Outcome, settings: Settings
) -> list[Diagnostic]:
    """The static rules again, on the models as built: catches what syntax could not show."""
    descriptions = [m["description"] for m in result.get("models") or [] if m.get("description")]
    if target.kind == "notebook" or not target.path or not descriptions:
        return []
    try:
        return live_model.static_rules_on_live_models(target.path, descriptions, settings)
    except Exception as error:  # a rule that fails on a live model must not fail the run
        outcome.warnings.append(f"static rules on the live model failed: {error}")
        return []


def _reproducibility(
    runs: list[ChildRun], fallback: str, outcome: Outcome
) -> list[dict[str, Any]] | None:
    """A verdict per model of the first run, and KR001 where the two runs differ."""
    if len(runs) < 2:
        return None
    models = (runs[0].result or {}).get("models") or []
    second = runs[1]
    if second.result is None or second.failure:
        note = f"the second run failed: {second.failure or _failure_text(second)}"
        return [{"verdict": "unavailable", "note": note} for _ in models]
    verdicts, found = repro.compare_runs(runs[0].result or {}, second.result, fallback)
    outcome.diagnostics.extend(found)
    return verdicts


# Backend start-up chatter that says nothing about the user's failure.
NOISE = (
    "WARNING: All log messages before absl",
    "I0000 ",
    "W0000 ",
    "E0000 ",
    "oneDNN",
    "To enable",
)
MAX_MESSAGE = 800


def _failure_text(run: ChildRun) -> str:
    text = run.failure or "the child process failed"
    lines = [line for line in run.output_tail.splitlines() if line.strip()]
    tail = [line for line in lines if not line.lstrip().startswith(NOISE)][-5:]
    return text + ("\n" + "\n".join(tail) if tail else "")


def short_message(message: str) -> str:
    """TensorFlow errors carry a whole graph traceback: keep the lines that say what broke."""
    lines = [line for line in message.splitlines() if line.strip()]
    kept = [line for line in lines if not line.lstrip().startswith(("File ", "[[", "Detected at"))]
    text = "\n".join(kept)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _error(error: ErrorInfo, fallback: str) -> FileError:
    frames = error.get("frames") or []
    where: dict[str, Any] = (
        dict(frames[-1]) if frames else {"path": fallback, "line": None, "cell": None}
    )
    head = f"{error['type']}: {short_message(error['message'])}"
    if error["kind"] == "usage":
        return FileError(where["path"], error["message"], internal=True)
    if error["kind"] == "exit":
        head = f"the script exited with status {error['message']}"
    if error["kind"] == "syntax":
        return FileError(fallback, f"SyntaxError in {error['message']}")
    trail = "".join(
        f"\n  {f['path']}:{f['line']}{_cell(f)} in {f['function']}: {f['code']}" for f in frames
    )
    return FileError(where["path"], head + trail, line=where.get("line"), cell=where.get("cell"))


def _cell(frame: FrameInfo) -> str:
    return f" (cell {frame['cell']})" if frame.get("cell") else ""


def _model_summary(record: ModelRecord, verdict: dict[str, Any] | None) -> dict[str, Any]:
    description: dict[str, Any] = dict(record.get("description") or {})
    layers = [
        {
            "name": layer["name"],
            "class": layer["class"],
            "params": layer.get("params"),
            "activation": layer.get("activation"),
            "location": layer.get("location"),
        }
        for layer in description.get("layers") or []
    ]
    stats = {
        "layers": record.get("stats"),
        "selu": record.get("selu_stats"),
        "selu_probe_data": record.get("data"),
        "input": record.get("input_stats"),
        "selu_layer_input": record.get("selu_input_stats"),
        "gradient_norms": record.get("grad_norms"),
        "labels": record.get("labels"),
        "batch_losses": record.get("batch_losses"),
        "epoch_losses": record.get("epoch_losses"),
        "fits": record.get("fits"),
        "seconds_fitting": record.get("seconds_fitting"),
        "seconds_measuring": record.get("seconds_measuring"),
    }
    summary: dict[str, Any] = finite_json(
        {
            "name": description.get("name"),
            "class": description.get("class"),
            "kind": description.get("kind"),
            "location": description.get("location"),
            "params": description.get("params"),
            "measured": record.get("measured"),
            "layers": layers,
            "stats": stats,
            "reproducibility": verdict,
            "description": description,
        }
    )
    return summary


def finite_json(value: Any) -> Any:
    """Strict JSON has no NaN or Infinity: write them as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, list):
        return [finite_json(v) for v in value]
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    return value
