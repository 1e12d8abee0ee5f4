"""`%load_ext kerascheck` in a real IPython shell (terminal) and a real Jupyter kernel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("IPython")

QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "NO_COLOR": "1", "TERM": "dumb"}

# Executed for real: `import keras` and the layers run, as in a user's notebook.
CELLS = [
    "import numpy as np",  # before the extension: context all the same
    "%load_ext kerascheck",
    "import keras\nnp.random.seed(1)",  # KC402, but only once a model exists
    "model = keras.Sequential([keras.layers.Dense(3, activation='selu')])",  # KC101 + KC402
    "!echo shell escapes are fine\nx = 1",  # nothing new
    "%kerascheck",  # the whole notebook so far
    "def broken(:",  # a syntax error: IPython reports it, it is not context
    "%kerascheck off",
    "other = keras.Sequential([keras.layers.Dense(2, activation='selu')])",
]

SHELL_SCRIPT = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

shell = InteractiveShell.instance()
out = []
for cell in json.loads(sys.argv[1]):
    with capture_output() as captured:
        shell.run_cell(cell, store_history=True)
    out.append({
        "stdout": captured.stdout,
        "displays": [o.data for o in captured.outputs],
    })
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def shell_outputs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("ipython")
    env = {**os.environ, **QUIET, "IPYTHONDIR": str(folder / "ipython")}
    proc = subprocess.run(
        [sys.executable, "-c", SHELL_SCRIPT, json.dumps(CELLS)],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    outputs: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return outputs


def _texts(output: dict[str, Any]) -> list[str]:
    return [str(d.get("text/plain", "")) for d in output["displays"]]


def test_each_cell_is_checked_with_the_cells_before_it(shell_outputs: list[Any]) -> None:
    assert [_texts(o) for o in shell_outputs[:3]] == [[], [], []]
    (shown,) = _texts(shell_outputs[3])
    lines = shown.splitlines()
    # KC402 belongs to In [3] and is shown now that In [4] builds a model; KC101 to In [4].
    assert lines[0].startswith("kerascheck KC402 (In [3], line 2, column 1): seeding only")
    assert lines[1] == "    np.random.seed(1)"
    assert lines[3].startswith("kerascheck KC101 (In [4], line 1, column 27): SELU layer")
    assert "docs/rules/KC101-selu-without-lecun-normal.md" in lines[5]
    assert "shell escapes are fine" in shell_outputs[4]["stdout"]
    assert _texts(shell_outputs[4]) == [], "findings already shown are not repeated"


def test_magic_checks_the_whole_notebook_so_far(shell_outputs: list[Any]) -> None:
    (whole,) = _texts(shell_outputs[5])
    assert whole.startswith("kerascheck: 2 findings in 4 cells run")
    assert "KC402 (In [3]" in whole and "KC101 (In [4]" in whole


def test_broken_cells_and_off(shell_outputs: list[Any]) -> None:
    assert _texts(shell_outputs[6]) == []
    assert "checking each cell off" in shell_outputs[7]["stdout"]
    assert _texts(shell_outputs[8]) == []


def test_importing_kerascheck_does_not_import_ipython() -> None:
    code = "import sys, kerascheck; print('IPython' in sys.modules, 'rich' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.split() == ["False", "False"]


@pytest.mark.slow
def test_a_real_jupyter_kernel_shows_html_under_the_cell(tmp_path: Path) -> None:
    pytest.importorskip("ipykernel")
    manager_module = pytest.importorskip("jupyter_client.manager")
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
    manager, client = manager_module.start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        displays: list[dict[str, Any]] = []
        for cell in CELLS[:4]:
            reply = client.execute_interactive(
                cell,
                timeout=180,
                output_hook=lambda msg: (
                    displays.append(msg["content"]["data"])
                    if msg["msg_type"] == "display_data"
                    else None
                ),
            )
            assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    (shown,) = displays
    page = shown["text/html"]
    assert "KC101" in page and "KC402" in page and "In [4]" in page
    assert "href='https://" in page and "docs/rules/KC101-" in page
    assert textwrap.dedent(shown["text/plain"]).startswith("kerascheck KC402")


def test_the_notebook_folder_configuration_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kerascheck.integrations.ipython import settings_for

    (tmp_path / "kerascheck.toml").write_text('ignore = ["KC101"]\n', encoding="utf-8")
    settings, _ = settings_for(str(tmp_path))
    codes = {rule.code for rule in settings.rules}
    assert "KC101" not in codes and "KC104" in codes
    (tmp_path / "kerascheck.toml").write_text('ignore = ["KC1O1"]\n', encoding="utf-8")
    settings, _ = settings_for(str(tmp_path))
    assert "KC101" in {rule.code for rule in settings.rules}
    assert "KC1O1" in capsys.readouterr().out
