"""The TF1-removals list is what scripts/gen_tf1_removals.py makes from the installed TensorFlow."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

from kerascheck.knowledge.tf1_removals import removed, replacement

DATA = ROOT / "kerascheck" / "knowledge" / "data" / "tf1_removed.txt"
SCRIPT = ROOT / "scripts" / "gen_tf1_removals.py"
_HAS_TF = importlib.util.find_spec("tensorflow") is not None


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def _data_version() -> str:
    first = DATA.read_text(encoding="utf-8").splitlines()[0]
    return first.split("from tensorflow ", 1)[1].split(",", 1)[0]


@pytest.mark.skipif(not _HAS_TF, reason="tensorflow is not installed here")
def test_checked_in_list_equals_the_generator_output() -> None:
    proc = _run("--stdout")
    assert proc.returncode == 0, proc.stderr
    version = proc.stdout.splitlines()[0].split("from tensorflow ", 1)[1].split(",", 1)[0]
    if version != _data_version():
        pytest.skip(f"installed tensorflow {version} is not the pinned {_data_version()}")
    assert DATA.read_text(encoding="utf-8") == proc.stdout, (
        "kerascheck/knowledge/data/tf1_removed.txt is stale: run scripts/gen_tf1_removals.py"
    )


@pytest.mark.skipif(not _HAS_TF, reason="tensorflow is not installed here")
def test_generator_does_not_import_tensorflow() -> None:
    code = (
        "import runpy, sys; sys.argv = ['gen', '--stdout']; "
        "import io, contextlib\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try: runpy.run_path({str(SCRIPT)!r}, run_name='__main__')\n"
        "    except SystemExit: pass\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_known_removals_and_survivors() -> None:
    names = removed()
    assert names["tf.placeholder"] == "tf.compat.v1.placeholder"
    assert names["tf.log"] == "tf.math.log"
    assert names["tf.random_normal"] == "tf.random.normal"
    assert "tf.merge_all_summaries" in names  # a TF 0.x spelling
    # Names TF2 still has are not in the list.
    for kept in ("tf.reduce_mean", "tf.matmul", "tf.random.normal", "tf.summary.scalar"):
        assert kept not in names
        assert replacement(kept) is None
    assert "tf.keras.optimizers.Adam" in (replacement("tf.train.AdamOptimizer") or "")
    assert "contrib" in (replacement("tf.contrib.layers.flatten") or "")
