"""The child process: `python -m kerascheck.runtime.child WORKDIR` runs one target, instrumented."""

from __future__ import annotations

import os
import sys
import time
import traceback
from typing import Any

from kerascheck.runtime.protocol import RESULT_FILE, SPEC_FILE, ChildSpec, write_json_atomically


def main(workdir: str) -> int:
    import json

    with open(os.path.join(workdir, SPEC_FILE), encoding="utf-8") as handle:
        spec: ChildSpec = json.load(handle)
    result: dict[str, Any] = {"error": None, "models": [], "seeds": [], "saves": [], "warnings": []}
    started = time.monotonic()
    state = None
    try:
        state = _prepare(spec, result)
        _run(spec, state)
    except BaseException as error:  # the user's code may raise anything, SystemExit included
        result["error"] = _describe_error(error)
    finally:
        result["seconds"] = time.monotonic() - started
        if state is not None:
            _collect(state, result)
        write_json_atomically(os.path.join(workdir, RESULT_FILE), result)
    return 0


def _prepare(spec: ChildSpec, result: dict[str, Any]) -> Any:
    _progress_raw(spec["workdir"], "importing", "the Keras backend")
    from kerascheck.runtime import backend, instrument

    result["backend"] = backend.name()
    gpu = backend.gpu_visible()
    result["device"] = "gpu" if gpu and spec["device"] != "cpu" else "cpu"
    if spec["device"] == "gpu" and not gpu:
        from kerascheck.runtime.targets import UsageError

        raise UsageError(f"--device gpu: the {backend.name()} backend sees no GPU")
    return instrument.install(spec)


def _run(spec: ChildSpec, state: Any) -> None:
    from kerascheck.runtime import synthetic, targets

    os.chdir(spec["cwd"])
    state.progress("running", spec["path"] or spec["module"] or "")
    if spec["kind"] == "script":
        targets.run_script(str(spec["path"]), spec["args"])
    elif spec["kind"] == "notebook":
        targets.run_notebook(str(spec["path"]))
    else:
        target = targets.Target("factory", spec["path"], spec["module"], spec["attr"])
        factory = targets.load_factory(target)
        model = synthetic.first_model(factory())
        synthetic.fit_factory_model(model, dict(spec))


def _describe_error(error: BaseException) -> dict[str, Any] | None:
    from kerascheck.runtime import locations

    if isinstance(error, SystemExit) and error.code in (None, 0):
        return None
    kind = "raised"
    if type(error).__name__ == "UsageError":
        kind = "usage"
    elif isinstance(error, SystemExit):
        kind = "exit"
    return {
        "kind": kind,
        "type": type(error).__name__,
        "message": str(error),
        "frames": locations.user_frames(error.__traceback__),
        "traceback": "".join(traceback.format_exception(error))[-4000:],
    }


def _collect(state: Any, result: dict[str, Any]) -> None:
    from kerascheck.runtime.describe import describe_model

    for key, record in state.models.items():
        record.pop("_standard", None)
        model = state.model_objects[key]
        try:
            record["description"] = describe_model(model, state.layer_locations)
        except Exception as error:
            state.warnings.append(f"describing {model.name} failed: {error}")
        result["models"].append(record)
    result["seeds"] = state.seeds
    result["shuffles"] = state.shuffles
    result["saves"] = state.saves
    result["warnings"] = state.warnings


def _progress_raw(workdir: str, stage: str, detail: str) -> None:
    import json

    from kerascheck.runtime.protocol import PROGRESS_FILE

    with open(os.path.join(workdir, PROGRESS_FILE), "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"t": 0.0, "stage": stage, "detail": detail}) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
