"""A project read as a whole: models built in one module and trained in another."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from conftest import run_cli, run_json

from kerascheck import api
from kerascheck.read.module_outline import outline

MODELS = """\
import keras
from keras import layers

HIDDEN = 64
FEATURES = (20,)


def build_model(classes, activation="sigmoid"):
    model = keras.Sequential([
        keras.Input(shape=FEATURES),
        layers.Dense(HIDDEN, activation="relu"),
        layers.Dense(classes, activation=activation),
    ])
    return model
"""

# Two SELU layers without lecun_normal (KC101), in models.py itself.
SELU = MODELS.replace(
    'layers.Dense(HIDDEN, activation="relu"),',
    'layers.Dense(HIDDEN, activation="selu"),\n        layers.Dense(HIDDEN, activation="selu"),',
)

TRAIN = """\
import numpy as np
{import_line}

x = np.random.rand(100, 20)
y = np.random.rand(100, 5)
model = {call}
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=3)
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def findings(report: dict[str, Any]) -> set[tuple[str, int, str]]:
    return {(Path(d["path"]).name, d["line"], d["code"]) for d in report["diagnostics"]}


def train(import_line: str, call: str = "build_model(5)") -> str:
    return TRAIN.format(import_line=import_line, call=call)


def test_loss_mismatch_is_seen_through_an_import(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": MODELS, "train.py": train("from models import build_model")})
    _code, report = run_json("--isolated", "--select", "KC302", ".", cwd=tmp_path)
    # The sigmoid output is built in models.py; the loss that does not fit it is in train.py.
    assert findings(report) == {("train.py", 7, "KC302")}
    assert report["errors"] == []


def test_a_correct_pair_is_clean(tmp_path: Path) -> None:
    # Look-alike: the same layout, but train.py asks models.py for a softmax output.
    files = {
        "models.py": MODELS,
        "train.py": train("from models import build_model", "build_model(5, 'softmax')"),
    }
    write(tmp_path, files)
    _code, report = run_json("--isolated", "--select", "KC302", ".", cwd=tmp_path)
    assert findings(report) == set()


def test_the_argument_passed_decides_and_models_alone_reports_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": MODELS})
    _code, report = run_json("--isolated", "--select", "KC302", "models.py", cwd=tmp_path)
    assert findings(report) == set()  # no compile there


def test_ways_of_importing(tmp_path: Path) -> None:
    layouts = {
        "alias": {"train.py": train("from models import build_model as bm", "bm(5)")},
        "module": {"train.py": train("import models", "models.build_model(5)")},
        "module_alias": {"train.py": train("import models as m", "m.build_model(5)")},
        "star": {"train.py": train("from models import *")},
        "package": {
            "src/nets/__init__.py": "",
            "src/nets/cnn.py": MODELS,
            "pyproject.toml": "[project]\nname = 'x'\n",
            "scripts/train.py": train("from nets.cnn import build_model"),
        },
        "relative": {
            "pkg/__init__.py": "",
            "pkg/models.py": MODELS,
            "pkg/train.py": train("from .models import build_model"),
        },
        "from_package_import_module": {
            "pkg/__init__.py": "",
            "pkg/models.py": MODELS,
            "pkg/train.py": train("from . import models", "models.build_model(5)"),
        },
    }
    for name, files in layouts.items():
        root = tmp_path / name
        if name in ("alias", "module", "module_alias", "star"):
            files = {"models.py": MODELS, **files}
        write(root, files)
        _code, report = run_json("--isolated", "--select", "KC302", ".", cwd=root)
        assert findings(report) == {("train.py", 7, "KC302")}, name


def test_module_not_found_or_broken_stays_unknown(tmp_path: Path) -> None:
    write(tmp_path / "missing", {"train.py": train("from models import build_model")})
    write(
        tmp_path / "broken",
        {"models.py": "def build_model(:\n", "train.py": train("from models import build_model")},
    )
    for name in ("missing", "broken"):
        _code, report = run_json("--isolated", "--select", "KC3", "train.py", cwd=tmp_path / name)
        assert findings(report) == set(), name
        assert report["errors"] == [], name  # models.py's error is reported only by its own check


def test_seed_rules_see_the_model_built_elsewhere(tmp_path: Path) -> None:
    seeded = train("from models import build_model").replace(
        "import numpy as np\n", "import numpy as np\nimport keras\nkeras.utils.set_random_seed(1)\n"
    )
    write(
        tmp_path / "a", {"models.py": MODELS, "train.py": train("from models import build_model")}
    )
    write(tmp_path / "b", {"models.py": MODELS, "train.py": seeded})
    _code, report = run_json("--isolated", "--select", "KC401", ".", cwd=tmp_path / "a")
    assert findings(report) == {("train.py", 8, "KC401")}
    _code, report = run_json("--isolated", "--select", "KC401,KC402", ".", cwd=tmp_path / "b")
    assert findings(report) == set()
    # The seed inside a helper of the other module is seen where it is called.
    helper = MODELS + "\n\ndef seed_all():\n    keras.utils.set_random_seed(3)\n"
    write(
        tmp_path / "c",
        {
            "models.py": helper,
            "train.py": train("from models import build_model, seed_all\nseed_all()"),
        },
    )
    _code, report = run_json("--isolated", "--select", "KC401,KC403", ".", cwd=tmp_path / "c")
    assert findings(report) == set()


def test_shapes_flow_through_the_import(tmp_path: Path) -> None:
    wrong_x = train("from models import build_model").replace(
        "np.random.rand(100, 20)", "np.random.rand(100, 28, 28)"
    )
    integer_y = (
        train("from models import build_model", "build_model(3, 'softmax')")
        .replace(
            "y = np.random.rand(100, 5)",
            "y = keras.utils.to_categorical(np.random.randint(0, 10, size=100), 10)",
        )
        .replace("import numpy as np\n", "import numpy as np\nimport keras\n")
    )
    write(tmp_path / "a", {"models.py": MODELS, "train.py": wrong_x})
    write(tmp_path / "b", {"models.py": MODELS, "train.py": integer_y})
    _code, report = run_json("--isolated", "--select", "KC210", ".", cwd=tmp_path / "a")
    assert findings(report) == {("train.py", 8, "KC210")}
    _code, report = run_json("--isolated", "--select", "KC211", ".", cwd=tmp_path / "b")
    assert findings(report) == {("train.py", 9, "KC211")}


def test_findings_in_the_other_module_are_reported_once_there(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": SELU, "train.py": train("from models import build_model")})
    _code, report = run_json("--isolated", "--select", "KC101,KC302", ".", cwd=tmp_path)
    # KC101 is about layers of models.py: reported there, once; not again from train.py.
    expected = {("models.py", 11, "KC101"), ("models.py", 12, "KC101"), ("train.py", 7, "KC302")}
    assert findings(report) == expected
    assert len(report["diagnostics"]) == 3


def test_fix_never_edits_the_other_module(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": SELU, "train.py": train("from models import build_model")})
    before = (tmp_path / "models.py").read_text(encoding="utf-8")
    args = ("check", "--isolated", "--fix", "--unsafe-fixes", "--select", "KC101,KC302")
    proc = run_cli(*args, "train.py", cwd=tmp_path)
    assert (tmp_path / "models.py").read_text(encoding="utf-8") == before, proc.stdout
    assert "KC302" in proc.stdout  # reported, not fixed


def test_cache_is_invalidated_when_the_other_module_changes(tmp_path: Path) -> None:
    write(tmp_path, {"models.py": MODELS, "train.py": train("from models import build_model")})
    cache = tmp_path / "cache"
    _code, first = run_json("--cache-dir", str(cache), "--select", "KC302", ".", cwd=tmp_path)
    assert findings(first) == {("train.py", 7, "KC302")}
    fixed = MODELS.replace('activation="sigmoid"', 'activation="softmax"')
    models = tmp_path / "models.py"
    models.write_text(fixed, encoding="utf-8")
    stat = models.stat()
    os.utime(models, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    # train.py's bytes did not change; its result must not come from the cache.
    _code, second = run_json("--cache-dir", str(cache), "--select", "KC302", ".", cwd=tmp_path)
    assert findings(second) == set()
    entries = list(cache.rglob("*.json"))
    used = [json.loads(e.read_text())["used_files"] for e in entries]
    assert [[str(models), len(fixed.encode())]] in [[u[:2] for u in x] for x in used]


def test_notebook_importing_a_project_module(tmp_path: Path) -> None:
    source = train("from models import build_model")
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "cells": [{**cell, "source": source.splitlines(keepends=True)}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    write(tmp_path, {"models.py": MODELS, "nb.ipynb": json.dumps(notebook)})
    _code, report = run_json("--isolated", "--select", "KC302", "nb.ipynb", cwd=tmp_path)
    assert {(d["cell"], d["line"], d["code"]) for d in report["diagnostics"]} == {(1, 7, "KC302")}


def test_import_cycle_and_nested_project_imports(tmp_path: Path) -> None:
    blocks = "from keras import layers\nimport models\n\ndef head(n):\n    return layers.Dense(n, activation='sigmoid')\n"
    models = (
        "import keras\nfrom blocks import head\n\n"
        "def build_model(classes):\n"
        "    return keras.Sequential([keras.Input(shape=(20,)), head(classes)])\n"
    )
    write(
        tmp_path,
        {
            "blocks.py": blocks,
            "models.py": models,
            "train.py": train("import models", "models.build_model(5)"),
        },
    )
    _code, report = run_json("--isolated", "--select", "KC302", "train.py", cwd=tmp_path)
    assert findings(report) == {("train.py", 7, "KC302")}


def test_constants_of_a_config_module_reach_the_shapes(tmp_path: Path) -> None:
    config = "FEATURES = 28 * 28\nCLASSES = 10\n"
    train_text = (
        "import keras\nimport numpy as np\nfrom config import FEATURES, CLASSES\n"
        "model = keras.Sequential([keras.Input(shape=(FEATURES,)),"
        " keras.layers.Dense(CLASSES, activation='softmax')])\n"
        "model.compile(loss='categorical_crossentropy')\n"
        "model.fit(np.zeros((10, {x})), np.zeros((10, CLASSES)))\n"
    )
    write(tmp_path / "a", {"config.py": config, "train.py": train_text.format(x="28, 28")})
    write(tmp_path / "b", {"config.py": config, "train.py": train_text.format(x="784")})
    _code, report = run_json("--isolated", "--select", "KC210", "train.py", cwd=tmp_path / "a")
    assert findings(report) == {("train.py", 6, "KC210")}
    _code, report = run_json("--isolated", "--select", "KC210", "train.py", cwd=tmp_path / "b")
    assert findings(report) == set()


def test_parsed_modules_are_kept_in_a_bounded_cache(tmp_path: Path) -> None:
    from kerascheck.read import project

    for index in range(project._MAX_PARSED + 5):
        module = tmp_path / f"m{index}.py"
        module.write_text("import keras\nUNITS = 3\n", encoding="utf-8")
        assert project.parsed_module(str(module)) is not None
    assert len(project._PARSED) <= project._MAX_PARSED


def test_names_imported_from_each_other_do_not_loop(tmp_path: Path) -> None:
    # a.py and b.py each take a name from the other: reading either must end, and what can
    # be known (b's own function) still reaches the checked file.
    a = "import keras\nfrom b import head, UNITS\nWIDTH = UNITS\n"
    b = (
        "from keras import layers\nfrom a import WIDTH\nUNITS = WIDTH\n\n"
        "def head(n):\n    return layers.Dense(n, activation='sigmoid')\n"
    )
    call = "keras.Sequential([keras.Input(shape=(20,)), head(5)])"
    write(
        tmp_path,
        {"a.py": a, "b.py": b, "train.py": train("import keras\nfrom a import head", call)},
    )
    _code, report = run_json("--isolated", "--select", "KC302", "train.py", cwd=tmp_path)
    assert findings(report) == {("train.py", 8, "KC302")}
    assert report["errors"] == []


def test_a_module_is_parsed_only_when_one_of_its_names_is_used(tmp_path: Path) -> None:
    from kerascheck.engine.check import check_bytes
    from kerascheck.engine.registry import all_rules
    from kerascheck.model.settings import Settings
    from kerascheck.read import project

    write(tmp_path, {"used.py": MODELS, "unused.py": MODELS.replace("HIDDEN", "WIDTH")})
    source = "import keras\nimport unused\nfrom used import build_model\nmodel = build_model(3)\n"
    (tmp_path / "train.py").write_text(source, encoding="utf-8")
    settings = Settings(rules=list(all_rules().values()))
    project._PARSED.clear()
    check_bytes(source.encode(), str(tmp_path / "train.py"), settings)
    assert set(project._PARSED) == {str(tmp_path / "used.py")}


def test_outline_keeps_what_an_import_sees() -> None:
    text = (
        "import keras; import os\n"
        "class Big:\n    def method(self):\n        return 1\n"
        "UNITS = 3\n"
        "@decorator\nasync def fetch():\n    return 2\n"
        "print('runs on import')\n"
        "def build(n):\n    return keras.layers.Dense(n)"  # no newline at the end
    )
    visible, functions = outline(text)
    assert visible == ("import keras; import os\nUNITS = 3\ndef fetch(): pass\ndef build(): pass\n")
    assert functions == [
        "@decorator\nasync def fetch():\n    return 2\n",
        "def build(n):\n    return keras.layers.Dense(n)",
    ]
    assert outline("def broken(:\n") == ("def broken(:\n", [])


def test_a_module_added_between_runs_is_found(tmp_path: Path) -> None:
    train = tmp_path / "train.py"
    train.write_text(
        "import keras\nfrom models import build\nmodel = build()\n"
        "model.compile(loss='categorical_crossentropy')\n",
        encoding="utf-8",
    )
    before = api.check_paths([str(train)])
    (tmp_path / "models.py").write_text(
        "import keras\ndef build():\n"
        "    return keras.Sequential([keras.layers.Dense(3, activation='sigmoid')])\n",
        encoding="utf-8",
    )
    after = api.check_paths([str(train)])
    assert not before.files[0].used_files
    assert after.files[0].used_files  # the new module was read, not remembered as missing


def test_an_outline_leaves_out_assignments_that_bind_no_constant() -> None:
    text = "import keras\nN = 3\nM: int = -N * 2\nmodel = build()\nT = (1, 'a')\nx: int\n"
    visible, _ = outline(text)
    assert visible == "import keras\nN = 3\nM: int = -N * 2\nT = (1, 'a')\n"


def test_a_module_knows_its_nodes_as_functions_are_parsed(tmp_path: Path) -> None:
    from kerascheck.read.project import parsed_module

    path = tmp_path / "helpers.py"
    path.write_text(
        "import keras\nN = 3\n\n\ndef first():\n    return keras.layers.Dense(N)\n\n\n"
        "def second():\n    return keras.layers.Dense(2)\n"
    )
    module = parsed_module(str(path))
    assert module is not None
    first = module.function(0)  # parsed before any id is asked for
    assert first is not None and id(first.body) in module
    assert id(module.module.body[0]) in module
    assert id(object()) not in module
    second = module.function(1)  # parsed after the ids were collected
    assert second is not None and id(second.body) in module
