"""A run is safe in any tree: odd files, links out of the tree, the cache's place, bad config."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run_cli, run_json

from kerascheck.read.file_bytes import SourceUnreadable, read_source

SELU = 'import keras\nmodel = keras.Sequential([keras.layers.Dense(10, activation="selu")])\n'
# KC501: `lr=` is gone from Keras 3 optimizers; the safe fix renames it.
FIXABLE = "import keras\nopt = keras.optimizers.Adam(lr=0.1)\n"

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero are POSIX")


# ---------------------------------------------------------------- only regular files, capped


@posix_only
def test_a_fifo_named_py_is_reported_and_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "good.py").write_text(SELU, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--no-cache", ".", cwd=tmp_path, timeout=60)
    report = json.loads(proc.stdout)
    (error,) = [e for e in report["errors"] if e["path"] == "pipe.py"]
    assert "not a regular file (a named pipe)" in error["message"]
    assert [d["code"] for d in report["diagnostics"]] == ["KC101"]


@posix_only
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    os.symlink("/dev/zero", tmp_path / "zero.py")
    (tmp_path / "good.py").write_text(SELU, encoding="utf-8")
    for extra in ((), ("--fix",)):
        proc = run_cli("check", "--format", "json", *extra, ".", cwd=tmp_path, timeout=60)
        report = json.loads(proc.stdout)
        (error,) = [e for e in report["errors"] if e["path"] == "zero.py"]
        assert "not a regular file (a character device)" in error["message"]


def test_the_byte_cap_holds_when_the_size_lies(tmp_path: Path) -> None:
    # A file that grows past the cap is cut off by counting, not by trusting stat.
    path = tmp_path / "big.py"
    path.write_bytes(b"x" * 2048)
    assert read_source(str(path), limit=4096) == b"x" * 2048
    with pytest.raises(SourceUnreadable, match="over the 1 KiB limit"):
        read_source(str(path), limit=1024)


# ---------------------------------------------------------------- --fix stays inside


@posix_only
def test_fix_never_writes_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "shared.py"
    target.write_text(FIXABLE, encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(target, project / "linked.py")
    (project / "own.py").write_text(FIXABLE, encoding="utf-8")
    proc = run_cli("check", "--fix", "--no-cache", ".", cwd=project)
    assert target.read_text(encoding="utf-8") == FIXABLE
    assert os.listdir(outside) == ["shared.py"], "no temporary file next to the target"
    assert "lr=" not in (project / "own.py").read_text(encoding="utf-8")
    assert os.path.islink(project / "linked.py")
    assert "linked.py:1:1: fixes not applied: it is a symbolic link" in proc.stdout
    # Checked all the same: the finding is reported.
    assert "linked.py:2:" in proc.stdout and "KC501" in proc.stdout
    assert proc.returncode == 1


# ---------------------------------------------------------------- where the cache goes


def _tree(root: Path) -> None:
    for name in ("a.py", "b.py", "sub/c.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(SELU, encoding="utf-8")


@pytest.mark.usefixtures("default_cache_location")
def test_cache_goes_to_the_project_not_the_working_folder(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    _tree(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run_json("--isolated", "../proj", cwd=elsewhere)
    assert not (elsewhere / ".kerascheck_cache").exists()
    assert (project / ".kerascheck_cache").is_dir()


@pytest.mark.usefixtures("default_cache_location")
def test_cache_never_goes_above_a_named_folder(tmp_path: Path) -> None:
    # A config in a parent of the named folder is not the project of this run.
    (tmp_path / "pyproject.toml").write_text("[tool.kerascheck]\n", encoding="utf-8")
    project = tmp_path / "proj"
    _tree(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run_json(str(project), cwd=elsewhere)
    assert not (tmp_path / ".kerascheck_cache").exists()
    assert (project / ".kerascheck_cache").is_dir()


@pytest.mark.usefixtures("default_cache_location")
def test_cache_goes_to_the_project_root_holding_the_named_subfolders(tmp_path: Path) -> None:
    # As ruff does: in the project, `check src` caches at the root next to pyproject.toml.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    _tree(tmp_path / "src")
    run_json("src", cwd=tmp_path)
    assert (tmp_path / ".kerascheck_cache").is_dir()
    assert not (tmp_path / "src" / ".kerascheck_cache").exists()


# ---------------------------------------------------------------- config values


def _config_error(tmp_path: Path, text: str, *needles: str) -> None:
    (tmp_path / "kerascheck.toml").write_text(text, encoding="utf-8")
    (tmp_path / "m.py").write_text(SELU, encoding="utf-8")
    proc = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in (*needles, "kerascheck.toml"):
        assert needle in proc.stderr, proc.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "10000000000000"])
def test_numbers_must_be_finite_and_sane(tmp_path: Path, value: str) -> None:
    _config_error(tmp_path, f"[rules.KC202]\nmin-ratio = {value}\n", "rules.KC202.min-ratio")


@pytest.mark.parametrize("key", ["select", "extend-select", "ignore", "exclude"])
def test_empty_selectors_are_rejected(tmp_path: Path, key: str) -> None:
    _config_error(tmp_path, f'{key} = [""]\n', key, "empty string")


def test_deeply_nested_toml_is_a_config_error(tmp_path: Path) -> None:
    _config_error(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n", "invalid TOML")


@posix_only
def test_fifos_named_like_config_files_do_not_hang_the_walk(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "proj"
    (project / "sub").mkdir(parents=True)
    (project / "sub" / "m.py").write_text(SELU, encoding="utf-8")
    for fifo in (tmp_path / ".gitignore", project / ".gitignore", project / "pyproject.toml"):
        os.mkfifo(fifo)
    proc = run_cli(
        "check", "--output-format", "json", "-n", "proj", cwd=tmp_path, process=True, timeout=60
    )
    assert [d["code"] for d in json.loads(proc.stdout)["diagnostics"]] == ["KC101"]
