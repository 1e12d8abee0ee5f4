"""Notebooks through the CLI: cells joined, magics masked, positions by cell, broken input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli, run_json

NOTEBOOKS = FIXTURES / "notebooks"
FIXTURE_NOTEBOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))


def notebook(*cells: Any, metadata: dict[str, Any] | None = None) -> str:
    """A notebook from (cell_type, source) pairs; a str source stays a str."""
    out = []
    for kind, source in cells:
        if isinstance(source, str) and kind != "raw-str":
            source = source.splitlines(keepends=True)
        cell: dict[str, Any] = {
            "cell_type": kind.removesuffix("-str"),
            "metadata": {},
            "source": source,
        }
        if cell["cell_type"] == "code":
            cell.update(outputs=[], execution_count=None)
        out.append(cell)
    return json.dumps(
        {"cells": out, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    )


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def found(report: dict[str, Any], name: str | None = None) -> set[tuple[int, int, int, str]]:
    return {
        (d["cell"], d["line"], d["column"], d["code"])
        for d in report["diagnostics"]
        if name is None or Path(d["path"]).name == name
    }


@pytest.mark.parametrize("path", FIXTURE_NOTEBOOKS, ids=[p.name for p in FIXTURE_NOTEBOOKS])
def test_fixture_notebook_findings_match_sidecar(path: Path) -> None:
    expected_path = path.with_name(path.stem + ".expected.json")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    codes = sorted({e["code"] for e in expected})
    code, report = run_json("--select", ",".join(codes), str(path))
    assert code == 1
    assert found(report) == {(e["cell"], e["line"], e["column"], e["code"]) for e in expected}


def test_magic_notebook_parses_and_names_flow_across_cells() -> None:
    # The factory is defined in cell 3 under %%time, the model in cell 5 after a `?` line.
    _code, report = run_json("--select", "KC101", str(NOTEBOOKS / "selu_magics.ipynb"))
    assert report["errors"] == []
    assert (5, 4, 5, "KC101") in found(report)


def test_broken_cell_is_reported_and_other_cells_checked() -> None:
    code, report = run_json("--select", "KC101", str(NOTEBOOKS / "broken_cell.ipynb"))
    assert code == 1
    (error,) = report["errors"]
    assert (error["cell"], error["line"], error["column"]) == (2, 1, 12)
    assert "could not parse" in error["message"]
    # The code cell after the broken one (with a string `source`) is still checked.
    assert found(report) == {(4, 2, 5, "KC101")}


def test_text_output_names_the_cell(tmp_path: Path) -> None:
    proc = run_cli("check", "--select", "KC101", "selu_magics.ipynb", cwd=NOTEBOOKS)
    assert proc.returncode == 1
    assert "selu_magics.ipynb:cell 5:4:5: KC101" in proc.stdout
    # The code frame shows the cell's own line.
    assert "SeluDense(300)" in proc.stdout
    concise = run_cli(
        "check", "--format", "concise", "--select", "KC101", "selu_magics.ipynb", cwd=NOTEBOOKS
    )
    assert "selu_magics.ipynb:cell 5:6:5: KC101" in concise.stdout


def test_directories_include_notebooks(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.ipynb",
        notebook(
            ("code", "import keras\n"),
            ("code", 'm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'),
        ),
    )
    code, report = run_json("--select", "KC101", str(tmp_path))
    assert code == 1
    assert found(report) == {(2, 1, 23, "KC101")}


MAGICS = [
    "%matplotlib inline",
    "%load_ext autoreload",
    "!pip install -q keras",
    "!ls -la | grep '('",
    "keras.layers.Dense?",
    "??keras.Model",
    "files = !ls *.csv",
    "x, y = %sx echo 1 2",
    "/print 1 2",
    "%timeit -n 10 -r 2 sum(range(3))",
    # IPython runs these as magics (automagic): they are no Python.
    "pip install -q keras-tuner",
    "matplotlib inline",
    "cd ../data",
]


@pytest.mark.parametrize(
    "command",
    [
        "!saved_model_cli show --dir model \\\n    --tag_set serve \\\n    --signature_def x",
        "%pip install \\\n  keras-tuner",
        "!ls \\\n  -la",
    ],
)
def test_shell_and_magic_lines_continued_with_a_backslash(tmp_path: Path, command: str) -> None:
    lines = command.count("\n") + 1
    source = (
        f"import keras\n{command}\n"
        "m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"
    )
    write(tmp_path, "nb.ipynb", notebook(("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert {(d["line"], d["code"]) for d in report["diagnostics"]} == {(lines + 2, "KC101")}


def test_names_that_look_like_magics_stay_python(tmp_path: Path) -> None:
    # `ls - la` is a subtraction and `pip = 3` an assignment: IPython runs them as Python.
    source = "import keras\nls, la = 3, 1\nls -la\npip = 3\nm = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"
    write(tmp_path, "nb.ipynb", notebook(("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == [] and len(report["diagnostics"]) == 1


@pytest.mark.parametrize("magic", MAGICS)
def test_line_magics_neither_break_parsing_nor_shift_lines(tmp_path: Path, magic: str) -> None:
    source = (
        f"import keras\n{magic}\nm = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"
    )
    write(tmp_path, "nb.ipynb", notebook(("markdown", "# t\n"), ("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert found(report) == {(2, 3, 23, "KC101")}


def test_cell_magics(tmp_path: Path) -> None:
    write(
        tmp_path,
        "nb.ipynb",
        notebook(
            ("code", "%%bash\necho 'not python (\nexit 1\n"),
            ("code", "%%writefile x.py\nimport keras\ndef (\n"),
            (
                "code",
                "%%time\nimport keras\nm = keras.Sequential([\n"
                "    keras.layers.Dense(4, activation='selu')])\n",
            ),
            (
                "code",
                "\n%%timeit -n 1\nm2 = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n",
            ),
        ),
    )
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert found(report) == {(3, 4, 5, "KC101"), (4, 3, 24, "KC101")}


def test_line_magic_with_python_keeps_the_statement_and_columns(tmp_path: Path) -> None:
    source = (
        "import keras\n%time m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"
    )
    write(tmp_path, "nb.ipynb", notebook(("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert found(report) == {(1, 2, 29, "KC101")}


def test_magic_like_text_inside_strings_and_brackets_is_left_alone(tmp_path: Path) -> None:
    # A `%` or `!=` at the start of a line inside a string or brackets is Python, not a magic.
    source = (
        "import keras\n"
        'fmt = """\n'
        "%d layers\n"
        '"""\n'
        "ok = (1\n"
        "      != 2)\n"
        "width = (64\n"
        "    % 100)\n"
        "m = keras.Sequential([keras.layers.Dense(width, activation='selu')])\n"
    )
    write(tmp_path, "nb.ipynb", notebook(("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert found(report) == {(1, 9, 23, "KC101")}


def test_cell_that_only_parses_glued_to_the_next_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        "nb.ipynb",
        notebook(
            ("code", "import keras\n"),
            ("code", "layers = [\n"),
            ("code", "    keras.layers.Dense(4)]\n"),
            ("code", "m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"),
        ),
    )
    code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert code == 1
    # Jupyter runs neither cell, and the cells around them are still checked.
    assert sorted((e["cell"], e["line"]) for e in report["errors"]) == [(2, 1), (3, 1)]
    assert found(report) == {(4, 1, 23, "KC101")}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"nbformat": 4, "metadata": {}}', "no 'cells' list"),
        ("[1, 2, 3]", "not an object"),
        ("", "invalid JSON"),
    ],
)
def test_files_that_are_not_notebooks_are_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "bad.ipynb", text)
    write(
        tmp_path,
        "good.py",
        "import keras\nm = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n",
    )
    code, report = run_json("--select", "KC101", str(tmp_path))
    assert code == 1
    (error,) = report["errors"]
    assert error["path"].endswith("bad.ipynb") and message in error["message"]
    assert [Path(d["path"]).name for d in report["diagnostics"]] == ["good.py"]


def test_invalid_json_error_has_the_file_position(tmp_path: Path) -> None:
    write(tmp_path, "bad.ipynb", '{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n')
    proc = run_cli("check", "--format", "concise", "bad.ipynb", cwd=tmp_path)
    assert proc.returncode == 1
    assert "bad.ipynb:3:24: error: not a notebook: invalid JSON" in proc.stdout


def test_undecodable_notebook_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.ipynb").write_bytes(b'{"cells": ["\xff\xfe"]}')
    code, report = run_json(str(tmp_path / "bad.ipynb"))
    assert code == 1
    assert "not UTF-8" in report["errors"][0]["message"]


def test_string_source_and_empty_notebooks(tmp_path: Path) -> None:
    write(
        tmp_path,
        "str.ipynb",
        notebook(
            (
                "code-str",
                "import keras\nm = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n",
            ),
        ),
    )
    write(tmp_path, "empty.ipynb", notebook())
    _code, report = run_json("--select", "KC101", str(tmp_path))
    assert report["errors"] == []
    assert report["files_checked"] == 2
    assert found(report) == {(1, 2, 23, "KC101")}
    assert run_cli("check", str(tmp_path / "empty.ipynb")).returncode == 0


def test_bad_cell_source_is_an_error_for_that_cell_only(tmp_path: Path) -> None:
    write(
        tmp_path,
        "nb.ipynb",
        notebook(
            ("code", "import keras\n"),
            ("code", [1, 2]),
            ("code", "m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"),
        ),
    )
    _code, report = run_json("--select", "KC101", str(tmp_path / "nb.ipynb"))
    assert [(e["cell"], "source" in e["message"]) for e in report["errors"]] == [(2, True)]
    assert found(report) == {(3, 1, 23, "KC101")}


def test_notebooks_of_other_languages_are_skipped(tmp_path: Path) -> None:
    metadata = {"kernelspec": {"language": "R", "name": "ir"}, "language_info": {"name": "R"}}
    write(
        tmp_path,
        "r.ipynb",
        notebook(
            ("code", "library(keras)\nmodel <- keras_model_sequential()\n"), metadata=metadata
        ),
    )
    code, report = run_json(str(tmp_path / "r.ipynb"))
    assert (code, report["errors"], report["diagnostics"]) == (0, [], [])


def test_nbformat_3_worksheets(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "heading", "level": 1, "source": ["Title"]},
        {"cell_type": "code", "language": "python", "input": ["import keras\n"], "outputs": []},
        {
            "cell_type": "code",
            "language": "python",
            "input": ["m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"],
            "outputs": [],
        },
    ]
    data = {"worksheets": [{"cells": cells}], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}
    write(tmp_path, "v3.ipynb", json.dumps(data))
    code, report = run_json("--select", "KC101", str(tmp_path / "v3.ipynb"))
    assert (code, report["errors"]) == (1, [])
    assert found(report) == {(3, 1, 23, "KC101")}


def test_a_broken_cell_costs_one_parse_of_each_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    from kerascheck.api import default_settings
    from kerascheck.engine import notebook_check

    parsed: list[str] = []
    real_parse = notebook_check.parse

    def counting(text: str) -> Any:
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(notebook_check, "parse", counting)
    data = notebook(
        ("code", "import keras\n\n\n# a comment\n"),
        ("markdown", "text"),
        ("code", "x = = 1\n"),
        ("code", "  # indented comment\nif True:\n  model = keras.Sequential()\n"),
        (
            "code",
            "model.add(keras.layers.Dense(3, activation='sigmoid'))\n"
            "model.compile(loss='categorical_crossentropy')\n# footer\n",
        ),
    ).encode("utf-8")
    result = notebook_check.check_notebook(data, "n.ipynb", default_settings())
    # The joined cells once, then each of the four code cells once; nothing parsed again.
    assert len(parsed) == 5
    assert [(e.cell, e.line) for e in result.errors] == [(3, 1)]
    assert ("KC302", 5, 2) in {(d.code, d.cell, d.line) for d in result.diagnostics}


def test_cell_with_an_indented_first_line_is_dedented_as_ipython_does(tmp_path: Path) -> None:
    # IPython removes the whitespace all non-blank lines start with (textwrap.dedent).
    source = (
        "\n"
        "  import keras\n"
        "  for width in (4, 8):\n"
        "   \n"
        "      m = keras.Sequential([keras.layers.Dense(width, activation='selu')])\n"
    )
    write(tmp_path, "nb.ipynb", notebook(("markdown", "# t\n"), ("code", source)))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    # The column is the one in the cell as written (the layer starts at column 29 there).
    assert found(report) == {(2, 5, 29, "KC101")}
    line = source.splitlines()[4]
    assert line[28:].startswith("keras.layers.Dense")
    [finding] = report["diagnostics"]
    assert line[finding["end_column"] - 2] == ")"


def test_dedent_removes_only_the_common_margin(tmp_path: Path) -> None:
    # Tabs: one tab is common to all lines. A line less indented than the first makes the
    # margin smaller, as in IPython, and the cell's syntax error is placed in the cell as written.
    source = (
        "\timport keras\n"
        "\tif True:\n"
        "\t\tm = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"
    )
    broken = "    x = 1\n  y = (\n"
    comment_first = "  # a comment\nimport keras\n"
    cells = (("code", source), ("code", broken), ("code", comment_first))
    write(tmp_path, "nb.ipynb", notebook(*cells))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    # One tab went, so the layer is at column 25 of the cell as written.
    assert found(report) == {(1, 3, 25, "KC101")}
    [error] = report["errors"]
    assert (error["cell"], error["line"]) == (2, 1)
    # CPython's column in the dedented cell (2), plus the two spaces that went.
    assert error["column"] == 4 and "unexpected indent" in error["message"]


def test_an_indented_cell_is_not_read_as_the_body_of_the_cell_before(tmp_path: Path) -> None:
    cells = (
        ("code", "import keras\nfor width in (4, 8):\n    pass\n"),
        ("code", "    m = keras.Sequential([keras.layers.Dense(4, activation='selu')])\n"),
    )
    write(tmp_path, "nb.ipynb", notebook(*cells))
    _code, report = run_json("--select", "KC101", "nb.ipynb", cwd=tmp_path)
    assert report["errors"] == []
    assert found(report) == {(2, 1, 27, "KC101")}


def test_fix_in_a_dedented_cell_keeps_the_cell_indent(tmp_path: Path) -> None:
    source = (
        "  import keras\n"
        "  m = keras.Sequential([\n"
        "      keras.layers.Dense(4, activation='selu'),\n"
        "  ])\n"
    )
    path = write(tmp_path, "nb.ipynb", notebook(("code", source)))
    proc = run_cli("check", "--fix", "--unsafe-fixes", "--select", "KC101", str(path))
    assert "Fixed 1 problem." in proc.stdout, proc.stdout + proc.stderr
    cell = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert cell["source"][0] == "  import keras\n"
    assert cell["source"][2] == (
        "      keras.layers.Dense(4, activation='selu', kernel_initializer=\"lecun_normal\"),\n"
    )


@pytest.mark.parametrize(
    "cell",
    [
        "  a = 1\n  b = 2\n",
        "\n\n    for x in y:\n        z()\n    !ls\n",
        "  a = 1\n b = 2\n",
        "\ta\n  b\n",
        "\t\ta\n\tb\n   \n\t\tc\n",
        "a\n  b\n",
        "  # c\n  a = (\n1)\n",
    ],
)
def test_dedent_is_textwrap_dedent_as_in_ipython(cell: str) -> None:
    import textwrap

    from kerascheck.read.notebook import dedent_cell

    lines = cell.splitlines(keepends=True)
    out, margin, removed = dedent_cell(lines)
    removed = removed or (0,) * len(lines)  # nothing removed anywhere
    blank = re.compile(r"^[ \t]+$", re.MULTILINE)  # textwrap empties whitespace-only lines
    assert blank.sub("", "".join(out)) == textwrap.dedent(cell)
    assert [line[:n] for line, n in zip(lines, removed, strict=True)] == [
        margin if n else "" for n in removed
    ]
