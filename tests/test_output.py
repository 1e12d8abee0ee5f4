"""Output a person reads: errors in order and in the summary, stdin frames, rule lookup and pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from kerascheck.engine.registry import RUNTIME_CODES, all_rules
from kerascheck.report import rule_docs

SELU = 'model = keras.Sequential([keras.layers.Dense(10, activation="selu")])\n'


def _tree(root: Path) -> None:
    # a.py: a finding on line 2, a parse error on line 4, a finding on line 6 (reported
    # before the error only if errors were printed at the end).
    (root / "a.py").write_text("import keras\n" + SELU + "\n", encoding="utf-8")
    (root / "b.py").write_text("import keras\n\ndef f(:\n    pass\n", encoding="utf-8")
    (root / "c.py").write_text("import keras\n" + SELU, encoding="utf-8")
    (root / "clean.py").write_text("import keras\nx = 1\n", encoding="utf-8")
    # Broken, but never mentions Keras: skipped, and not counted as clean.
    (root / "plain.py").write_text("def g(:\n", encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_errors_are_in_position_order_and_in_the_summary(tmp_path: Path, fmt: str) -> None:
    _tree(tmp_path)
    proc = run_cli("check", "--no-cache", "--format", fmt, ".", cwd=tmp_path)
    assert proc.returncode == 1
    heads = [line for line in proc.stdout.splitlines() if re.match(r"^\w+\.py:\d", line)]
    assert [h.split(":")[0] for h in heads] == ["a.py", "b.py", "c.py"], proc.stdout
    assert "b.py:3:7: error: could not parse" in heads[1]
    summary = proc.stdout.strip().splitlines()
    assert (
        "Found 2 problems and 1 error in 3 files "
        "(1 file clean, 1 could not be parsed, 1 skipped: no Keras)." in summary
    ), proc.stdout


def test_a_run_with_only_errors_does_not_say_no_problems(tmp_path: Path) -> None:
    (tmp_path / "b.py").write_text("import keras\ndef f(:\n", encoding="utf-8")
    proc = run_cli("check", "b.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "No problems" not in proc.stdout
    assert "Found 1 error in 1 file (0 files clean, 1 could not be parsed)." in proc.stdout


def test_stdin_frames_show_the_text_that_was_checked(tmp_path: Path) -> None:
    # A different model.py on disk must not be quoted.
    (tmp_path / "model.py").write_text("import keras\n# the file on disk\n", encoding="utf-8")
    source = "import keras\nnet = keras.Sequential([keras.layers.Dense(3, activation='selu')])\n"
    for name in ("model.py", "not_on_disk.py"):
        proc = run_cli("check", "--stdin-filename", name, "-", input=source, cwd=tmp_path)
        assert "2 │ net = keras.Sequential([keras.layers.Dense(3, activation='selu')])" in (
            proc.stdout
        ), proc.stdout
        assert "file on disk" not in proc.stdout


def test_rules_listing_never_cuts_names_when_piped() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0
    for rule in all_rules().values():
        line = next(line for line in proc.stdout.splitlines() if line.startswith(rule.code))
        assert f" {rule.name} " in line, line
        assert line.endswith(rule.summary), line


@pytest.mark.parametrize("token", ["KR001", "kr005", "dead-units", "KC101", "missing-seed"])
def test_rule_lookup_covers_static_and_runtime_rules(token: str) -> None:
    proc = run_cli("rule", token)
    assert proc.returncode == 0, proc.stderr
    code = rule_docs.lookup(token)
    assert code is not None and proc.stdout.startswith(f"# {code} ")
    assert f"docs/rules/{code}-" in proc.stdout


def test_unknown_rule_is_a_usage_error() -> None:
    proc = run_cli("rule", "KR999")
    assert proc.returncode == 2 and "unknown rule" in proc.stderr


def test_every_rule_has_its_page_in_the_repository() -> None:
    for code in [*all_rules(), *RUNTIME_CODES]:
        path = rule_docs.page_path(code)
        assert path is not None and (ROOT / path).is_file(), code
        assert (ROOT / path).read_text(encoding="utf-8").startswith(f"# {code} ")


def test_text_output_and_sarif_link_the_rule_page(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import keras\n" + SELU, encoding="utf-8")
    text = run_cli("check", "m.py", cwd=tmp_path).stdout
    url = rule_docs.page_url("KC101")
    assert url is not None and f"= docs: {url}" in text
    sarif = json.loads(run_cli("check", "--format", "sarif", "m.py", cwd=tmp_path).stdout)
    descriptors = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {d["id"]: d["helpUri"] for d in descriptors}["KC101"] == url
    for descriptor in descriptors:
        tail = descriptor["helpUri"].split(f"/blob/{rule_docs.BRANCH}/", 1)[1]
        assert (ROOT / tail).is_file(), tail


SEEDS = {
    "KC401": "import keras\nm = keras.Sequential([keras.layers.Dense(1)])\nm.fit(x, y)\n",
    "KC402": (
        "import numpy as np\nimport tensorflow as tf\nnp.random.seed(1)\ntf.random.set_seed(1)\n"
        "m = tf.keras.Sequential([tf.keras.layers.Dense(1)])\n"
    ),
}


@pytest.mark.parametrize("code", sorted(SEEDS))
def test_seed_messages_are_one_short_sentence(tmp_path: Path, code: str) -> None:
    (tmp_path / "m.py").write_text(SEEDS[code], encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--select", code, "m.py", cwd=tmp_path)
    (finding,) = json.loads(proc.stdout)["diagnostics"]
    message = finding["message"]
    assert len(message) <= 200 and "keras/src" not in message, message
    assert "keras.utils.set_random_seed(n)" in message
    assert message.count(". ") == 0, message
