"""The shipped Keras API name list is what scripts/gen_keras_api.py makes from the pinned Keras."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from kerascheck.knowledge.api_names import api, diagnose

DATA = ROOT / "kerascheck" / "knowledge" / "data" / "keras_api.txt"
SCRIPT = ROOT / "scripts" / "gen_keras_api.py"


def _installed_keras() -> str | None:
    if importlib.util.find_spec("keras") is None:
        return None
    return importlib.metadata.version("keras")


def _generated() -> str:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--stdout"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _data_version() -> str:
    first = DATA.read_text(encoding="utf-8").splitlines()[0]
    return first.split("from keras ", 1)[1].split(" ", 1)[0]


@pytest.mark.skipif(_installed_keras() is None, reason="keras is not installed here")
def test_checked_in_names_equal_the_generator_output() -> None:
    installed = _installed_keras()
    if installed != _data_version():
        pytest.skip(f"installed keras {installed} is not the pinned {_data_version()}")
    assert DATA.read_text(encoding="utf-8") == _generated(), (
        "kerascheck/knowledge/data/keras_api.txt is stale: run python scripts/gen_keras_api.py"
    )


@pytest.mark.skipif(_installed_keras() is None, reason="keras is not installed here")
def test_generator_does_not_import_keras() -> None:
    code = (
        "import runpy, sys; sys.argv = ['gen', '--stdout']; "
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try: runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
        "    except SystemExit: pass\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules, sorted(sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_name_list_holds_both_views_and_real_names() -> None:
    names = api()
    assert "keras.callbacks.EarlyStopping" in names.native
    assert "keras.layers.Dense" in names.native
    assert "keras.callbacks.ModelEarlyStopping" not in names.native
    # tf.keras keeps Keras 2's backend functions; plain Keras 3 does not.
    assert "keras.backend.mean" in names.tf_only
    assert "keras.backend.mean" not in names.native
    assert "keras.layers" in names.modules and "keras.layers.Dense" not in names.modules


@pytest.mark.parametrize(
    ("full", "suggestion"),
    [
        ("keras.callbacks.ModelEarlyStopping", "keras.callbacks.EarlyStopping"),
        ("tensorflow.keras.layers.core.Dense", "keras.layers.Dense"),
        ("keras.layers.experimental.preprocessing.Rescaling", "keras.layers.Rescaling"),
        ("keras.layer.Dense", "keras.layers.Dense"),
        ("keras.engine.training.Model", "keras.Model"),
    ],
)
def test_unknown_names_get_one_clear_suggestion(full: str, suggestion: str) -> None:
    problem = diagnose(full)
    assert problem is not None and problem.suggestion == suggestion


@pytest.mark.parametrize(
    "full",
    [
        "keras.Model.fit",
        "keras.__version__",
        "tensorflow.keras.backend.mean",
        "tensorflow.keras.preprocessing.image.ImageDataGenerator",
        "tf_keras.layers.experimental.preprocessing.Rescaling",
        "keras.src.layers.core.dense.Dense",
        "keras.models.Sequential",
    ],
)
def test_real_or_unjudged_names_pass(full: str) -> None:
    assert diagnose(full) is None


def test_linting_never_imports_keras(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import keras\nkeras.callbacks.ModelEarlyStopping()\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from kerascheck.api import check_paths\n"
        f"result = check_paths([{str(source)!r}])\n"
        "codes = [d.code for d in result.diagnostics]\n"
        "assert 'KC507' in codes, codes\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
