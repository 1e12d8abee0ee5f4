"""KC1/KC2 rules beyond their own examples: options, fixes through the CLI, if/else arms."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from conftest import run_cli
from kerascheck.rules._lib import graph

from kerascheck.engine.check import check_text
from kerascheck.engine.registry import all_rules
from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import FileModel
from kerascheck.model.settings import Settings
from kerascheck.model.values import is_unknown
from kerascheck.read.reader import read_module

BOTTLENECK = """\
import keras
model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", input_shape=(10000,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(46, activation="softmax"),
])
"""


def read(code: str) -> FileModel:
    return read_module(cst.parse_module(textwrap.dedent(code)), "t.py")


def lines_of(code: str, rule_code: str, options: dict[str, object] | None = None) -> list[int]:
    rule = all_rules()[rule_code]
    settings = Settings(rules=[rule], rule_options={rule_code: options or {}})
    result = check_text(textwrap.dedent(code), "t.py", settings)
    assert not result.errors, result.errors
    return [d.line for d in result.diagnostics if d.code == rule_code]


def test_min_ratio_option_widens_what_counts_as_narrow() -> None:
    assert lines_of(BOTTLENECK, "KC202") == [4]
    # 64 units for 46 classes pass at ratio 1.0, not at 1.5 (69 units needed).
    assert lines_of(BOTTLENECK, "KC202", {"min-ratio": 1.5}) == [3, 4]
    assert lines_of(BOTTLENECK, "KC202", {"min-ratio": 0.5}) == []


def test_min_ratio_from_a_config_file(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(BOTTLENECK, encoding="utf-8")
    (tmp_path / "kerascheck.toml").write_text(
        '[rules.narrow-bottleneck]\n"min-ratio" = 1.5\n', encoding="utf-8"
    )
    proc = run_cli(
        "check", "--no-cache", "--format", "json", "--select", "KC202", ".", cwd=tmp_path
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stderr
    assert sorted(d["line"] for d in report["diagnostics"]) == [3, 4]


def test_min_ratio_of_the_wrong_type_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(BOTTLENECK, encoding="utf-8")
    (tmp_path / "kerascheck.toml").write_text(
        '[rules.KC202]\n"min-ratio" = "wide"\n', encoding="utf-8"
    )
    proc = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert proc.returncode not in (0, 1)
    assert "min-ratio" in proc.stderr


@pytest.mark.parametrize(
    ("imports", "dropout", "expected"),
    [
        ("import keras", "keras.layers.Dropout(0.2)", "keras.layers.AlphaDropout(0.2)"),
        (
            "import tensorflow as tf",
            "tf.keras.layers.Dropout(0.2)",
            "tf.keras.layers.AlphaDropout(0.2)",
        ),
        ("from keras import layers", "layers.Dropout(0.2)", "layers.AlphaDropout(0.2)"),
        ("from keras.layers import Dropout, AlphaDropout", "Dropout(0.2)", "AlphaDropout(0.2)"),
        # AlphaDropout is not imported: no fix is offered, the file is left alone.
        ("from keras.layers import Dropout", "Dropout(0.2)", "Dropout(0.2)"),
    ],
)
def test_dropout_fix_keeps_the_files_spelling(
    tmp_path: Path, imports: str, dropout: str, expected: str
) -> None:
    source = (
        f"import keras\n{imports}\n"
        "model = keras.Sequential([\n"
        '    keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"),\n'
        f"    {dropout},\n"
        '    keras.layers.Dense(10, activation="softmax"),\n'
        "])\n"
    )
    path = tmp_path / "selu.py"
    path.write_text(source, encoding="utf-8")
    run_cli("check", "--no-cache", "--select", "KC104", "--fix", "--unsafe-fixes", str(path))
    fixed = path.read_text(encoding="utf-8")
    assert fixed == source.replace(dropout, expected)
    proc = run_cli("check", "--no-cache", "--select", "KC104", str(path))
    assert proc.returncode == (1 if expected == dropout else 0), proc.stdout


def test_if_else_arms_are_rival_layers_not_a_chain() -> None:
    file = read(
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(64)])
        if multi:
            model.add(keras.layers.Dense(10, activation="softmax"))
        elif binary:
            model.add(keras.layers.Dense(1, activation="sigmoid"))
        else:
            model.add(keras.layers.Activation("selu"))
        model.add(keras.layers.Dropout(0.1))
        """
    )
    (model,) = file.models
    first, multi, binary, selu, dropout = model.layers
    assert not graph.certain(multi, binary)
    assert not graph.certain(binary, selu)
    assert graph.certain(first, multi) and graph.certain(selu, dropout)
    # The first layer runs in every arm; the arms' layers do not run with each other.
    assert graph.runs_with(multi, first) and not graph.runs_with(first, multi)
    assert graph.runs_with(selu, dropout)
    # The Dense's activation depends on which arm runs.
    assert graph.only_successor(model, 0) is None
    assert facts.activation_after(model, 0) == facts.LINEAR


def test_activation_layer_in_an_arm_is_not_certain() -> None:
    file = read(
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(64)])
        if use_selu:
            model.add(keras.layers.Activation("selu"))
        """
    )
    (model,) = file.models
    assert is_unknown(facts.activation_after(model, 0))


def test_try_and_except_arms_are_rivals() -> None:
    file = read(
        """
        import keras
        model = keras.Sequential()
        try:
            model.add(keras.layers.Dense(4, activation="softmax"))
        except ImportError:
            model.add(keras.layers.Dense(4, activation="relu"))
        """
    )
    (model,) = file.models
    assert not graph.certain(model.layers[0], model.layers[1])


def test_conditional_batchnorm_keeps_the_bias() -> None:
    code = """
    import keras
    def build(bn):
        model = keras.Sequential([keras.layers.Dense(128)])
        if bn:
            model.add(keras.layers.BatchNormalization())
        model.add(keras.layers.Activation("relu"))
        return model
    """
    # Without BatchNormalization the bias matters, so use_bias=False would be wrong.
    assert lines_of(code, "KC201") == []
    unconditional = code.replace("if bn:\n            model.add", "model.add")
    assert unconditional != code
    assert lines_of(unconditional, "KC201") == [4]
