"""Suppression comments through the CLI: noqa, kerascheck: ignore, file-ignore, KC901."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, run_json

SELU = 'keras.layers.Dense(4, activation="selu")'


def findings(tmp_path: Path, source: str, *args: str) -> list[tuple[int, str]]:
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    code, report = run_json("--isolated", *args, "m.py", cwd=tmp_path)
    assert code in (0, 1), report
    return [(d["line"], d["code"]) for d in report["diagnostics"]]


def test_noqa_with_code_name_or_prefix(tmp_path: Path) -> None:
    source = (
        "import keras\n"
        f"a = keras.Sequential([{SELU}])  # noqa: KC101\n"
        f"b = keras.Sequential([{SELU}])  # noqa:selu-without-lecun-normal\n"
        f"c = keras.Sequential([{SELU}])  # noqa: E501, KC1\n"
        f"d = keras.Sequential([{SELU}])  # NOQA: KC102\n"
        f"e = keras.Sequential([{SELU}])\n"
    )
    assert findings(tmp_path, source) == [(5, "KC101"), (6, "KC101")]


def test_bare_noqa_and_kerascheck_ignore(tmp_path: Path) -> None:
    source = (
        "import keras\n"
        f"a = keras.Sequential([{SELU}])  # noqa\n"
        f"b = keras.Sequential([{SELU}])  # kerascheck: ignore[KC101]\n"
        f"c = keras.Sequential([{SELU}])  # kerascheck: ignore[KC2]\n"
        f"d = keras.Sequential([{SELU}])  # type: ignore  # kerascheck: ignore\n"
        f's = "# noqa: KC101"; e = keras.Sequential([{SELU}])\n'
    )
    assert findings(tmp_path, source) == [(4, "KC101"), (6, "KC101")]


def test_multi_line_statement(tmp_path: Path) -> None:
    source = (
        "import keras\n"
        "first = keras.Sequential([  # noqa: KC101\n"
        f"    {SELU},\n"
        f"    {SELU},\n"
        "])\n"
        "last = keras.Sequential([\n"
        f"    {SELU},\n"
        "])  # kerascheck: ignore[KC101]\n"
        "inner = keras.Sequential([\n"
        f"    {SELU},  # noqa: KC101\n"
        f"    {SELU},\n"
        "])\n"
        "spread = keras.Sequential([keras.layers.Dense(\n"
        "    4,\n"
        '    activation="selu",  # noqa: KC101\n'
        ")])\n"
    )
    # A comment on the first or last line covers the statement; one on an inner line
    # covers only what is reported on it (line 11 stays), or on the call it belongs to.
    assert findings(tmp_path, source) == [(11, "KC101")]


def test_file_level_ignore(tmp_path: Path) -> None:
    body = f"import keras\na = keras.Sequential([{SELU}])\n"
    assert findings(tmp_path, "# kerascheck: file-ignore[KC101]\n" + body) == []
    assert findings(tmp_path, "# kerascheck: file-ignore[KC2]\n" + body) == [(3, "KC101")]
    assert findings(tmp_path, body + "# kerascheck: file-ignore\n") == []


def test_ignore_noqa_shows_suppressed(tmp_path: Path) -> None:
    source = f"import keras\na = keras.Sequential([{SELU}])  # noqa: KC101\n"
    assert findings(tmp_path, source) == []
    assert findings(tmp_path, source, "--ignore-noqa") == [(2, "KC101")]
    # Nothing is judged unused while suppressions are switched off.
    assert findings(tmp_path, source, "--ignore-noqa", "--extend-select", "KC901") == [(2, "KC101")]


def test_kc901_is_off_by_default(tmp_path: Path) -> None:
    source = "import keras\nx = keras.ops.ones((2,))  # noqa: KC101\n"
    assert findings(tmp_path, source) == []
    assert findings(tmp_path, source, "--extend-select", "KC901") == [(2, "KC901")]


def test_kc901_judges_only_what_it_can_know(tmp_path: Path) -> None:
    source = (
        "import keras\n"
        f"a = keras.Sequential([{SELU}])  # noqa: KC101\n"  # used
        "import os  # noqa: F401\n"  # another tool's code
        "b = 1  # noqa\n"  # bare noqa: maybe flake8's
        "c = 2  # noqa: KC999\n"  # unknown code of ours: a typo
        "d = 3  # kerascheck: ignore\n"  # our bare comment with nothing to do
        "e = 4  # noqa: KC101, E501\n"  # unused KC101
        "f = 5  # noqa: KC304\n"  # rule not selected here: not judged
        "# kerascheck: file-ignore[KC102]\n"  # unused file-level
    )
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    code, report = run_json("--isolated", "--select", "KC101,KC102,KC901", "m.py", cwd=tmp_path)
    assert code == 1
    got = [(d["line"], d["column"], d["code"]) for d in report["diagnostics"]]
    assert got == [(5, 8, "KC901"), (6, 8, "KC901"), (7, 8, "KC901"), (9, 1, "KC901")]
    messages = [d["message"] for d in report["diagnostics"]]
    assert "KC999" in messages[0] and "KC101" in messages[2] and "E501" not in messages[2]


def test_suppressions_in_notebook_cells(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# title\n"]},
        {"cell_type": "code", "metadata": {}, "source": ["import keras\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "source": [
                f"a = keras.Sequential([{SELU}])  # noqa: KC101\n",
                f"b = keras.Sequential([{SELU}])\n",
                "c = 1  # kerascheck: ignore[KC101]",
            ],
        },
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    proc = run_cli(
        "--isolated", "--extend-select", "KC901", "--format", "json", "nb.ipynb", cwd=tmp_path
    )
    report = json.loads(proc.stdout)
    got = [(d["cell"], d["line"], d["code"]) for d in report["diagnostics"]]
    assert got == [(3, 2, "KC101"), (3, 3, "KC901")]
