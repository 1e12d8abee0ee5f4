"""The wheel ships the rules as kerascheck.rules and installs no top-level `rules` package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_wheel_layout(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # Packaging without warnings (byte-compiling may be switched off by the environment).
    warnings = [
        line
        for line in (proc.stdout + proc.stderr).splitlines()
        if "warn" in line.lower() and "byte-compiling" not in line
    ]
    assert not warnings, warnings
    (wheel,) = tmp_path.glob("kerascheck-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "kerascheck/rules/kc101_selu_without_lecun_normal.py" in names
    assert "kerascheck/rules/__init__.py" in names
    assert "kerascheck/knowledge/data/keras_api.txt" in names
    assert not [n for n in names if n.startswith("rules/")]
    top_level = {n.split("/", 1)[0] for n in names}
    assert top_level <= {"kerascheck"} | {n for n in top_level if n.endswith(".dist-info")}
    # Every subpackage of the source tree ships, and so does every rule module.
    for init in (ROOT / "kerascheck").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names
    for helper in (ROOT / "rules" / "_lib").glob("*.py"):
        assert f"kerascheck/rules/_lib/{helper.name}" in names
    for rule in (ROOT / "rules").glob("kc*.py"):
        assert f"kerascheck/rules/{rule.name}" in names
