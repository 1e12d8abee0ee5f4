"""The child process: runs one target with Keras instrumented once the target imports it."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from types import ModuleType
from typing import Any

from kerascheck.runtime.child import calls, hooks, locations, running, scratch
from kerascheck.runtime.protocol import (
    PROGRESS_FILE,
    RESULT_FILE,
    SCRATCH_DIR,
    SPEC_FILE,
    ChildResult,
    ChildSpec,
    ErrorInfo,
    ProgressEvent,
    UsageError,
    write_json_atomically,
)


class GpuMissing(UsageError, hooks.HookError):
    """--device gpu, and the backend the target imported sees none."""


class Reporter:
    """The result file, written again whenever a measurement arrives: a run that ends
    abruptly (os._exit, a native crash) keeps what was measured before."""

    def __init__(self, spec: ChildSpec) -> None:
        self.spec = spec
        self.path = os.path.join(spec["workdir"], RESULT_FILE)
        self.result: ChildResult = {
            "complete": False,
            "error": None,
            "backend": None,
            "device": None,
            "models": [],
            "seeds": [],
            "shuffles": [],
            "generators": [],
            "saves": [],
            "warnings": [],
        }
        self.started = time.monotonic()

    def flush(self) -> None:
        result = self.result
        result["seconds"] = time.monotonic() - self.started
        result["seeds"] = calls.log.seeds
        result["shuffles"] = calls.log.shuffles
        result["generators"] = calls.log.generators
        if scratch.active is not None:
            result["saves"] = [list(pair) for pair in scratch.active.redirected.items()]
        # The instrumentation module imports Keras: only look at it once the target has.
        instrument = sys.modules.get("kerascheck.runtime.child.instrument")
        state = getattr(instrument, "session", None)
        result["warnings"] = list(hooks.failures)
        if state is not None:
            result["models"] = _describe(state)
            result["warnings"] += state.warnings
        write_json_atomically(self.path, result)


def _describe(state: Any) -> list[Any]:
    # Imported here: describing imports Keras, which a target that never did must not load.
    from kerascheck.runtime.child.describe import describe_model

    models = []
    for key, record in state.models.items():
        model = state.model_objects[key]
        try:
            record["description"] = describe_model(model, state.layer_locations)
        except Exception as error:
            state.warnings.append(f"describing {model.name} failed: {error}")
        models.append(record)
    return models


def main(workdir: str) -> int:
    with open(os.path.join(workdir, SPEC_FILE), encoding="utf-8") as handle:
        spec: ChildSpec = json.load(handle)
    reporter = Reporter(spec)
    try:
        scratch.install(
            os.path.join(workdir, SCRATCH_DIR),
            spec["protected"],
            [os.path.dirname(workdir)],
        )
        calls.install()
        hooks.after_import("keras", lambda keras: _keras_imported(keras, spec, reporter))
        _run(spec)
    except BaseException as error:  # the user's code may raise anything, SystemExit included
        reporter.result["error"] = _describe_error(error)
    finally:
        reporter.result["complete"] = True
        reporter.flush()
    return 0


def _keras_imported(keras: ModuleType, spec: ChildSpec, reporter: Reporter) -> None:
    """Instrument Keras: the target has imported it, after choosing its backend."""
    _progress(spec["workdir"], "importing", "the Keras backend")
    # Imported only now: both import Keras, which must wait until the target has chosen a backend.
    from kerascheck.runtime.child import backend, instrument

    reporter.result["backend"] = backend.name()
    gpu = backend.gpu_visible()
    reporter.result["device"] = "gpu" if gpu and spec["device"] != "cpu" else "cpu"
    if spec["device"] == "gpu" and not gpu:
        raise GpuMissing(f"--device gpu: the {backend.name()} backend sees no GPU")
    instrument.install(spec, reporter.flush)
    _progress(spec["workdir"], "running", spec["path"] or spec["module"] or "")


def _run(spec: ChildSpec) -> None:
    os.chdir(spec["cwd"])
    _progress(spec["workdir"], "running", spec["path"] or spec["module"] or "")
    if spec["kind"] == "script":
        running.run_script(str(spec["path"]), spec["args"])
    elif spec["kind"] == "notebook":
        running.run_notebook(str(spec["path"]))
    else:
        factory = running.load_factory(spec["path"], spec["module"], str(spec["attr"]))
        import keras  # the factory's module may build models lazily, without importing Keras

        # Imported after the factory's module: synthetic data needs Keras, loaded by now.
        from kerascheck.runtime.child import synthetic

        del keras
        model = synthetic.first_model(factory())
        synthetic.fit_factory_model(model, spec)


def _describe_error(error: BaseException) -> ErrorInfo | None:
    if isinstance(error, SystemExit) and error.code in (None, 0):
        return None
    kind = "raised"
    if isinstance(error, UsageError):
        kind = "usage"
    elif isinstance(error, running.CellSyntaxError):
        kind = "syntax"
    elif isinstance(error, SystemExit):
        kind = "exit"
    return ErrorInfo(
        kind=kind,
        type=type(error).__name__,
        message=str(error),
        frames=locations.user_frames(error.__traceback__),
        traceback="".join(traceback.format_exception(error))[-4000:],
    )


def _progress(workdir: str, stage: str, detail: str) -> None:
    with open(os.path.join(workdir, PROGRESS_FILE), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(ProgressEvent(t=0.0, stage=stage, detail=detail)) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
