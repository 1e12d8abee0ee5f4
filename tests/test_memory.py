"""Results of a run keep no syntax trees, so memory follows the largest file, not the count."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import libcst as cst
from conftest import run_cli

from kerascheck.api import default_settings
from kerascheck.model.results import TextEdit
from kerascheck.run.workers import check_files

# KC101's fix edits the layer call; other rules' fixes may edit the module itself.
# A unit count no other test uses, to find this file's nodes among live objects.
SOURCE = 'import keras\nmodel = keras.Sequential([keras.layers.Dense(48611, activation="selu")])\n'


def _write(tmp_path: Path, count: int) -> list[str]:
    paths = []
    for i in range(count):
        path = tmp_path / f"m{i}.py"
        path.write_text(SOURCE, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_one_process_results_hold_no_trees(tmp_path: Path) -> None:
    settings = default_settings()
    results = check_files([(p, settings) for p in _write(tmp_path, 12)], workers=1)
    assert all(r.diagnostics for r in results)
    assert any(d.fix is not None for r in results for d in r.diagnostics)
    # Fixes are carried as text edits: plain data, no syntax nodes.
    fixes = [d.fix for r in results for d in r.diagnostics if d.fix is not None]
    assert all(fix.edits for fix in fixes)
    assert all(isinstance(e, TextEdit) for fix in fixes for e in fix.edits)
    gc.collect()
    ours = [o for o in gc.get_objects() if isinstance(o, cst.Integer) and o.value == "48611"]
    assert ours == []


def test_sarif_fixes_survive_parallel_runs(tmp_path: Path) -> None:
    _write(tmp_path, 10)
    proc = run_cli("check", "--format", "sarif", "--jobs", "2", "--no-cache", ".", cwd=tmp_path)
    results = json.loads(proc.stdout)["runs"][0]["results"]
    kc101 = [r for r in results if r["ruleId"] == "KC101"]
    assert len(kc101) == 10
    assert all(r.get("fixes") for r in kc101)
