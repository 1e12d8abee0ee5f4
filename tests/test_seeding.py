"""What the reproducibility rules read: seed kinds, seeding helpers, training reach, the fix."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from kerascheck.rules._lib import seeding

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import FileModel, SeedKind
from kerascheck.model.values import CallValue
from kerascheck.read.reader import read_module


def read(code: str) -> FileModel:
    return read_module(cst.parse_module(textwrap.dedent(code)), "t.py")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("import os\nos.environ['PYTHONHASHSEED'] = '0'", SeedKind.HASHSEED),
        ("import os\nos.environ.setdefault('PYTHONHASHSEED', '0')", SeedKind.HASHSEED),
        ("import os\nos.putenv('PYTHONHASHSEED', '0')", SeedKind.HASHSEED),
        ("import os\nos.environ['TF_DETERMINISTIC_OPS'] = '1'", SeedKind.OP_DETERMINISM),
        ("import torch\ntorch.use_deterministic_algorithms(True)", SeedKind.OP_DETERMINISM),
        ("import tensorflow as tf\ntf.compat.v1.set_random_seed(1)", SeedKind.TENSORFLOW),
        ("from tensorflow.keras.utils import set_random_seed\nset_random_seed(1)", SeedKind.KERAS),
    ],
)
def test_seed_kinds(code: str, kind: SeedKind) -> None:
    assert [s.kind for s in read(code).seeds] == [kind]


def test_other_environment_variables_are_not_seeds() -> None:
    file = read("import os\nos.environ['CUDA_VISIBLE_DEVICES'] = '0'\nos.environ.setdefault(k, v)")
    assert file.seeds == []


@pytest.mark.parametrize(
    ("code", "unknown"),
    [
        ("from utils import seed_everything\nseed_everything(1)", True),
        ("import lightning as L\nL.seed_everything(1)", True),
        ("seed_all(3)", True),
        ("def seed_all(n):\n    pass\nseed_all(3)", False),
        ("import numpy as np\nnp.random.seed(1)", False),
        ("import numpy as np\nrng = np.random.default_rng(1)", False),
    ],
)
def test_unknown_seeding_helpers(code: str, unknown: bool) -> None:
    assert seeding.unknown_seeding(read(code)) is unknown


@pytest.mark.parametrize(
    ("code", "trains"),
    [
        ("import keras\nm = keras.Sequential()\nm.fit(x, y)", True),
        ("import keras\ndef main():\n    m = keras.Sequential()\n    m.fit(x, y)\nmain()", True),
        ("import keras\ndef train():\n    m = keras.Sequential()\n    m.fit(x, y)", False),
        ("import keras\nm = keras.Sequential()", False),
    ],
)
def test_runs_training(code: str, trains: bool) -> None:
    assert seeding.runs_training(read(code)) is trains


@pytest.mark.parametrize(
    ("imports", "prefix", "needed"),
    [
        ("import keras", "keras", ()),
        ("from tensorflow import keras as K", "K", ()),
        ("import tensorflow as tf", "tf.keras", ()),
        ("from tensorflow.keras.layers import Dense", "keras", ("import keras",)),
    ],
)
def test_keras_name(imports: str, prefix: str, needed: tuple[str, ...]) -> None:
    file = read_module(cst.parse_module(imports + "\nx = 1\n"), "t.py")
    name = seeding.keras_name(file, 1)
    assert (name.prefix, name.imports) == (prefix, needed)


def test_keras_name_ignores_imports_below_the_point() -> None:
    file = read_module(cst.parse_module("x = 1\nimport keras\n"), "t.py")
    assert seeding.keras_name(file, 1).imports == ("import keras",)


def test_seed_fix_goes_after_the_imports_before_the_model() -> None:
    file = read(
        """
        '''Doc.'''
        import numpy as np
        X = np.zeros(3)
        import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        import pandas
        model.fit(X, X)
        """
    )
    fix = seeding.insert_seed_fix(file)
    (edit,) = fix.edits
    assert edit.node is file.module
    assert isinstance(edit.replacement, cst.Module)
    lines = edit.replacement.code.splitlines()
    assert lines.index("keras.utils.set_random_seed(42)") == lines.index("import keras") + 1
    assert fix.imports == ()


@pytest.mark.parametrize(
    ("quantity", "direction"),
    [
        ("val_loss", "min"),
        ("val_accuracy", "max"),
        ("auc", "max"),
        ("val_mean_absolute_error", "min"),
        ("val_dice", None),
        ("accuracy_loss", None),
    ],
)
def test_monitor_direction(quantity: str, direction: str | None) -> None:
    assert facts.monitor_direction(quantity) == direction


def test_positional_from_logits_is_read() -> None:
    file = read("import keras\nloss = keras.losses.BinaryCrossentropy(True)\nm.compile(loss=loss)")
    (call,) = [c for c in file.calls if c.callee == "keras.losses.BinaryCrossentropy"]
    value = CallValue(call.callee, call.raw, call.args, call.kwargs)
    assert facts.normalize_loss(value) == ("binary_crossentropy", True)
