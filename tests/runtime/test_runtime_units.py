"""Fast pieces of the runtime checker that need no Keras: targets, notebooks, the static path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kerascheck.runtime.child.running import notebook_cells
from kerascheck.runtime.parent.targets import UsageError, parse_target

from .conftest import ROOT, fixture


def test_targets_are_told_apart() -> None:
    assert parse_target(fixture("nan_loss.py")).kind == "script"
    assert parse_target(fixture("runtime_nb.ipynb")).kind == "notebook"
    made = parse_target(fixture("factory.py") + ":build_model")
    assert (made.kind, made.attr) == ("factory", "build_model")
    dotted = parse_target("package.module:factory")
    assert (dotted.module, dotted.attr) == ("package.module", "factory")
    with pytest.raises(UsageError):
        parse_target("missing.py")


def test_notebook_cells_are_masked_as_the_static_checker_masks_them(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": "# title"},
            {"cell_type": "code", "source": ["%%bash\n", "ls"]},
            {"cell_type": "code", "source": ["x = 1\n", "if x:\n", "    !ls\n", "%time y = 2"]},
            {"cell_type": "code", "source": ["%%time\n", "z = 3\n", "z?\n", "files = !ls"]},
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    assert notebook_cells(str(path)) == [
        (2, "\n\n"),  # %%bash: nothing in it is Python
        (3, "x = 1\nif x:\n    pass\npass; y = 2\n"),
        # %%time runs its cell's code; `z?` and `var = !cmd` keep their line numbers.
        (4, "\nz = 3\npass\nfiles = None\n"),
    ]


def test_the_static_path_never_imports_the_runtime() -> None:
    code = (
        "import sys, kerascheck.cli, kerascheck.api\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'numpy', 'kerascheck.runtime.backend')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_plot_to_an_unwritable_path_is_a_note(tmp_path: Path) -> None:
    from kerascheck.runtime.command import _plot
    from kerascheck.runtime.parent.analysis import Outcome
    from kerascheck.runtime.parent.targets import Target

    outcome = Outcome(Target("script", str(tmp_path / "train.py")))
    entry = {"index": 1, "layer": "dense", "activation": "selu", "mean": 0.0, "std": 1.0}
    outcome.models.append({"name": "m", "stats": {"selu": {"init": [entry], "fit": [entry]}}})
    _plot(str(tmp_path / "missing-folder" / "plot.png"), outcome)
    assert outcome.warnings and outcome.warnings[0].startswith("--plot: cannot write")
    _plot(str(tmp_path / "plot.png"), outcome)
    assert (tmp_path / "plot.png").read_bytes().startswith(b"\x89PNG")


def test_tree_listing_reports_created_changed_and_removed_files(tmp_path: Path) -> None:
    from kerascheck.runtime.parent import tree

    (tmp_path / "kept.txt").write_text("a")
    (tmp_path / "changed.txt").write_text("a")
    (tmp_path / "removed.txt").write_text("a")
    (tmp_path / ".git").mkdir()
    before = tree.listing([str(tmp_path)], [])
    (tmp_path / "changed.txt").write_text("bb")
    (tmp_path / "removed.txt").unlink()
    (tmp_path / "created.txt").write_text("c")
    (tmp_path / ".git" / "index").write_text("not the user's file")
    found = tree.changes(before, tree.listing([str(tmp_path)], []))
    assert found == [
        f"changed {tmp_path / 'changed.txt'}",
        f"created {tmp_path / 'created.txt'}",
        f"removed {tmp_path / 'removed.txt'}",
    ]


def test_notebook_cells_are_dedented_as_ipython_runs_them(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "code", "source": ["  for x in (1, 2):\n", "      y = x\n", "  !ls"]}
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    assert notebook_cells(str(path)) == [(1, "for x in (1, 2):\n    y = x\npass\n")]
