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


def test_a_checked_tree_is_freed_without_the_collector(tmp_path: Path) -> None:
    # The reader's scopes hold imported names read later, and its dispatch tables hold what
    # evaluates each expression: if either held the reader, the reader (and through it the
    # checked file's whole tree) would be a reference cycle only the collector frees, and
    # the collector's passes over those trees cost several percent of a run.
    from kerascheck.engine.check import check_bytes

    (tmp_path / "blocks.py").write_text(
        "import keras\nWIDTH = 8\n\ndef head(n):\n    return keras.layers.Dense(n)\n",
        encoding="utf-8",
    )
    layers = "".join(f"    keras.layers.Dense(WIDTH + {i}),\n" for i in range(200))
    source = (
        "import keras\nimport blocks\nfrom blocks import WIDTH, head\n"
        f"model = keras.Sequential([\n{layers}    head(3),\n])\n"
        "model.compile(loss='mse')\n"
    )
    path = tmp_path / "train.py"
    path.write_text(source, encoding="utf-8")
    settings = default_settings()
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        result = check_bytes(source.encode(), str(path), settings)
        assert result.checked
        # A tree of this source is over 10,000 objects; a few small cycles are allowed.
        assert gc.collect() < 200
    finally:
        if enabled:
            gc.enable()
