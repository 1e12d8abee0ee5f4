"""The Keras 2 to 3 rules (KC501-KC508) beyond their own examples: fixes, spellings, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from kerascheck.engine.check import check_text
from kerascheck.engine.fixer import fix_text
from kerascheck.engine.registry import all_rules, find_rule, select_rules
from kerascheck.knowledge.keras3_removals import CALLBACK_ARGUMENTS, FIT_ARGUMENTS, MODEL_METHODS
from kerascheck.model.settings import Settings

NOTES = FIXTURES / "static" / "notes_keras2_apis.py"


def _check(code: str, rule: str) -> list[tuple[int, str]]:
    rule_cls = find_rule(rule)
    assert rule_cls is not None
    result = check_text(textwrap.dedent(code), "m.py", Settings(rules=[rule_cls]))
    assert not result.errors, result.errors
    return [(d.line, d.message) for d in result.diagnostics]


def _fixed(code: str, rule: str, unsafe: bool = False) -> str:
    rule_cls = find_rule(rule)
    assert rule_cls is not None
    return fix_text(textwrap.dedent(code), "m.py", Settings(rules=[rule_cls]), unsafe=unsafe).text


def test_every_kc5_code_of_the_issue_exists_with_its_default() -> None:
    rules = all_rules()
    expected = {
        "KC501": ("optimizer-lr-argument", True),
        "KC502": ("optimizer-decay-argument", True),
        "KC503": ("removed-model-method", True),
        "KC504": ("removed-callback-argument", True),
        "KC505": ("legacy-h5-format", True),
        "KC507": ("unknown-keras-attribute", True),
        "KC508": ("input-shape-on-layer", False),
    }
    for code, (name, on) in expected.items():
        assert rules[code].name == name
        assert rules[code].default_enabled is on
    assert "KC508" not in {r.code for r in select_rules(None)}


def test_table_names_every_method_and_argument_the_issue_lists() -> None:
    assert set(MODEL_METHODS) == {
        "predict_classes",
        "predict_proba",
        "fit_generator",
        "evaluate_generator",
        "predict_generator",
    }
    assert "period" in CALLBACK_ARGUMENTS["keras.callbacks.ModelCheckpoint"]
    assert FIT_ARGUMENTS["nb_epoch"].replacement == "epochs"
    for method, entry in MODEL_METHODS.items():
        assert entry.replacement and entry.removed_in.startswith("Keras"), method


def test_predict_classes_fix_reuses_the_files_numpy_alias() -> None:
    code = """
    import numpy as onp
    import keras
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="softmax")])
    y = model.predict_classes(x)
    """
    fixed = _fixed(code, "KC503")
    assert "y = onp.argmax(model.predict(x), axis=-1)" in fixed
    assert "import numpy as np" not in fixed


def test_predict_classes_on_unknown_width_is_fixed_only_with_unsafe_fixes() -> None:
    code = """
    import keras
    model = keras.models.load_model("m.keras")
    y = model.predict_classes(x)
    """
    assert _fixed(code, "KC503") == textwrap.dedent(code)
    fixed = _fixed(code, "KC503", unsafe=True)
    assert "import numpy as np\n" in fixed
    assert "y = np.argmax(model.predict(x), axis=-1)" in fixed


def test_removed_method_defined_by_the_files_subclassed_model_is_not_reported() -> None:
    code = """
    import keras
    class Net(keras.Model):
        def predict_classes(self, x):
            return keras.ops.argmax(self(x), axis=-1)
    net = Net()
    labels = net.predict_classes(x)
    """
    assert _check(code, "KC503") == []


def test_lr_keyword_of_non_keras_calls_is_never_reported() -> None:
    code = """
    import keras
    import torch
    from torch.optim.lr_scheduler import OneCycleLR
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    sched = OneCycleLR(opt, max_lr=0.1)
    def train(lr=0.01):
        return keras.optimizers.Adam(learning_rate=lr)
    train(lr=0.5)
    """
    assert _check(code, "KC501") == []


def test_from_import_of_unknown_name_is_reported_once_at_the_import() -> None:
    code = """
    from keras.callbacks import ModelEarlyStopping
    a = ModelEarlyStopping(patience=1)
    b = ModelEarlyStopping(patience=2)
    """
    found = _check(code, "KC507")
    assert [line for line, _ in found] == [2]
    assert "keras.callbacks.EarlyStopping" in found[0][1]
    # Renaming at the import alone would break the uses: no fix there.
    assert _fixed(code, "KC507", unsafe=True) == textwrap.dedent(code)


def test_unknown_name_fix_keeps_the_files_spelling() -> None:
    code = """
    import tensorflow as tf
    from tensorflow import keras as K
    a = tf.keras.layers.core.Dense(3)
    b = K.callbacks.ModelEarlyStoping()
    """
    fixed = _fixed(code, "KC507")
    assert "a = tf.keras.layers.Dense(3)" in fixed
    assert "b = K.callbacks.EarlyStopping()" in fixed


def test_misspelling_without_one_clear_candidate_is_not_fixed() -> None:
    code = """
    import keras
    x = keras.layers.Conv(3)
    """
    found = _check(code, "KC507")
    assert len(found) == 1 and "close names" in found[0][1]
    assert _fixed(code, "KC507", unsafe=True) == textwrap.dedent(code)


def test_notes_keras2_apis_fixed_through_the_cli(tmp_path: Path) -> None:
    target = tmp_path / "notes.py"
    shutil.copy(NOTES, target)
    proc = run_cli("check", "--select", "KC5", "--fix", "--unsafe-fixes", str(target))
    text = target.read_text(encoding="utf-8")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # unfixable findings remain
    assert "keras.optimizers.Adam(learning_rate=0.001" in text
    assert 'save_freq="epoch"' in text and "period=" not in text
    assert "keras.callbacks.EarlyStopping(patience=3)" in text
    assert "np.argmax(model.predict(X_new), axis=-1)" in text
    assert 'model.save("my_model.keras")' in text
    again = run_cli("check", "--select", "KC5", "--fix", "--unsafe-fixes", str(target))
    assert target.read_text(encoding="utf-8") == text
    report = run_cli("check", "--select", "KC5", "--format", "json", str(target))
    left = {d["code"] for d in json.loads(report.stdout)["diagnostics"]}
    # Selected explicitly, the opt-in KC508 runs too; neither it nor KC502 has a fix.
    assert left == {"KC502", "KC508"}, again.stdout


def test_safe_fixes_alone_leave_the_unsafe_ones(tmp_path: Path) -> None:
    target = tmp_path / "notes.py"
    shutil.copy(NOTES, target)
    run_cli("check", "--select", "KC5", "--fix", str(target))
    text = target.read_text(encoding="utf-8")
    assert "learning_rate=0.001" in text and "EarlyStopping(patience=3)" in text
    assert "period=1" in text and 'model.save("my_model.h5")' in text


@pytest.mark.runtime
def test_fixed_notes_run_on_keras_3_and_the_original_does_not(tmp_path: Path) -> None:
    pytest.importorskip("keras")
    original = tmp_path / "original.py"
    shutil.copy(NOTES, original)
    env_code = "import os; os.environ.setdefault('KERAS_BACKEND', 'tensorflow')\n"
    fixed = tmp_path / "fixed.py"
    shutil.copy(NOTES, fixed)
    run_cli("check", "--select", "KC5", "--fix", "--unsafe-fixes", str(fixed))

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        script = env_code + path.read_text(encoding="utf-8").replace("epochs=5", "epochs=1")
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )

    before = run(original)
    assert before.returncode != 0
    assert "Argument(s) not recognized" in before.stderr
    after = run(fixed)
    assert after.returncode == 0, after.stderr[-3000:]
    assert (tmp_path / "my_model.keras").exists()


def test_reader_records_imported_keras_names_at_the_import() -> None:
    import libcst as cst

    from kerascheck.read.reader import read_module

    source = textwrap.dedent(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense as D
        from keras import backend as K
        import keras.callbacks
        y = K.mean(tf.keras.layers.Flatten()(x))
        """
    )
    refs = read_module(cst.parse_module(source), "m.py").attributes
    imported = {(r.name, r.full) for r in refs if r.imported}
    assert imported == {
        ("keras.layers.Dense", "tensorflow.keras.layers.Dense"),
        ("keras.backend", "keras.backend"),
        ("keras.callbacks", "keras.callbacks"),
    }
    used = {(r.raw, r.full) for r in refs if not r.imported}
    assert ("K.mean", "keras.backend.mean") in used
    assert ("tf.keras.layers.Flatten", "tensorflow.keras.layers.Flatten") in used


def test_import_from_private_module_is_fixed_only_when_every_name_moved() -> None:
    code = """
    from tensorflow.keras.layers.core import Dense, Dropout
    from keras.layers.core import Activation, NoSuchLayer
    """
    fixed = _fixed(code, "KC507")
    assert "from tensorflow.keras.layers import Dense, Dropout\n" in fixed
    assert "from keras.layers.core import Activation, NoSuchLayer\n" in fixed
    assert [line for line, _ in _check(code, "KC507")] == [2, 2, 3, 3]
