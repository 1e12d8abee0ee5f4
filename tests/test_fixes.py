"""Fixes: planning (dedupe, overlaps), imports, never breaking a file, and the CLI's --fix/--diff."""

from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from conftest import FIXTURES, run_cli
from fix_rules import (
    BreaksTheFile,
    InsertSeed,
    NeverDone,
    NotInFile,
    PredictClasses,
    RemovesRequired,
    RenameSequential,
    UseBiasOff,
)

from kerascheck.engine.fix_imports import add_imports, local_name
from kerascheck.engine.fixer import fix_text
from kerascheck.engine.registry import all_rules
from kerascheck.model.rule import Rule
from kerascheck.model.settings import Settings

KC101 = all_rules()["KC101"]
SELU = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'
SELU_FIXED = (
    "import keras\nm = keras.Sequential("
    '[keras.layers.Dense(4, activation="selu", kernel_initializer="lecun_normal")])\n'
)


def fix(code: str, *rules: type[Rule], unsafe: bool = True, passes: int = 5) -> object:
    return fix_text(
        textwrap.dedent(code), "t.py", Settings(rules=list(rules)), unsafe=unsafe, passes=passes
    )


# ---------------------------------------------------------------- planning


def test_partial_factory_is_fixed_once_for_all_its_uses() -> None:
    outcome = fix(
        """
        from functools import partial
        from tensorflow import keras
        SeluDense = partial(keras.layers.Dense, activation="selu")
        model = keras.Sequential([SeluDense(300), SeluDense(100)])
        """,
        KC101,
    )
    assert outcome.fixed == 2
    assert outcome.text.count('kernel_initializer="lecun_normal"') == 1
    assert 'partial(keras.layers.Dense, activation="selu", kernel_initializer=' in outcome.text
    assert outcome.result.diagnostics == [] and outcome.skipped == []


def test_safe_only_leaves_unsafe_fixes() -> None:
    outcome = fix(SELU, KC101, unsafe=False)
    assert not outcome.changed and outcome.fixed == 0
    assert [d.code for d in outcome.result.diagnostics] == ["KC101"]
    assert fix(SELU, KC101, unsafe=True).text == SELU_FIXED


CONTAINER = """
import keras
m = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
"""


def test_overlapping_fix_is_skipped_and_reported_then_applied_next_pass() -> None:
    from kerascheck.engine.check import analyse_text
    from kerascheck.engine.fixer import plan

    settings = Settings(rules=[UseBiasOff, RenameSequential])
    module, result = analyse_text(textwrap.dedent(CONTAINER), "t.py", settings)
    assert module is not None
    groups, skipped = plan(result.diagnostics, unsafe=True)
    # In finding order the Sequential call comes first; the Dense edits lie inside it.
    assert [g.diagnostics[0].code for g in groups] == ["KT002"]
    assert [(s.code, s.reason) for s in skipped] == [
        ("KT001", "it overlaps the fix for KT002 at 3:5"),
        ("KT001", "it overlaps the fix for KT002 at 3:5"),
    ]
    one = fix(CONTAINER, UseBiasOff, RenameSequential, passes=1)
    assert "use_bias" not in one.text and "MySequential" in one.text
    assert [s.reason for s in one.skipped] == ["the finding is still reported after 1 pass"] * 2
    # The same node edited two ways: the later fix waits for the next pass.
    settings = Settings(rules=[UseBiasOff, BreaksTheFile])
    module, result = analyse_text(
        "import keras\nkeras.layers.Dense(1, name='x')\n", "t.py", settings
    )
    assert module is not None
    _, skipped = plan(result.diagnostics, unsafe=True)
    assert [(s.code, s.reason) for s in skipped] == [
        ("KT003", "it edits the same code as the fix for KT001 at 2:1")
    ]
    full = fix(CONTAINER, UseBiasOff, RenameSequential)
    assert full.text == (
        "\nimport keras\nm = MySequential([keras.layers.Dense(4, use_bias=False), "
        "keras.layers.Dense(2, use_bias=False)])\n"
    )
    assert full.fixed == 3 and full.skipped == [] and full.result.diagnostics == []


def test_a_fix_that_breaks_the_file_is_dropped_and_the_others_kept() -> None:
    outcome = fix(
        """
        import keras
        a = keras.layers.Dense(4, name="x")
        b = keras.layers.Dense(2)
        """,
        BreaksTheFile,
        UseBiasOff,
    )
    assert "keras.layers.Dense(2, use_bias=False)" in outcome.text
    assert 'keras.layers.Dense(4, name="x", use_bias=False)' in outcome.text
    assert "pass" not in outcome.text
    assert [(s.code, s.reason) for s in outcome.skipped] == [
        ("KT003", "the fixed code would not parse")
    ]
    compile(outcome.text, "t.py", "exec")


def test_fix_that_never_converges_stops_and_is_reported() -> None:
    outcome = fix("import keras\nkeras.layers.Dense(1)\n", NeverDone, passes=3)
    assert outcome.text.endswith("keras.layers.Dense(1, 0, 0, 0)\n")
    assert [s.reason for s in outcome.skipped] == ["the finding is still reported after 3 passes"]


def test_a_fix_libcst_refuses_is_dropped_and_reported() -> None:
    outcome = fix("import keras\nkeras.layers.Dense(1)\n", RemovesRequired, UseBiasOff)
    assert outcome.text == "import keras\nkeras.layers.Dense(1, use_bias=False)\n"
    (skipped,) = outcome.skipped
    assert skipped.code == "KT008" and skipped.reason.startswith("the fix cannot be applied (")


def test_edit_of_a_node_outside_the_file_is_reported() -> None:
    outcome = fix("import keras\nkeras.layers.Dense(1)\n", NotInFile)
    assert not outcome.changed
    assert "not in the file" in outcome.skipped[0].reason


# ---------------------------------------------------------------- imports


PREDICT = """
import keras
m = keras.models.load_model("m.keras")
a = m.predict_classes(x)
b = m.predict_classes(y)
"""


def test_import_added_once_after_the_last_import() -> None:
    outcome = fix(PREDICT, PredictClasses)
    assert outcome.text == textwrap.dedent(
        """
        import keras
        import numpy as np
        m = keras.models.load_model("m.keras")
        a = np.argmax(m.predict(x), axis=-1)
        b = np.argmax(m.predict(y), axis=-1)
        """
    )
    assert outcome.fixed == 2


def test_existing_import_is_not_repeated() -> None:
    code = PREDICT.replace("import keras\n", "import keras\nimport numpy as np\n")
    outcome = fix(code, PredictClasses)
    assert outcome.text.count("import numpy as np") == 1 and outcome.fixed == 2


def test_name_bound_otherwise_blocks_the_fix() -> None:
    outcome = fix(PREDICT.replace("import keras\n", "import keras\nnp = 3\n"), PredictClasses)
    assert not outcome.changed
    assert {s.reason for s in outcome.skipped} == {
        "it needs `import numpy as np` but `np` is bound otherwise"
    }


def test_import_placement_after_docstring_and_future() -> None:
    module = cst.parse_module('"""Doc."""\nfrom __future__ import annotations\nx = 1\n')
    code = add_imports(module, ["import numpy as np"]).code
    assert code == '"""Doc."""\nfrom __future__ import annotations\nimport numpy as np\nx = 1\n'
    module = cst.parse_module('#!/usr/bin/env python\n"""Doc."""\nx = 1\n')
    code = add_imports(module, ["import numpy as np"]).code
    assert code == '#!/usr/bin/env python\n"""Doc."""\n\nimport numpy as np\n\nx = 1\n'
    # An import after code would come too late for the code before it.
    module = cst.parse_module("import os\nx = 1\nimport sys\n")
    assert add_imports(module, ["import numpy as np"]).code.startswith(
        "import os\nimport numpy as np\nx = 1\n"
    )


def test_local_name_helper() -> None:
    module = cst.parse_module("import numpy as np\nimport tensorflow as tf\n")
    assert local_name(module, "numpy") == "np" and local_name(module, "keras") is None


def test_insertion_after_imports_via_flatten_sentinel() -> None:
    outcome = fix('"""Doc."""\nimport keras\n\nm = keras.Sequential([])\n', InsertSeed, UseBiasOff)
    assert outcome.text == (
        '"""Doc."""\nimport keras\nkeras.utils.set_random_seed(42)\n\nm = keras.Sequential([])\n'
    )
    assert not fix(outcome.text, InsertSeed).changed


# ---------------------------------------------------------------- files through the CLI


def write(path: Path, data: bytes, mode: int = 0o644) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


def test_fix_cli_summary_and_remaining_findings(tmp_path: Path) -> None:
    target = write(tmp_path / "m.py", SELU.encode())
    proc = run_cli("check", "--fix", str(target))
    assert proc.returncode == 1
    assert "Fixed 0 problems; 1 more fixable with --unsafe-fixes." in proc.stdout
    assert "KC101" in proc.stdout
    assert target.read_bytes() == SELU.encode()
    proc = run_cli("check", "--fix", "--unsafe-fixes", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Fixed 1 problem." in proc.stdout and "KC101" not in proc.stdout
    assert target.read_bytes() == SELU_FIXED.encode()


def test_fix_json_report_stays_parseable(tmp_path: Path) -> None:
    target = write(tmp_path / "m.py", SELU.encode())
    proc = run_cli("check", "--fix", "--unsafe-fixes", "--format", "json", str(target))
    assert json.loads(proc.stdout)["diagnostics"] == []
    assert "Fixed 1 problem." in proc.stderr


def test_diff_writes_nothing_and_exit_code_says_whether_there_is_a_diff(tmp_path: Path) -> None:
    target = write(tmp_path / "m.py", SELU.encode())
    before = os.stat(target)
    proc = run_cli("check", "--diff", "--unsafe-fixes", str(target))
    assert proc.returncode == 1
    assert proc.stdout.startswith(f"--- a/{target}\n+++ b/{target}\n")
    assert '+m = keras.Sequential([keras.layers.Dense(4, activation="selu", kernel_' in proc.stdout
    assert "Would fix 1 problem." in proc.stderr
    after = os.stat(target)
    assert target.read_bytes() == SELU.encode() and after.st_mtime_ns == before.st_mtime_ns
    # Only safe fixes asked for: there is no diff.
    proc = run_cli("check", "--diff", str(target))
    assert proc.returncode == 0 and proc.stdout == ""
    assert "1 more fixable with --unsafe-fixes" in proc.stderr


def test_fixing_twice_changes_nothing(tmp_path: Path) -> None:
    target = write(tmp_path / "m.py", SELU.encode())
    assert run_cli("check", "--fix", "--unsafe-fixes", str(target)).returncode == 0
    first = os.stat(target)
    proc = run_cli("check", "--fix", "--unsafe-fixes", str(target))
    assert "Fixed 0 problems." in proc.stdout
    assert (
        os.stat(target).st_mtime_ns == first.st_mtime_ns and os.stat(target).st_ino == first.st_ino
    )


def test_crlf_bom_and_permissions_are_kept(tmp_path: Path) -> None:
    crlf = SELU.replace("\n", "\r\n").encode()
    target = write(tmp_path / "crlf.py", b"\xef\xbb\xbf" + crlf, mode=0o750)
    proc = run_cli("check", "--fix", "--unsafe-fixes", str(target))
    assert proc.returncode == 0, proc.stdout
    data = target.read_bytes()
    assert data == b"\xef\xbb\xbf" + SELU_FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o750
    assert not [p for p in tmp_path.iterdir() if p.name != "crlf.py"]  # no temporary left


def test_crlf_file_with_an_added_import_keeps_crlf_everywhere() -> None:
    code = PREDICT.replace("\n", "\r\n")
    outcome = fix(code, PredictClasses)
    assert "import numpy as np\r\n" in outcome.text
    assert "\n" not in outcome.text.replace("\r\n", "")


def test_latin1_file_keeps_its_encoding(tmp_path: Path) -> None:
    text = "# -*- coding: latin-1 -*-\n# café\n" + SELU
    target = write(tmp_path / "l1.py", text.encode("latin-1"))
    assert run_cli("check", "--fix", "--unsafe-fixes", str(target)).returncode == 0
    assert target.read_bytes() == ("# -*- coding: latin-1 -*-\n# café\n" + SELU_FIXED).encode(
        "latin-1"
    )


def test_a_symlink_is_checked_but_never_written_through(tmp_path: Path) -> None:
    # The link may lead out of the checked tree; its target is fixed where it lives.
    real = write(tmp_path / "real.py", SELU.encode())
    link = tmp_path / "link.py"
    link.symlink_to(real)
    proc = run_cli("check", "--fix", "--unsafe-fixes", str(link))
    assert proc.returncode == 1
    assert "fixes not applied: it is a symbolic link" in proc.stdout
    assert link.is_symlink() and real.read_bytes() == SELU.encode()
    assert run_cli("check", "--fix", "--unsafe-fixes", str(real)).returncode == 0
    assert real.read_bytes() == SELU_FIXED.encode()


def test_unparsable_and_clean_files_are_never_touched(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.py", (SELU + "def f(:\n").encode())
    clean = write(tmp_path / "clean.py", SELU_FIXED.encode())
    stats = {p: os.stat(p) for p in (broken, clean)}
    proc = run_cli("check", "--fix", "--unsafe-fixes", str(tmp_path))
    assert proc.returncode == 1  # the parse error
    assert "broken.py:3" in proc.stdout
    for path, before in stats.items():
        after = os.stat(path)
        assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_stdin_is_fixed_to_stdout(tmp_path: Path) -> None:
    proc = run_cli("check", "--fix", "--unsafe-fixes", "-", input=SELU, cwd=tmp_path)
    assert proc.stdout == SELU_FIXED
    assert "Fixed 1 problem." in proc.stderr


def test_stdin_excluded_by_force_exclude_goes_back_unchanged(tmp_path: Path) -> None:
    """As `check` skips it, `--fix` leaves it alone, and still echoes it (a formatter's pipe)."""
    args = ("check", "--fix", "--unsafe-fixes", "--force-exclude", "--stdin-filename")
    proc = run_cli(*args, "build/x.py", "-", input=SELU, cwd=tmp_path)
    assert proc.stdout == SELU and proc.returncode == 0
    proc = run_cli(*args, "src/x.py", "-", input=SELU, cwd=tmp_path)
    assert proc.stdout == SELU_FIXED


# ---------------------------------------------------------------- notebooks


def _cell(
    source: list[str], cell_id: str, outputs: list[object] | None = None
) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": cell_id,
        "metadata": {"tags": ["keep"]},
        "outputs": outputs or [],
        "source": source,
    }


def _notebook() -> dict[str, object]:
    return {
        "cells": [
            {"cell_type": "markdown", "id": "md", "metadata": {}, "source": ["# Modèle ✓"]},
            _cell(["import keras\n", "import numpy as np\n", "%matplotlib inline"], "c1"),
            _cell(
                [
                    "model = keras.Sequential([\n",
                    '    keras.layers.Dense(4, activation="selu"),\n',
                    "])\n",
                    "!ls",
                ],
                "c2",
                [{"output_type": "stream", "name": "stdout", "text": ["été\n"]}],
            ),
            _cell(["%%bash\n", "echo hi"], "c3"),
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_notebook_fixed_cell_by_cell_keeping_everything_else(tmp_path: Path) -> None:
    original = _notebook()
    text = json.dumps(original, indent=1, ensure_ascii=False) + "\n"
    target = write(tmp_path / "nb.ipynb", text.encode())
    proc = run_cli("check", "--fix", "--unsafe-fixes", "--select", "KC101", str(target))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Fixed 1 problem." in proc.stdout
    new_text = target.read_text(encoding="utf-8")
    new = json.loads(new_text)
    expected = _notebook()
    expected["cells"][2]["source"][1] = (  # type: ignore[index]
        '    keras.layers.Dense(4, activation="selu", kernel_initializer="lecun_normal"),\n'
    )
    assert new == expected
    # Same layout: indent 1, non-ASCII kept as is, final newline.
    assert new_text == json.dumps(expected, indent=1, ensure_ascii=False) + "\n"


def test_notebook_insertion_goes_to_the_cell_of_the_imports(tmp_path: Path) -> None:
    from kerascheck.run.notebook_fix import fix_notebook

    data = json.dumps(_notebook(), indent=2).encode()
    outcome = fix_notebook(data, "nb.ipynb", Settings(rules=[InsertSeed]), unsafe=True)
    assert outcome.data is not None and outcome.fixed == 1
    cells = json.loads(outcome.data)["cells"]
    assert cells[1]["source"] == [
        "import keras\n",
        "import numpy as np\n",
        "keras.utils.set_random_seed(42)\n",
        "%matplotlib inline",
    ]
    assert cells[2:] == _notebook()["cells"][2:]  # type: ignore[index]
    assert outcome.data.decode().startswith('{\n  "cells"')
    assert "@@" in outcome.diff and "nb.ipynb:cell 2" in outcome.diff


# ---------------------------------------------------------------- interrupted runs


def _layers_file(index: int) -> str:
    layers = "\n".join(
        f'    keras.layers.Dense({i + 1}, activation="selu"),  # layer {i}' for i in range(40)
    )
    return f"# file {index}\nimport keras\nmodel = keras.Sequential([\n{layers}\n])\n"


def _child_pids(parent: int) -> list[int]:
    """Live children of a process, from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat_line = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces; ppid follows the state.
            if int(stat_line.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_killed_mid_run_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    settings = Settings(rules=[KC101])
    count = 300
    old = {i: _layers_file(i) for i in range(count)}
    # Files differ only in their first line, a comment the fix does not touch.
    fixed = fix_text(old[0], "x.py", settings, unsafe=True).text
    new = {i: fixed.replace("# file 0\n", f"# file {i}\n", 1) for i in old}
    assert all(old[i] != new[i] for i in old)
    for attempt, (delay, jobs) in enumerate(((0.0, "1"), (0.05, "1"), (0.2, "2"))):
        tree = tmp_path / f"tree{attempt}"
        for i, text in old.items():
            folder = tree / f"d{i % 7}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"m{i:03}.py").write_text(text, encoding="utf-8")
        first = tree / "d0" / "m000.py"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kerascheck", "check", "--fix", "--unsafe-fixes",
             "--select", "KC101", "--no-cache", "-j", jobs, str(tree)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while first.read_text(encoding="utf-8") == old[0] and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        workers = _child_pids(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Worker processes notice their parent is gone and stop, rather than hang forever.
        deadline = time.monotonic() + 10
        while any(os.path.exists(f"/proc/{pid}") for pid in workers):
            assert time.monotonic() < deadline, "worker processes outlived the killed run"
            time.sleep(0.05)
        states = {"old": 0, "new": 0}
        for i in old:
            path = tree / f"d{i % 7}" / f"m{i:03}.py"
            data = path.read_text(encoding="utf-8")
            assert data in (old[i], new[i]), f"{path} is neither the old nor the new version"
            states["old" if data == old[i] else "new"] += 1
        assert states["new"] >= 1 and states["old"] >= 1, states  # it did stop mid-run
        strays = [p for p in tree.rglob("*") if p.is_file() and not p.name.endswith(".py")]
        assert all(p.name.endswith(".kerascheck-tmp") for p in strays), strays


def test_split_back_refuses_what_it_cannot_place_soundly() -> None:
    from kerascheck.read.notebook import CodeCell
    from kerascheck.run.notebook_fix import _Unmappable, split_back

    cells = [CodeCell(1, ["a = 1\n", "b = 2\n"]), CodeCell(3, ["pass\n", "c = 3\n"])]
    originals = {1: ["a = 1\r\n", "b = 2"], 3: ["%time x\n", "c = 3\n"]}
    old = "a = 1\nb = 2\npass\nc = 3\n"
    # One changed line per cell, CRLF kept for the CRLF cell; insertion after `b = 2`.
    out, placed = split_back(cells, originals, old, "a = 1\nb = 20\nz = 0\npass\nc = 30\n")
    assert out == {1: ["a = 1\r\n", "b = 20\r\n", "z = 0\r\n"], 3: ["%time x\n", "c = 30\n"]}
    assert placed == [(1, 1), (1, 2), (1, 3), (3, 1), (3, 2)]
    with pytest.raises(_Unmappable, match="two cells"):
        split_back(cells, originals, old, "a = 1\nb = 2 + 3\n")
    with pytest.raises(_Unmappable, match="IPython"):
        split_back(cells, originals, old, "a = 1\nb = 2\nx = 1\nc = 3\n")


def test_compact_and_crlf_notebook_json_keep_their_layout() -> None:
    from kerascheck.run.notebook_fix import dump_like

    notebook = {"cells": [], "metadata": {"title": "é"}}
    compact = json.dumps(notebook, separators=(",", ":"), ensure_ascii=False)
    assert dump_like(compact, notebook) == compact
    escaped = json.dumps(notebook, indent=2) + "\n"
    assert dump_like(escaped.replace("\n", "\r\n"), notebook) == escaped.replace("\n", "\r\n")


def test_statement_after_a_time_magic_is_fixed_and_the_magic_kept(tmp_path: Path) -> None:
    notebook = _notebook()
    source = notebook["cells"][2]["source"]  # type: ignore[index]
    source[-1] = "%time model.compile(optimizer=keras.optimizers.Adam(lr=0.1), loss='mse')"
    target = write(tmp_path / "nb.ipynb", json.dumps(notebook, indent=1).encode())
    proc = run_cli("check", "--fix", "--target-version", "keras3", "--select", "KC501", str(target))
    assert "Fixed 1 problem." in proc.stdout, proc.stdout + proc.stderr
    cells = json.loads(target.read_text(encoding="utf-8"))["cells"]
    assert cells[2]["source"][-1] == (
        "%time model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss='mse')"
    )


def test_library_api(tmp_path: Path) -> None:
    from kerascheck.api import fix_paths, fix_source

    assert fix_source(SELU, unsafe=True) == SELU_FIXED
    assert fix_source(SELU) == SELU
    target = write(tmp_path / "m.py", SELU.encode())
    run = fix_paths([str(target)], unsafe=True, write=False)
    assert run.fixed == 1 and run.diff and target.read_bytes() == SELU.encode()
    run = fix_paths([str(target)], unsafe=True)
    assert run.files[0].written and target.read_bytes() == SELU_FIXED.encode()
    assert run.result.diagnostics == []


def test_a_failed_write_leaves_the_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kerascheck.run.fix_files import fix_file

    target = write(tmp_path / "m.py", SELU.encode())

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    outcome = fix_file(str(target), Settings(rules=[KC101]), unsafe=True)
    assert not outcome.written and outcome.fixed == 0
    assert [s.reason for s in outcome.skipped] == [
        "could not write the fixed file: Permission denied"
    ]
    assert [d.code for d in outcome.result.diagnostics] == ["KC101"]
    assert target.read_bytes() == SELU.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_many_files_fixed_by_worker_processes(tmp_path: Path) -> None:
    for i in range(12):
        write(tmp_path / f"m{i:02}.py", SELU.encode())
    proc = run_cli("check", "--fix", "-j", "2", "--no-cache", str(tmp_path))
    assert "Fixed 0 problems; 12 more fixable with --unsafe-fixes." in proc.stdout
    proc = run_cli("check", "--fix", "--unsafe-fixes", "-j", "2", str(tmp_path))
    assert proc.returncode == 0 and "Fixed 12 problems." in proc.stdout
    assert all(p.read_bytes() == SELU_FIXED.encode() for p in tmp_path.glob("*.py"))


def test_a_plain_check_reports_fixes_without_placing_their_edits() -> None:
    """Only fixing, diffs and SARIF need the edits; the reports of a check are the same."""
    from kerascheck.engine.check import check_text
    from kerascheck.engine.registry import all_rules
    from kerascheck.model.settings import Settings

    source = (FIXTURES / "static" / "notes_selu_mistakes.py").read_text(encoding="utf-8")
    rules = [rule for rule in all_rules().values() if rule.fix_applicability is not None]
    placed = check_text(source, "t.py", Settings(rules=rules))
    reported = check_text(source, "t.py", Settings(rules=rules, fix_edits=False))
    fixes = [d for d in placed.diagnostics if d.fix is not None]
    assert fixes and all(d.fix is not None and d.fix.edits for d in fixes)
    assert [d.to_json() for d in reported.diagnostics] == [d.to_json() for d in placed.diagnostics]
    assert all(d.fix is None or d.fix.edits == () for d in reported.diagnostics)
