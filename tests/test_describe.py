"""`kerascheck describe`: the models, shapes, compile settings and data, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kerascheck.cli.main import cli

SOURCE = """\
import keras
(x, y), _ = keras.datasets.mnist.load_data()
x = x.reshape(-1, 28, 28, 1) / 255.0
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(8, 3, padding="same"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y)
"""


def test_json_has_shapes_compile_and_data(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    result = CliRunner().invoke(cli, ["describe", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    model = json.loads(result.output)["models"][0]
    assert [layer["output_shape"] for layer in model["layers"]] == [
        [None, 28, 28, 1],
        [None, 28, 28, 8],
        [None, 14, 14, 8],
        [None, 1568],
        [None, 10],
    ]
    assert model["layers"][4]["line"] == "9"
    assert model["compile"]["loss"] == "sparse_categorical_crossentropy"
    fit = model["fits"][0]
    assert fit["x"]["shape"] == [60000, 28, 28, 1] and fit["x"]["scale"] == "scaled"
    assert fit["y"]["labels"] == "integer" and fit["y"]["classes"] == 10


def test_text_table(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    result = CliRunner().invoke(cli, ["describe", str(path)])
    assert result.exit_code == 0, result.output
    assert "(None, 14, 14, 8)" in result.output
    assert "integer labels, 10 classes" in result.output


def test_notebook_lines_name_cells(tmp_path: Path) -> None:
    cells = [SOURCE.split("model = ")[0], "model = " + SOURCE.split("model = ", 1)[1]]
    notebook = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "m.ipynb"
    path.write_text(json.dumps(notebook))
    result = CliRunner().invoke(cli, ["describe", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    model = json.loads(result.output)["models"][0]
    assert model["line"] == "cell 2:1"
    assert model["fits"][0]["x"]["shape"] == [60000, 28, 28, 1]


def test_bad_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("def (:\n")
    result = CliRunner().invoke(cli, ["describe", str(path)])
    assert result.exit_code == 1
    assert "broken.py" in result.output
