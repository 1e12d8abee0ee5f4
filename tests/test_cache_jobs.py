"""The result cache and parallel workers, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, run_json

SELU_BAD = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'
CLEAN = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="relu")])\n'
BROKEN = "import keras\ndef f(:\n"


@pytest.fixture(autouse=True)
def _cache_in_its_default_place(default_cache_location: None) -> None:
    """These tests are about where the cache goes by default."""


def make_tree(root: Path, count: int = 12) -> None:
    for i in range(count):
        folder = root / ("a" if i % 2 else "b") / f"d{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        text = BROKEN if i == 5 else CLEAN if i % 4 == 0 else SELU_BAD
        (folder / f"m{i:02d}.py").write_text(f"# file {i}\n{text}", encoding="utf-8")


def entries(root: Path) -> list[Path]:
    return sorted((root / ".kerascheck_cache").glob("v*/*/*.json"))


def imports_of(*args: str, cwd: Path) -> str:
    """The modules a CLI run imports, from `python -X importtime` (it writes to stderr)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kerascheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return proc.stderr


def test_jobs_give_the_same_sorted_output(tmp_path: Path) -> None:
    make_tree(tmp_path)
    one = run_cli("--isolated", "--no-cache", "--jobs", "1", "--format", "json", ".", cwd=tmp_path)
    two = run_cli("--isolated", "--no-cache", "--jobs", "2", "--format", "json", ".", cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    report = json.loads(two.stdout)
    paths = [d["path"] for d in report["diagnostics"]]
    assert paths == sorted(paths) and len(paths) == 8
    assert [e["path"] for e in report["errors"]] == ["a/d2/m05.py"]
    assert report["files_checked"] == 12


def test_workers_start_only_when_they_help(tmp_path: Path) -> None:
    make_tree(tmp_path)
    pooled = imports_of("--isolated", "--no-cache", "--jobs", "2", ".", cwd=tmp_path)
    assert "concurrent.futures.process" in pooled
    alone = imports_of("--isolated", "--no-cache", "--jobs", "1", ".", cwd=tmp_path)
    assert "concurrent.futures.process" not in alone
    single = imports_of("--isolated", "--jobs", "2", "a/d1/m01.py", cwd=tmp_path)
    for heavy in ("concurrent.futures", "multiprocessing", "hashlib"):
        assert f" {heavy}\n" not in single, heavy
    assert not (tmp_path / ".kerascheck_cache").exists()


def test_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    make_tree(tmp_path)
    code, first = run_json("--isolated", ".", cwd=tmp_path)
    stored = entries(tmp_path)
    assert code == 1 and len(stored) == 12
    assert (tmp_path / ".kerascheck_cache" / ".gitignore").read_text().strip().endswith("*")
    code, second = run_json("--isolated", ".", cwd=tmp_path)
    assert second == first
    # Proof that the second run read the entries rather than re-checking: doctored entries
    # show through. (Valid entries are trusted; only the key guards their identity.)
    for entry in stored:
        data = json.loads(entry.read_text())
        for diag in data["diagnostics"]:
            diag["message"] = "from the cache"
        entry.write_text(json.dumps(data))
    _, doctored = run_json("--isolated", ".", cwd=tmp_path)
    assert {d["message"] for d in doctored["diagnostics"]} == {"from the cache"}
    # --no-cache neither reads them...
    _, fresh = run_json("--isolated", "--no-cache", ".", cwd=tmp_path)
    assert fresh == first
    # ...and other settings, or other content, never hit them.
    _, other = run_json("--isolated", "--extend-select", "KC901", ".", cwd=tmp_path)
    assert "from the cache" not in {d["message"] for d in other["diagnostics"]}
    (tmp_path / "a" / "d1" / "m01.py").write_text(CLEAN, encoding="utf-8")
    _, edited = run_json("--isolated", ".", cwd=tmp_path)
    assert "a/d1/m01.py" not in {d["path"] for d in edited["diagnostics"]}
    assert len(edited["diagnostics"]) == 7


def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path) -> None:
    make_tree(tmp_path)
    _, first = run_json("--isolated", ".", cwd=tmp_path)
    stored = entries(tmp_path)
    stored[0].write_bytes(b"\x00not json")
    stored[1].write_text("{}")
    stored[2].write_text(stored[2].read_text()[:20])
    stored[3].write_text(json.dumps({"key": stored[3].stem, "diagnostics": [{"line": "x"}]}))
    proc = run_cli("--isolated", "--format", "json", ".", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout) == first
    for entry in stored[:4]:
        assert json.loads(entry.read_text())["key"] == entry.stem


def test_clean_removes_the_cache(tmp_path: Path) -> None:
    make_tree(tmp_path)
    run_json("--isolated", ".", cwd=tmp_path)
    assert (tmp_path / ".kerascheck_cache").is_dir()
    proc = run_cli("clean", cwd=tmp_path)
    assert proc.returncode == 0 and "Removed" in proc.stdout
    assert not (tmp_path / ".kerascheck_cache").exists()
    assert "No cache" in run_cli("clean", cwd=tmp_path).stdout


def test_cache_lives_next_to_the_config(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "kerascheck.toml").write_text('ignore = ["KC2"]\n', encoding="utf-8")
    run_json("--no-cache", ".", cwd=tmp_path)
    assert not (tmp_path / ".kerascheck_cache").exists()
    run_json("a", cwd=tmp_path)
    assert entries(tmp_path) and not (tmp_path / "a" / ".kerascheck_cache").exists()
    # Never above the folder named: from inside `a`, `.` is all the user asked about.
    run_json(".", cwd=tmp_path / "a")
    assert (tmp_path / "a" / ".kerascheck_cache").is_dir()


def test_identical_files_keep_their_own_paths(tmp_path: Path) -> None:
    for name in ("x/model.py", "y/model.py", "z.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(SELU_BAD, encoding="utf-8")
    _, cold = run_json("--isolated", ".", cwd=tmp_path)
    assert len(entries(tmp_path)) == 3
    _, warm = run_json("--isolated", ".", cwd=tmp_path)
    assert warm == cold
    assert [d["path"] for d in warm["diagnostics"]] == ["x/model.py", "y/model.py", "z.py"]


def test_cache_dir_option_and_clean_only_removes_our_folders(tmp_path: Path) -> None:
    make_tree(tmp_path / "src")
    elsewhere = tmp_path / "elsewhere"
    run_json("--isolated", "--cache-dir", str(elsewhere), "src", cwd=tmp_path)
    assert len(list(elsewhere.glob("v*/*/*.json"))) == 12
    assert not (tmp_path / ".kerascheck_cache").exists()
    assert (elsewhere / "CACHEDIR.TAG").is_file()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep me", encoding="utf-8")
    proc = run_cli("clean", "--cache-dir", str(precious), cwd=tmp_path)
    assert proc.returncode == 0 and "No cache" in proc.stdout
    assert (precious / "data.txt").exists()
    assert "Removed" in run_cli("clean", "--cache-dir", str(elsewhere), cwd=tmp_path).stdout
    assert not elsewhere.exists()


def test_code_stamp_covers_subpackages_rules_and_data() -> None:
    from kerascheck.run import cache

    stamp = cache._code_stamp()
    for part in (
        "kerascheck/engine/check.py",
        "kerascheck/knowledge/data/keras_api.txt",
        "rules/kc101_selu_without_lecun_normal.py",
        "rules/_lib/graph.py",
    ):
        assert f"{part}:" in stamp.replace(os.sep, "/"), part


def _sarif_fixes(proc: Any) -> list[Any]:
    results = json.loads(proc.stdout)["runs"][0]["results"]
    return [(r["ruleId"], r.get("fixes")) for r in results]


def test_fixes_travel_through_the_cache_and_the_workers(tmp_path: Path) -> None:
    """Fixes are text edits, plain data: a cached or parallel run reports the same fixes as
    a fresh one, and the cache entry holds the edits themselves."""
    make_tree(tmp_path)
    args = ("check", "--isolated", "--format", "sarif")
    fresh = _sarif_fixes(run_cli(*args, "--no-cache", "--jobs", "1", ".", cwd=tmp_path))
    assert any(fixes for _, fixes in fresh)
    run_cli(*args, ".", cwd=tmp_path)  # fills the cache
    stored = [json.loads(entry.read_text()) for entry in entries(tmp_path)]
    fixes = [d["fix"] for data in stored for d in data["diagnostics"] if d["fix"]]
    assert fixes and all(fix[2] for fix in fixes), "the cache keeps each fix's edits"
    cached = _sarif_fixes(run_cli(*args, ".", cwd=tmp_path))
    parallel = _sarif_fixes(run_cli(*args, "--no-cache", "--jobs", "2", ".", cwd=tmp_path))
    assert cached == fresh and parallel == fresh
    # And --fix from a warm cache writes what a cold one writes.
    assert run_cli("check", "--isolated", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert "lecun_normal" in (tmp_path / "a" / "d1" / "m01.py").read_text(encoding="utf-8")


def test_chunks_balance_sizes_and_start_with_the_largest() -> None:
    from kerascheck.run.workers import CHUNKS_PER_WORKER, balanced_chunks

    sizes = [10, 5000, 20, 30, 4000, 10, 10, 10, 900, 3000] * 5
    chunks = balanced_chunks(sizes, workers=2)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(sizes)))
    assert sizes[chunks[0][0]] == max(sizes)
    target = sum(sizes) // (2 * CHUNKS_PER_WORKER)
    # No chunk holds much more than its share, unless one file alone is larger.
    for chunk in chunks:
        assert sum(sizes[i] for i in chunk) < target + max(sizes[i] for i in chunk)


def test_chunks_of_small_files_are_capped_in_count() -> None:
    # Bytes say little of a notebook's work (outputs): many small files in one chunk made
    # the last chunk as long as the first, run alone at the end.
    from kerascheck.run.workers import MAX_CHUNK_FILES, balanced_chunks

    sizes = [2_000_000] * 4 + [500] * 1000
    chunks = balanced_chunks(sizes, workers=2)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(sizes)))
    assert max(len(chunk) for chunk in chunks) <= MAX_CHUNK_FILES


def test_a_chunk_holds_files_of_one_folder() -> None:
    # Files of one folder import the same project modules: one worker then reads them once.
    from kerascheck.run.workers import balanced_chunks

    sizes = [100, 900, 300, 700, 500, 200, 800, 400] * 6
    folders = ["a", "b", "c"] * 16
    chunks = balanced_chunks(sizes, workers=2, groups=folders)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(sizes)))
    assert all(len({folders[i] for i in chunk}) == 1 for chunk in chunks)
    totals = [sum(sizes[i] for i in chunk) for chunk in chunks]
    assert totals == sorted(totals, reverse=True)  # the largest chunks first
    # Fewer chunks than files: the folders' files are not each a chunk of their own.
    assert len(chunks) < len(sizes) // 2


_PARENT = os.getpid()


def _dies_in_a_worker(job: int) -> int:
    if os.getpid() != _PARENT:
        os._exit(1)  # a worker killed (out of memory, say) at its first file
    return job * 2


def test_a_dead_worker_leaves_the_run_to_this_process() -> None:
    from kerascheck.run.workers import map_jobs

    assert map_jobs(_dies_in_a_worker, list(range(40)), workers=2) == [j * 2 for j in range(40)]
