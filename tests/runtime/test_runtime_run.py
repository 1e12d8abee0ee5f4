"""`kerascheck run` on the runtime fixtures: real Keras in child processes, findings and exits."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ENV, codes, fixture, kerascheck_run, run_json, runtime_findings

pytestmark = pytest.mark.runtime


def test_seeded_wide_and_deep_is_reproducible_and_saves_nothing_here(tmp_path: Path) -> None:
    exit_code, report = run_json(fixture("wide_deep_seeded.py"), "--", "5", cwd=tmp_path)
    assert exit_code == 0, report
    assert set(report) == {"version", "files_checked", "diagnostics", "errors", "runtime"}
    assert report["files_checked"] == 1
    assert report["diagnostics"] == [] and report["errors"] == []
    (model,) = report["runtime"][0]["models"]
    assert model["reproducibility"]["verdict"] == "identical"
    assert model["params"] == 1207
    fit = model["stats"]["fits"][0]
    assert (fit["epochs_requested"], fit["epochs_capped"]) == (5, 2)
    dense = next(layer for layer in model["layers"] if layer["name"] == "dense")
    assert dense["location"]["line"] == 20
    # ModelCheckpoint and model.save wrote into kerascheck's temporary folder only.
    assert list(tmp_path.iterdir()) == []


def test_partial_seed_is_not_reproducible() -> None:
    exit_code, report = run_json(fixture("wide_deep_partial_seed.py"))
    assert exit_code == 1
    (finding,) = runtime_findings(report)
    assert finding["code"] == "KR001" and finding["name"] == "non-reproducible-training"
    assert "partial seed" in finding["message"]
    assert "already at initialization" in finding["message"]
    assert finding["line"] == 22  # the first Dense, whose weights differ first
    verdict = report["runtime"][0]["models"][0]["reproducibility"]
    assert verdict["verdict"] == "differs" and verdict["differed_at_init"]


def test_selu_with_lecun_normal_keeps_its_band(tmp_path: Path) -> None:
    plot = tmp_path / "selu.png"
    exit_code, report = run_json(fixture("selu_lecun.py"), "--no-repro", "--plot", str(plot))
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert "KR002" not in codes(report), report["diagnostics"]
    stats = report["runtime"][0]["models"][0]["stats"]["selu"]
    assert report["runtime"][0]["models"][0]["stats"]["selu_probe_data"] == "user"
    selu = [e for e in stats["init"] if e["activation"] == "selu"]
    assert len(selu) == 51
    assert all(abs(e["mean"]) <= 0.15 and 0.8 <= e["std"] <= 1.2 for e in selu)
    assert len(stats["fit"]) == len(stats["init"])
    assert exit_code == (1 if report["diagnostics"] else 0)


@pytest.mark.parametrize(
    ("script", "cause"), [("selu_he.py", "HeNormal"), ("selu_dropout.py", "plain Dropout")]
)
def test_selu_drift_is_reported(script: str, cause: str) -> None:
    exit_code, report = run_json(fixture(script), "--no-repro")
    assert exit_code == 1
    (drift,) = [d for d in report["diagnostics"] if d["code"] == "KR002"]
    assert cause in drift["message"]
    assert drift["path"].endswith(script) and drift["line"] in (16, 19)


def test_uncompiled_factory_needs_loss_and_optimizer() -> None:
    target = fixture("factory.py") + ":build_uncompiled"
    exit_code, report = run_json(target, "--no-repro")
    assert exit_code == 2 and "--loss" in report["errors"][0]["message"]
    exit_code, report = run_json(target, "--no-repro", "--loss", "mse", "--optimizer", "adam")
    assert report["errors"] == [] and len(report["runtime"][0]["models"]) == 1


def test_script_that_raises_reports_its_own_frames() -> None:
    exit_code, report = run_json(fixture("raises.py"), "--no-repro")
    assert exit_code == 2
    (error,) = report["errors"]
    assert error["path"].endswith("raises.py") and error["line"] == 9
    assert "IndexError" in error["message"] and "raises.py:13" in error["message"]


def test_timeout_stops_the_script() -> None:
    done = kerascheck_run(fixture("sleeps.py"), "--no-repro", "--timeout", "3")
    assert done.returncode == 2
    assert "--timeout" in done.stdout


def test_ctrl_c_stops_the_children(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kerascheck", "run", fixture("sleeps.py")]
    parent = subprocess.Popen(
        command,
        env={**os.environ, **ENV, "TMPDIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A background test runner may ignore SIGINT; the parent must see it as a user would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    children: list[str] = []
    while len(children) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        found = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True)
        # The run's children, not its watchdog (which holds no run folder in its environment).
        children = [pid for pid in found.stdout.split() if _in_run(pid)]
    assert len(children) == 2  # the run and the reproducibility run
    parent.send_signal(signal.SIGINT)
    parent.communicate(timeout=60)
    assert parent.returncode == 130
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)
    assert not list(tmp_path.glob("kerascheck-run-*"))


def _in_run(pid: str) -> bool:
    try:
        return b"KERASCHECK_RUN_ROOT=" in Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def test_a_child_that_dies_is_a_clear_error() -> None:
    exit_code, report = run_json(fixture("dies.py"), "--no-repro")
    assert exit_code == 2
    assert "exited with status 3 before it finished" in report["errors"][0]["message"]


def test_missing_target_is_a_usage_error() -> None:
    done = kerascheck_run("no_such_script.py")
    assert done.returncode == 2 and "no such file" in done.stderr
    exit_code, report = run_json("no_such_script.py")
    assert exit_code == 2 and "no such file" in report["errors"][0]["message"]


def test_static_rules_run_on_a_model_built_by_opaque_code() -> None:
    exit_code, report = run_json(fixture("opaque_selu.py"), "--no-repro")
    assert exit_code == 1
    found = {(d["code"], d["line"]) for d in report["diagnostics"]}
    # The layers come from getattr(keras.layers, kind)(**SETTINGS) on line 12.
    assert ("KC101", 12) in found and ("KR002", 12) in found
    assert ("KR008", 22) in found


def test_unseeded_shuffle_differs_only_after_the_fit() -> None:
    exit_code, report = run_json(fixture("wide_deep_unseeded_shuffle.py"))
    assert exit_code == 1
    found = runtime_findings(report)
    # Only KR001 is this fixture's claim; other measurements may vary with machine load.
    repro = [d for d in found if d["code"] == "KR001"]
    assert len(repro) == 1, [(d["code"], d["message"]) for d in found]
    (finding,) = repro
    assert finding["code"] == "KR001" and "only after the fit" in finding["message"]
    assert "np.random.permutation on line 19" in finding["message"]
    verdict = report["runtime"][0]["models"][0]["reproducibility"]
    assert verdict["init_identical"] and not verdict["differed_at_init"]


def test_ci_formats_carry_runtime_findings() -> None:
    done = kerascheck_run("--no-repro", "--format", "github", fixture("selu_he.py"))
    assert done.returncode == 1, done.stderr
    assert "title=kerascheck (KR002)::" in done.stdout
    # Relative to the working folder, so the annotations attach to the diff.
    assert "file=fixtures/runtime/selu_he.py,line=16" in done.stdout


def test_measurements_before_os_exit_are_kept() -> None:
    exit_code, report = run_json(fixture("safety/exits_after_fit.py"), "--no-repro")
    assert "KR004" in codes(report), report
    assert any("os._exit" in w for w in report["runtime"][0]["warnings"])
    assert exit_code == 1


def test_a_target_that_never_fits_is_an_error_unless_told() -> None:
    exit_code, report = run_json(fixture("safety/no_fit.py"), "--no-repro")
    assert exit_code == 2 and "without fitting a model" in report["errors"][0]["message"]
    exit_code, report = run_json(fixture("safety/no_fit.py"), "--no-repro", "--no-training")
    assert exit_code == 0 and report["errors"] == []


def test_a_notebook_syntax_error_names_the_cell(tmp_path: Path) -> None:
    # Written here, not kept in fixtures/: `kerascheck check fixtures/` must stay clean.
    cells = [["x = 1\n"], ["%%time\n", "y = x +\n"]]
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": c} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "broken.ipynb").write_text(json.dumps(notebook))
    exit_code, report = run_json(str(tmp_path / "broken.ipynb"), "--no-repro", cwd=tmp_path)
    assert exit_code == 2
    message = report["errors"][0]["message"]
    assert "cell 2" in message and "kerascheck-cell" not in message, message


def test_rule_command_documents_runtime_rules() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kerascheck", "rule", "KR001"],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
        check=True,
    )
    assert "non-reproducible-training" in done.stdout
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in done.stdout


def test_configuration_and_noqa_reach_the_runtime_findings(tmp_path: Path) -> None:
    shutil.copy(fixture("safety/configured.py"), tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nignore = ["KR005"]\n')
    exit_code, report = run_json("configured.py", "--no-repro", cwd=tmp_path)
    assert runtime_findings(report) == [] and report["errors"] == [], report
    assert exit_code == 0
    # Without them, the same run reports both.
    exit_code, report = run_json(
        "configured.py", "--no-repro", "--extend-select", "KR005", cwd=tmp_path
    )
    assert {d["code"] for d in runtime_findings(report)} == {"KR005"}
