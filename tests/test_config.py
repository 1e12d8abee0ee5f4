"""Configuration files through the CLI: discovery, precedence, keys, validation, `config`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, run_json

SELU_BAD = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'
# Hidden width 64 for 46 classes: fine at KC202's default min-ratio 1.0, narrow at 2.0.
BOTTLENECK = """\
import keras
model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", input_shape=(10000,)),
    keras.layers.Dense(46, activation="softmax"),
])
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(*args: str, cwd: Path) -> list[tuple[str, str]]:
    code, report = run_json("--no-cache", *args, cwd=cwd)
    assert code in (0, 1), report
    return sorted((d["path"], d["code"]) for d in report["diagnostics"])


def test_pyproject_section_is_read(tmp_path: Path) -> None:
    write(tmp_path / "bad.py", SELU_BAD)
    assert codes("bad.py", cwd=tmp_path) == [("bad.py", "KC101")]
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC101"]\n')
    assert codes("bad.py", cwd=tmp_path) == []


def test_pyproject_without_our_section_is_skipped_for_the_one_above(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", 'ignore = ["KC101"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "kerascheck-user"\n')
    write(tmp_path / "pkg" / "bad.py", SELU_BAD)
    assert codes("pkg", cwd=tmp_path) == []


def test_nearest_config_wins_per_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nextend-select = ["KC101"]\n')
    write(tmp_path / "sub" / "kerascheck.toml", 'ignore = ["selu-without-lecun-normal"]\n')
    write(tmp_path / "top.py", SELU_BAD)
    write(tmp_path / "sub" / "inner.py", SELU_BAD)
    assert codes(".", cwd=tmp_path) == [("top.py", "KC101")]


def test_kerascheck_toml_beats_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.kerascheck]\nignore = ["KC101"]\n')
    write(tmp_path / "kerascheck.toml", 'select = ["KC1"]\n')
    write(tmp_path / "bad.py", SELU_BAD)
    assert codes("bad.py", cwd=tmp_path) == [("bad.py", "KC101")]


def test_prefixes_names_and_all(tmp_path: Path) -> None:
    write(tmp_path / "bad.py", SELU_BAD.replace("\n", "  # noqa: KC202\n", 1))
    write(tmp_path / "kerascheck.toml", 'ignore = ["KC1"]\n')
    assert codes("bad.py", cwd=tmp_path) == []
    # ALL also enables the off-by-default KC901, which reports the unused noqa.
    write(tmp_path / "kerascheck.toml", 'select = ["ALL"]\n')
    assert codes("bad.py", cwd=tmp_path) == [("bad.py", "KC101"), ("bad.py", "KC901")]


def test_command_line_select_overrides_the_file(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", 'ignore = ["KC101"]\n')
    write(tmp_path / "bad.py", SELU_BAD)
    assert codes("--select", "KC101", "bad.py", cwd=tmp_path) == [("bad.py", "KC101")]
    assert codes("--extend-select", "KC901", "bad.py", cwd=tmp_path) == []


def test_per_file_ignores_are_relative_to_the_config_file(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", '[per-file-ignores]\n"legacy/*.py" = ["KC101"]\n')
    write(tmp_path / "legacy" / "old.py", SELU_BAD)
    write(tmp_path / "new.py", SELU_BAD)
    write(tmp_path / "nested" / "legacy" / "deep.py", SELU_BAD)
    expected = [("nested/legacy/deep.py", "KC101"), ("new.py", "KC101")]
    assert codes(".", cwd=tmp_path) == expected
    # The same answer when run from inside a subfolder: globs follow the config, not the cwd.
    inner = codes("old.py", "../new.py", cwd=tmp_path / "legacy")
    assert inner == [("../new.py", "KC101")]


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    for name in ("a.py", "gen/b.py", "build/c.py", "skip_me.py"):
        write(tmp_path / name, SELU_BAD)
    write(tmp_path / "kerascheck.toml", 'extend-exclude = ["gen", "skip_*.py"]\n')
    assert [p for p, _ in codes(".", cwd=tmp_path)] == ["a.py"]
    # `exclude` replaces the defaults (so build/ is checked again).
    write(tmp_path / "kerascheck.toml", 'exclude = ["gen/"]\n')
    assert [p for p, _ in codes(".", cwd=tmp_path)] == ["a.py", "build/c.py", "skip_me.py"]


def test_config_option_and_isolated(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", 'ignore = ["KC101"]\n')
    write(tmp_path / "other.toml", 'select = ["KC101"]\n')
    write(tmp_path / "bad.py", SELU_BAD)
    assert codes("bad.py", cwd=tmp_path) == []
    assert codes("--isolated", "bad.py", cwd=tmp_path) == [("bad.py", "KC101")]
    assert codes("--config", "other.toml", "bad.py", cwd=tmp_path) == [("bad.py", "KC101")]
    both = run_cli("--config", "other.toml", "--isolated", "bad.py", cwd=tmp_path)
    assert both.returncode == 2


def test_rule_options_reach_the_rule(tmp_path: Path) -> None:
    write(tmp_path / "model.py", BOTTLENECK)
    assert codes("--select", "KC202", "model.py", cwd=tmp_path) == []
    write(tmp_path / "pyproject.toml", "[tool.kerascheck.rules.KC202]\nmin-ratio = 2.0\n")
    assert codes("--select", "KC202", "model.py", cwd=tmp_path) == [("model.py", "KC202")]
    # By name too, and an int where the default is a float.
    write(tmp_path / "pyproject.toml", "[tool.kerascheck.rules.narrow-bottleneck]\nmin-ratio = 2\n")
    assert codes("--select", "KC202", "model.py", cwd=tmp_path) == [("model.py", "KC202")]


def _usage_error(tmp_path: Path, config: str, *needles: str, name: str = "kerascheck.toml") -> None:
    write(tmp_path / name, config)
    write(tmp_path / "bad.py", SELU_BAD)
    proc = run_cli("bad.py", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    for needle in (*needles, name):
        assert needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_key(tmp_path: Path) -> None:
    _usage_error(tmp_path, 'selct = ["KC101"]\n', "selct")


def test_unknown_key_in_pyproject_names_the_section(tmp_path: Path) -> None:
    text = '[tool.kerascheck]\nextend_select = ["KC101"]\n'
    _usage_error(tmp_path, text, "tool.kerascheck.extend_select", name="pyproject.toml")


def test_unknown_code(tmp_path: Path) -> None:
    _usage_error(tmp_path, 'ignore = ["KC1O1"]\n', "KC1O1", "ignore")


def test_unknown_code_in_per_file_ignores(tmp_path: Path) -> None:
    _usage_error(tmp_path, '[per-file-ignores]\n"*.py" = ["nonsense"]\n', "nonsense")


def test_unknown_rule_and_option(tmp_path: Path) -> None:
    _usage_error(tmp_path, "[rules.KC999]\nx = 1\n", "KC999")
    _usage_error(tmp_path, "[rules.KC202]\nmin-rato = 1.0\n", "rules.KC202.min-rato", "min-ratio")
    _usage_error(tmp_path, '[rules.KC202]\nmin-ratio = "big"\n', "rules.KC202.min-ratio")


def test_wrong_types_and_bad_toml(tmp_path: Path) -> None:
    _usage_error(tmp_path, 'select = "KC101"\nexclude = [1]\n', "exclude")
    _usage_error(tmp_path, "select = [\n", "invalid TOML")


def test_config_command_shows_values_and_sources(tmp_path: Path) -> None:
    config = write(
        tmp_path / "pyproject.toml",
        '[tool.kerascheck]\nextend-select = ["KC901"]\n[tool.kerascheck.rules.KC202]\n'
        "min-ratio = 1.5\n",
    )
    write(tmp_path / "bad.py", SELU_BAD)
    proc = run_cli("config", "bad.py", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["config_file"] == str(config)
    assert info["settings"]["extend-select"] == {"value": ["KC901"], "source": str(config)}
    assert info["settings"]["rules.KC202.min-ratio"] == {"value": 1.5, "source": str(config)}
    assert info["settings"]["ignore"]["source"] == "default"
    assert "KC901" in info["enabled_rules"] and "KC101" in info["enabled_rules"]
    text = run_cli("config", cwd=tmp_path).stdout
    assert f"config file: {config}" in text and "KC901" in text
    shown = run_cli("check", "--show-settings", "--ignore", "KC101", "bad.py", cwd=tmp_path)
    assert shown.returncode == 0
    assert '["KC101"]  (command line)' in shown.stdout
    assert "KC101," not in shown.stdout.split("enabled rules:")[1]


def test_config_command_without_config(tmp_path: Path) -> None:
    proc = run_cli("config", "--isolated", cwd=tmp_path)
    assert proc.returncode == 0
    assert "none (defaults)" in proc.stdout


# ---------------------------------------------------------------- target version

KC501_CODE = "import keras\nopt = keras.optimizers.Adam(lr=0.01)\n"


def target_of(path: Path, *args: str) -> tuple[str, str]:
    proc = run_cli("config", "--format", "json", *args, str(path))
    assert proc.returncode == 0, proc.stderr
    entry = json.loads(proc.stdout)["settings"]["target-version"]
    return entry["value"], entry["source"]


def test_target_version_from_a_requirements_pin(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "numpy\ntensorflow==2.15.1  # last with Keras 2\n")
    write(tmp_path / "src" / "train.py", KC501_CODE)
    value, source = target_of(tmp_path / "src" / "train.py")
    assert (value, source) == ("keras2", f"inferred from {tmp_path / 'requirements.txt'}")
    assert codes("--select", "KC501", ".", cwd=tmp_path) == []


def test_target_version_from_a_pyproject_keras_pin(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\ndependencies = ["keras>=3.2"]\n')
    write(tmp_path / "train.py", KC501_CODE)
    assert target_of(tmp_path / "train.py")[0] == "keras3"
    assert codes("--select", "KC501", ".", cwd=tmp_path) == [("train.py", "KC501")]


def test_target_version_from_setup_cfg_and_environment_yml(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "a" / "setup.cfg",
        "[options]\ninstall_requires =\n    numpy\n    keras<3\n",
    )
    write(tmp_path / "a" / "m.py", KC501_CODE)
    assert target_of(tmp_path / "a" / "m.py") == ("keras2", f"inferred from {cfg}")
    env = write(
        tmp_path / "b" / "environment.yml",
        "name: x\ndependencies:\n  - python=3.11\n  - pip:\n    - tensorflow>=2.16\n",
    )
    write(tmp_path / "b" / "m.py", KC501_CODE)
    assert target_of(tmp_path / "b" / "m.py") == ("keras3", f"inferred from {env}")


def test_legacy_keras_code_beats_a_new_tensorflow_pin(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "tensorflow>=2.16\n")
    legacy = write(
        tmp_path / "pkg" / "env.py", 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\n'
    )
    write(tmp_path / "pkg" / "m.py", KC501_CODE)
    value, source = target_of(tmp_path / "pkg" / "m.py")
    assert value == "keras2" and str(legacy) in source


def test_target_version_setting_and_option_win(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "tensorflow==2.15.0\n")
    config = write(tmp_path / "kerascheck.toml", 'target-version = "keras3"\n')
    write(tmp_path / "m.py", KC501_CODE)
    assert target_of(tmp_path / "m.py") == ("keras3", str(config))
    assert target_of(tmp_path / "m.py", "--target-version", "keras2") == (
        "keras2",
        "command line",
    )
    assert codes("--target-version", "keras2", "--select", "KC501", ".", cwd=tmp_path) == []
    assert codes("--select", "KC501", ".", cwd=tmp_path) == [("m.py", "KC501")]


def test_nothing_declared_means_keras2(tmp_path: Path) -> None:
    write(tmp_path / "m.py", KC501_CODE)
    value, source = target_of(tmp_path / "m.py")
    assert value == "keras2" and source.startswith("default")


def test_bad_target_version_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", 'target-version = "keras4"\n')
    write(tmp_path / "m.py", KC501_CODE)
    proc = run_cli("check", str(tmp_path / "m.py"))
    assert proc.returncode == 2 and "target-version" in proc.stderr and "keras4" in proc.stderr


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [
        ("keras<3", "keras2"),
        ("keras<3.0", "keras2"),
        ("keras==2.15.0", "keras2"),
        ("keras>=3.0.0", "keras3"),
        ("tensorflow==2.15.*", "keras2"),
        ("tensorflow~=2.15.0", "keras2"),
        ("tensorflow>=2.4,<2.16", "keras2"),
        ("tensorflow[and-cuda]==2.17.0", "keras3"),
        ("tensorflow-gpu==1.15", "keras2"),
        ("tensorflow=2.10", "keras2"),
        ("tf-keras~=2.16", "keras2"),
        ("tensorflow", None),
        ("tensorflow>=2.4", None),
        ("numpy<2", None),
    ],
)
def test_requirement_verdicts(requirement: str, expected: str | None) -> None:
    from kerascheck.run.target_version import judge_requirements

    assert judge_requirements([requirement]) == expected
