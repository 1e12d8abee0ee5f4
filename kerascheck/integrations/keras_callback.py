"""`kerascheck.Callback()`: the runtime checks KR002-KR009 on the user's own `model.fit`."""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from kerascheck.engine.registry import RUNTIME_CODES, apply_selection
from kerascheck.model.results import Diagnostic, Severity
from kerascheck.report.rule_docs import page_url
from kerascheck.runtime.child import arrays, describe, locations, measure, probe
from kerascheck.runtime.parent import checks
from kerascheck.runtime.protocol import ModelRecord

# Reproducibility needs two runs of the same code: only `kerascheck run` can do that.
OUT_OF_SCOPE = frozenset({"KR001"})
CODES = frozenset(RUNTIME_CODES) - OUT_OF_SCOPE
_COLOURS = {Severity.ERROR: "#c62828", Severity.WARNING: "#b26a00", Severity.INFO: "#1565c0"}


class FindingsError(RuntimeError):
    """Raised at the end of training by `Callback(raise_on_findings=True)` when it found some."""

    def __init__(self, findings: list[Diagnostic]) -> None:
        self.findings = findings
        super().__init__(Report(findings, "at the end of training", []).text())


class Callback(keras.callbacks.Callback):  # type: ignore[misc]
    """Runs kerascheck's runtime checks during `model.fit` and reports what it finds.

    `model.fit(x, y, epochs=..., callbacks=[kerascheck.Callback()])` measures the model before
    the first batch, after the first epoch and at the end of training, and judges the
    measurements as `kerascheck run` does: SELU drift (KR002), NaN/Inf loss or weights (KR003),
    dead units (KR004), vanishing or exploding gradients (KR005), a loss that does not
    decrease (KR006), labels that do not fit the loss (KR007), unstandardized SELU input
    (KR008) and saturated activations (KR009). Reproducibility (KR001) needs two runs of the
    same code and is left to `kerascheck run`.

    Keras shows a callback no batches, so the probes run on a sample: `data=(x, y)` when
    given, else the arrays of fit's `validation_data`, else the arrays fit trains on (their
    first rows). A `tf.data.Dataset` or generator is never read by the callback (reading it
    would move its position or its shuffling): pass `data=` with a few hundred rows then.

    The training is not changed: the probes read the weights, put back every state variable a
    forward pass moves (BatchNorm statistics, dropout seed states, loss trackers), draw no
    random numbers from any generator the training uses, and leave `logs` alone.

    Args:
        data: `(x, y)` or `x`: the sample the layers are probed on.
        select: the codes (or prefixes) to report; all of KR002-KR009 by default.
        ignore: codes (or prefixes) never reported.
        verbose: 0 prints nothing; 1 (the default) prints the findings after the first epoch
            and at the end of training.
        raise_on_findings: raise `FindingsError` at the end of training when anything was found.
        rows: how many rows of the sample the per-layer statistics use.

    After the fit, `callback.findings` holds the latest findings (`kerascheck.model.results.Diagnostic`s) and
    `callback.warnings` any measurement that could not be taken.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        verbose: int = 1,
        raise_on_findings: bool = False,
        rows: int = measure.STATS_ROWS,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.data = data
        chosen = apply_selection(set(CODES), [(select, [], list(ignore))])
        self.codes = frozenset(chosen & CODES)
        self.verbose = verbose
        self.raise_on_findings = raise_on_findings
        self.rows = rows
        # Only for kerascheck's own sampling and synthetic data: a generator of its own.
        self.seed = seed
        self.findings: list[Diagnostic] = []
        self.warnings: list[str] = []
        self.record: ModelRecord = {}
        self._selu_x: Any = None
        self._x: Any = None
        self._epoch = 0
        self._epochs_done = 0
        self._where: dict[str, Any] = {"path": "<fit>", "line": 1, "cell": None}

    # ------------------------------------------------------------ Keras hooks

    def on_train_begin(self, logs: Any = None) -> None:
        self.findings, self.warnings = [], []
        self._epochs_done = 0
        self._where = _fit_call_site()
        self.record = {
            "index": 0,
            "measured": True,
            "fits": [{"location": self._where}],  # type: ignore[typeddict-item]
            "batch_losses": [],
            "epoch_losses": [],
            "nonfinite": None,
            "data": "user",
        }
        x, y, source = self._sample()
        self._x = x
        if x is None:
            self.warnings.append(
                f"no sample data ({source}): pass kerascheck.Callback(data=(x, y)) to check "
                "the layers; only the loss is checked"
            )
        model = self.model
        warn = self.warnings.append
        measure.safely(warn, "building the model", measure.prepare, model, x, warn)
        if x is not None:
            self._selu_x = measure.before(self.record, model, x, y, self.seed, warn)
        self.record["description"] = describe.describe_model(model, {})

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = float(np.asarray(loss))
        self.record["batch_losses"].append(value)
        if not np.isfinite(value) and self.record["nonfinite"] is None:
            # Recorded, never acted on: stopping the fit is the user's choice (TerminateOnNaN).
            self.record["nonfinite"] = {
                "what": "loss",
                "value": repr(value),
                "step": len(self.record["batch_losses"]),
                "epoch": self._epoch + 1,
                "batch": batch + 1,
                "layer": probe.nonfinite_layer(self.model),
            }

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None:
            self.record["epoch_losses"].append(float(np.asarray(loss)))
        self._epochs_done += 1
        planned = int((self.params or {}).get("epochs") or 0)
        # A one-epoch fit is reported once, at its end.
        if self._epochs_done == 1 and planned - epoch > 1:
            self._judge("after epoch 1")

    def on_train_end(self, logs: Any = None) -> None:
        self._judge(f"at the end of training ({self._epochs_done} epochs)")
        if self.raise_on_findings and self.findings:
            raise FindingsError(self.findings)

    # ------------------------------------------------------------ measuring and judging

    def _judge(self, when: str) -> None:
        if self._x is not None:
            measure.after(self.record, self.model, self._x, self._selu_x, self.warnings.append)
        found = checks.check_model(self.record, str(self._where["path"]))
        self.findings = sorted((d for d in found if d.code in self.codes), key=Diagnostic.sort_key)
        if self.verbose:
            _show(Report(self.findings, when, list(dict.fromkeys(self.warnings))))

    def _sample(self) -> tuple[Any, Any, str]:
        """(x, y, where from): the given data, else fit's validation arrays, else its x."""
        if self.data is not None:
            x, y = _split(self.data)
            return _head(x, self.rows, self.seed), _head(y, self.rows, self.seed), "data="
        found = _fit_arguments(self.model)
        for x_name, y_name in (("val_x", "val_y"), ("x", "y")):
            x, y = found.get(x_name), found.get(y_name)
            if x is not None and arrays.is_array_tree(x) and arrays.is_array_tree(y):
                return _head(x, self.rows, self.seed), _head(y, self.rows, self.seed), x_name
        return None, None, "fit was given a dataset or generator, which the callback never reads"


def _split(data: Any) -> tuple[Any, Any]:
    if isinstance(data, tuple) and len(data) in (2, 3):
        return data[0], data[1]
    return data, None


def _head(value: Any, count: int, seed: int) -> Any:
    """A sample of `count` rows, picked by a generator of kerascheck's own, as NumPy."""
    if value is None:
        return None
    total = arrays.rows(value) or 0
    if total <= count:
        return arrays.to_numpy(value)
    picked = np.sort(np.random.RandomState(seed).choice(total, count, replace=False))
    return arrays.take(value, picked)


def _fit_arguments(model: Any) -> dict[str, Any]:
    """The locals of the `fit` frame that called the callbacks: x, y and the validation split
    as fit holds them (Keras gives callbacks no data)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
            return {k: frame.f_locals.get(k) for k in ("x", "y", "val_x", "val_y")}
        frame = frame.f_back  # type: ignore[assignment]
    return {}


def _fit_call_site() -> dict[str, Any]:
    """Where the user called fit: the innermost frame outside the libraries and kerascheck."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if locations.is_user_file(name) or name.startswith("<ipython-input"):
            return {"path": name, "line": frame.f_lineno, "cell": None}
        frame = frame.f_back  # type: ignore[assignment]
    return {"path": "<fit>", "line": 1, "cell": None}


@dataclass
class Report:
    """One block of findings: HTML in Jupyter, plain text elsewhere."""

    findings: list[Diagnostic]
    when: str
    warnings: list[str]

    def heading(self) -> str:
        count = len(self.findings)
        return f"kerascheck: {count} finding{'s' if count != 1 else ''} {self.when}"

    def text(self) -> str:
        out = [self.heading()]
        for d in self.findings:
            out.append(f"  {d.code} {_shown(d.path)}:{d.line} {d.name}: {d.message}")
            url = page_url(d.code)
            if url:
                out.append(f"    docs: {url}")
        out.extend(f"  note: {w}" for w in self.warnings)
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        rows = [f"<div><b>{html.escape(self.heading())}</b></div>"]
        for d in self.findings:
            url = html.escape(page_url(d.code) or "", quote=True)
            rows.append(
                "<div style='margin:4px 0'>"
                f"<a href='{url}' target='_blank' style='color:{_COLOURS[d.severity]};"
                f"font-weight:bold'>{html.escape(d.code)}</a> "
                f"<span style='color:#666'>{html.escape(d.name)}</span>: "
                f"{html.escape(d.message)}</div>"
            )
        rows.extend(f"<div style='color:#666'>note: {html.escape(w)}</div>" for w in self.warnings)
        return "<div class='kerascheck'>" + "".join(rows) + "</div>"


def _shown(path: str) -> str:
    """Relative to the working folder when the file is under it, as `kerascheck run` shows it."""
    if os.path.isabs(path) and path.startswith(os.getcwd() + os.sep):
        return os.path.relpath(path)
    return path


def _show(report: Report) -> None:
    shell = _jupyter_shell()
    if shell is None:
        print(report.text(), flush=True)
        return
    # Only reached when a Jupyter kernel already loaded IPython.
    from IPython.display import display

    display(report)  # type: ignore[no-untyped-call]


def _jupyter_shell() -> Any:
    """The running Jupyter kernel's shell, or None (a terminal, a script, plain IPython)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    return shell if type(shell).__name__ == "ZMQInteractiveShell" else None
