"""Static mode never runs what it reads, and every kind of bad input becomes a clear error."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from kerascheck import api
from kerascheck.engine.registry import all_rules
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Rule, RuleContext
from kerascheck.model.settings import Settings

# One line KC101 always reports: a SELU layer with the default initializer.
SELU = 'model = keras.Sequential([keras.layers.Dense(10, activation="selu")])\n'
GOOD = "import keras\n" + SELU


def notebook(*sources: Any, cells: bool = True) -> str:
    book: dict[str, Any] = {"metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    if cells:
        book["cells"] = [
            {"cell_type": "code", "metadata": {}, "outputs": [], "source": s} for s in sources
        ]
    return json.dumps(book)


# ---------------------------------------------------------------- never executes

SIDE_EFFECTS = {
    # Module bodies that would leave a trace, end the process or fail if they ever ran.
    "kc_probe_marker.py": "import keras\nopen({marker!r}, 'w').write('ran')\n" + SELU,
    "kc_probe_exit.py": "import sys\nimport keras\nsys.exit(3)\n" + SELU,
    "kc_probe_failing.py": "import kc_probe_no_such_module\nimport keras\n" + SELU,
    "kc_probe_pkg/__init__.py": "import keras\nopen({marker!r}, 'w').write('ran')\n",
    "kc_probe_pkg/kc_probe_sub.py": "from . import kc_probe_marker\nimport keras\nraise SystemExit(4)\n"
    + SELU,
}


def write_side_effect_tree(root: Path, marker: Path) -> Path:
    tree = root / "tree"
    for name, body in SIDE_EFFECTS.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body.format(marker=str(marker)), encoding="utf-8")
    nb_cell = f"import keras\nopen({str(marker)!r}, 'w').write('ran')\n"
    (tree / "kc_probe_notebook.ipynb").write_text(notebook([nb_cell, SELU]), encoding="utf-8")
    return tree


def test_checking_never_runs_the_files(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    tree = write_side_effect_tree(tmp_path, marker)
    proc = run_cli("check", "--format", "json", str(tree), cwd=tmp_path)
    assert not marker.exists(), "a checked file was executed"
    # The linter's exit code (findings: 1), not the 3 or 4 the files would exit with.
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["errors"] == []
    reported = {Path(d["path"]).name for d in report["diagnostics"] if d["code"] == "KC101"}
    assert reported == {
        "kc_probe_marker.py",
        "kc_probe_exit.py",
        "kc_probe_failing.py",
        "kc_probe_sub.py",
        "kc_probe_notebook.ipynb",
    }


def test_checking_imports_nothing_from_the_checked_tree(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    tree = write_side_effect_tree(tmp_path, marker)
    heavy_before = {m for m in ("keras", "tensorflow", "numpy") if m in sys.modules}
    sys.path.insert(0, str(tree))
    try:
        files = sorted(str(p) for p in tree.rglob("*") if p.is_file())
        result = api.check_paths(files)
    finally:
        sys.path.remove(str(tree))
    assert not marker.exists()
    assert len(result.files) == len(SIDE_EFFECTS) + 1
    assert sum(d.code == "KC101" for d in result.diagnostics) == 5
    leaked = [name for name in sys.modules if name.startswith("kc_probe")]
    assert leaked == []
    heavy_after = {m for m in ("keras", "tensorflow", "numpy") if m in sys.modules}
    assert heavy_after == heavy_before


# ---------------------------------------------------------------- bad input

# name -> (file bytes, expected error message part or None for "checked normally",
#          expected error line or None, whether KC101 must still be found in it)
BAD_INPUTS: dict[str, tuple[bytes, str | None, int | None, bool]] = {
    "syntax_error.py": (b"import keras\n\ndef build(:\n    pass\n", "could not parse", 3, False),
    "python2_print.py": (b'import keras\nprint "training"\n', "could not parse", 2, False),
    "tabs_and_spaces.py": (
        b"import keras\nif True:\n\tx = 1\n        y = 2\n",
        "could not parse",
        4,
        False,
    ),
    # CPython accepts this indentation, libcst's tokenizer does not: say so, without a bogus line.
    "tabs_python_accepts.py": (
        b"import keras\ndef f(y):\n\tfor i in y:\n    \t\tz = 1\n\treturn z\n",
        "Python accepts this, libcst",
        None,
        False,
    ),
    "latin1_no_coding.py": (
        b'import keras\n# caf\xe9\nname = "na\xefve"\n',
        "could not decode",
        2,
        False,
    ),
    "binary.py": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe keras \x00\x81\x82",
        "could not decode",
        1,
        False,
    ),
    "null_byte.py": (b"import keras\nx = 1\x00\n" + SELU.encode(), "null byte", 2, False),
    "empty.py": (b"", None, None, False),
    "deeply_nested.py": (
        b"import keras\nx = " + b" + ".join([b"a"] * 3000) + b"\n",
        "nested too deeply",
        None,
        False,
    ),
    "long_attribute_chain.py": (
        b"import keras\nx = keras" + b".a" * 5000 + b"\n",
        "nested too deeply",
        None,
        False,
    ),
    "bom.py": (b"\xef\xbb\xbf" + GOOD.encode(), None, None, True),
    "crlf.py": (GOOD.replace("\n", "\r\n").encode(), None, None, True),
    "not_json.ipynb": (
        b'{"cells": [{"cell_type": "code", "source": ["import keras',
        "notebook",
        1,
        False,
    ),
    "source_is_string.ipynb": (notebook(GOOD).encode(), None, None, True),
    "no_cells.ipynb": (notebook().encode(), None, None, False),
    "no_cells_key.ipynb": (notebook(cells=False).encode(), "no 'cells' list", None, False),
    "cells_not_dicts.ipynb": (b'{"cells": [1, "x", null]}', "cell", None, False),
    "source_not_text.ipynb": (
        b'{"cells": [{"cell_type": "code", "source": 7}]}',
        "source",
        None,
        False,
    ),
}


@pytest.fixture(scope="module")
def bad_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict[str, Any]]:
    root = tmp_path_factory.mktemp("bad")
    tree = root / "tree"
    tree.mkdir()
    for name, (data, *_rest) in BAD_INPUTS.items():
        (tree / name).write_bytes(data)
    (tree / "zz_good.py").write_text(GOOD, encoding="utf-8")
    # A file far above the size limit: generated code, skipped with a message.
    line = b"weights_%07d = keras.layers.Dense(10)\n"
    count = (10 * 1024 * 1024) // len(line % 0) + 1
    (tree / "huge_generated.py").write_bytes(
        b"import keras\n" + b"".join(line % i for i in range(count))
    )
    # Links that cannot be read: one to nowhere, one to itself, and a directory loop.
    os.symlink("nowhere.py", tree / "dangling.py")
    os.symlink("self_loop.py", tree / "self_loop.py")
    sub = tree / "sub"
    sub.mkdir()
    (sub / "inner.py").write_text(GOOD, encoding="utf-8")
    os.symlink("..", sub / "back_to_parent")
    proc = run_cli("check", "--format", "json", "tree", cwd=root)
    assert proc.stdout, proc.stderr
    return root, proc.returncode, json.loads(proc.stdout)


def _errors_for(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [e for e in report["errors"] if Path(e["path"]).name == name]


def _kc101_for(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        d for d in report["diagnostics"] if Path(d["path"]).name == name and d["code"] == "KC101"
    ]


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_reported_or_checked(
    name: str, bad_tree: tuple[Path, int, dict[str, Any]]
) -> None:
    _, _, report = bad_tree
    _, message, line, finds = BAD_INPUTS[name]
    errors = _errors_for(report, name)
    if message is None:
        assert errors == []
    else:
        # One error for a file; a notebook may have one for each bad cell.
        assert len(errors) == 1 or (name.endswith(".ipynb") and errors), report["errors"]
        assert all(message in e["message"] for e in errors), errors
        assert errors[0]["path"] == f"tree/{name}"
        assert errors[0]["line"] == line
    found = _kc101_for(report, name)
    assert bool(found) == finds
    if finds and not name.endswith(".ipynb"):
        # BOM and CRLF do not shift positions: the SELU Dense is on line 2, column 27.
        assert (found[0]["line"], found[0]["column"]) == (2, 27)


def test_the_other_files_are_still_checked(bad_tree: tuple[Path, int, dict[str, Any]]) -> None:
    _, returncode, report = bad_tree
    assert returncode == 1
    assert _kc101_for(report, "zz_good.py")
    # The directory loop is not followed: inner.py is checked exactly once.
    assert len(_kc101_for(report, "inner.py")) == 1
    assert report["files_checked"] == len(BAD_INPUTS) + 5


def test_huge_file_is_skipped_with_a_message(bad_tree: tuple[Path, int, dict[str, Any]]) -> None:
    root, _, report = bad_tree
    assert os.path.getsize(root / "tree" / "huge_generated.py") > api.MAX_FILE_BYTES
    (error,) = _errors_for(report, "huge_generated.py")
    assert "skipped" in error["message"]
    assert f"{api.MAX_FILE_BYTES // 1024} KiB" in error["message"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("dangling.py", "No such file"), ("self_loop.py", "symbolic links")],
)
def test_unreadable_links_are_reported(
    name: str, message: str, bad_tree: tuple[Path, int, dict[str, Any]]
) -> None:
    _, _, report = bad_tree
    (error,) = _errors_for(report, name)
    assert "could not read" in error["message"]
    assert message in error["message"]


def test_permission_denied_is_reported(tmp_path: Path) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(GOOD, encoding="utf-8")
    (tmp_path / "open.py").write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading")
        proc = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    finally:
        locked.chmod(0o644)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    (error,) = _errors_for(report, "locked.py")
    assert "Permission denied" in error["message"]
    assert _kc101_for(report, "open.py")


def test_nonexistent_path_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    proc = run_cli("check", "good.py", "no/such/file.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no/such/file.py" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- a rule that raises


class ExplodesOnMarkedFiles(Rule):
    """A rule that fails on files whose path says so."""

    code = "KC999"
    name = "explodes-on-marked-files"
    summary = "Test rule."
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        if "explode" in ctx.file.path:
            raise RuntimeError("boom")
        yield from ()


def test_a_raising_rule_is_isolated_in_process(tmp_path: Path) -> None:
    files = []
    for name in ("a_explode.py", "b_fine.py"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
        files.append(str(tmp_path / name))
    rules = [ExplodesOnMarkedFiles, all_rules()["KC101"]]
    result = api.check_paths(files, Settings(rules=rules))
    (error,) = result.errors
    assert error.internal
    assert error.path.endswith("a_explode.py")
    assert "KC999" in error.message and "explodes-on-marked-files" in error.message
    assert "boom" in error.message
    # KC101 still ran on both files, and the other file was checked by both rules.
    assert sorted(Path(d.path).name for d in result.diagnostics) == ["a_explode.py", "b_fine.py"]


RAISING_CLI = """
import sys
from kerascheck.engine import registry as rule
from kerascheck.cli.main import main
sys.path.insert(0, {tests!r})
from test_robustness import ExplodesOnMarkedFiles
rule.all_rules()[ExplodesOnMarkedFiles.code] = ExplodesOnMarkedFiles
sys.argv = ["kerascheck", "check", "--format", "json", "--extend-select", "KC999", "."]
main()
"""


def test_a_raising_rule_exits_2_through_the_cli(tmp_path: Path) -> None:
    import subprocess

    for name in ("a_explode.py", "b_fine.py"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    script = RAISING_CLI.format(tests=str(Path(__file__).parent))
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    (error,) = report["errors"]
    assert error["path"] == "a_explode.py"
    assert "KC999" in error["message"]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert len(report["diagnostics"]) == 2
