"""The CLI through a real subprocess: exit codes, JSON shape, rules and rule docs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT, run_cli, run_json

SELU_BAD = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'
CLEAN = "import keras\nm = keras.Sequential([keras.layers.Dense(4, activation='relu')])\n"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_exit_codes(tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.py", CLEAN)
    bad = write(tmp_path, "bad.py", SELU_BAD)
    assert run_cli(str(clean)).returncode == 0
    assert run_cli(str(bad)).returncode == 1
    assert run_cli("--exit-zero", str(bad)).returncode == 0
    assert run_cli(str(tmp_path / "missing.py")).returncode == 2
    assert run_cli("--select", "KX9", str(clean)).returncode == 2


def test_json_shape_and_relative_paths(tmp_path: Path) -> None:
    write(tmp_path, "bad.py", SELU_BAD)
    code, report = run_json("bad.py", cwd=tmp_path)
    assert code == 1
    assert set(report) == {"version", "files_checked", "diagnostics", "errors"}
    (diag,) = report["diagnostics"]
    assert set(diag) == {
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "cell",
        "code",
        "name",
        "severity",
        "message",
        "fix",
    }
    assert diag["path"] == "bad.py"
    assert (diag["line"], diag["column"], diag["end_line"]) == (2, 23, 2)
    assert diag["code"] == "KC101" and diag["name"] == "selu-without-lecun-normal"
    assert diag["cell"] is None
    assert diag["fix"]["applicability"] == "unsafe"


def test_syntax_error_among_good_files(tmp_path: Path) -> None:
    write(tmp_path, "a_bad.py", SELU_BAD)
    write(tmp_path, "b_broken.py", "import keras\ndef f(:\n    pass\n")
    write(tmp_path, "c_clean.py", CLEAN)
    code, report = run_json(str(tmp_path))
    assert code == 1
    assert report["files_checked"] == 3
    assert [d["code"] for d in report["diagnostics"]] == ["KC101"]
    (error,) = report["errors"]
    assert error["path"].endswith("b_broken.py") and error["line"] == 2


def test_text_output_has_frame_and_summary(tmp_path: Path) -> None:
    write(tmp_path, "bad.py", SELU_BAD)
    write(tmp_path, "clean.py", CLEAN)
    proc = run_cli(".", cwd=tmp_path)
    assert "bad.py:2:23: KC101" in proc.stdout
    assert "^^^^" in proc.stdout
    assert "Found 1 problem in 1 file (1 file clean)." in proc.stdout
    assert "\x1b[" not in proc.stdout  # no colour when not a terminal


def test_select_by_name_and_prefix(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.py", SELU_BAD)
    assert run_cli("--ignore", "selu-without-lecun-normal", str(bad)).returncode == 0
    assert run_cli("--select", "KC1", str(bad)).returncode == 1
    assert run_cli("check", "--select", "KR", str(bad)).returncode == 0


def test_rules_listing() -> None:
    proc = run_cli("rules", "--format", "json")
    assert proc.returncode == 0
    rows = json.loads(proc.stdout)
    kc101 = next(r for r in rows if r["code"] == "KC101")
    assert kc101 == {
        "code": "KC101",
        "name": "selu-without-lecun-normal",
        "kind": "static",
        "default": True,
        "severity": "warning",
        "fix": "unsafe",
        "summary": kc101["summary"],
    }
    # The runtime checks are listed too, after the static rules.
    kinds = [r["kind"] for r in rows]
    assert kinds == sorted(kinds, key=["static", "runtime"].index)
    assert {r["code"] for r in rows if r["kind"] == "runtime"} == {f"KR00{i}" for i in range(1, 10)}


def test_rule_docs_by_code_and_name() -> None:
    by_code = run_cli("rule", "KC101")
    by_name = run_cli("rule", "selu-without-lecun-normal")
    assert by_code.returncode == 0 and by_code.stdout == by_name.stdout
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in by_code.stdout
    assert run_cli("rule", "KC999").returncode == 2


def test_static_path_never_imports_tensorflow_or_keras() -> None:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['kerascheck', 'check', '--exit-zero', {str(FIXTURES)!r}]\n"
        "try:\n"
        "    runpy.run_module('kerascheck', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'numpy', 'jax', 'torch') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert "HEAVY []" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_python_dash_m_and_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and "kerascheck" in proc.stdout
