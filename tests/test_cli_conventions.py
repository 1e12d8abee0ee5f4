"""The options a ruff user reaches for, each doing what ruff's does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

from kerascheck import __version__

# KC501 (safe fix), KC101 (unsafe fix) and KC401 (unsafe fix) in one file.
CODE = """\
import keras
opt = keras.optimizers.Adam(lr=0.1)
m = keras.Sequential([keras.layers.Dense(1, activation="selu")])
m.compile(optimizer=opt, loss="mse")
m.fit(x, y)
"""


@pytest.fixture(autouse=True)
def keras3_project(tmp_path: Path) -> None:
    """The files below belong to a project that targets Keras 3 (so KC501 applies) and turns
    on KC401, which is off by default."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\ndependencies = ["keras>=3"]\n\n'
        '[tool.kerascheck]\nextend-select = ["KC401"]\n',
        encoding="utf-8",
    )


def tree(root: Path) -> Path:
    for name in ("a.py", "tests/t.py", "gen/g.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(CODE, encoding="utf-8")
    return root


def found(proc: object) -> list[tuple[str, str]]:
    report = json.loads(proc.stdout)  # type: ignore[attr-defined]
    return sorted((d["path"], d["code"]) for d in report["diagnostics"])


OPTIONS = [
    "--output-format",
    "--format",
    "--quiet",
    "--silent",
    "--exclude",
    "--extend-exclude",
    "--per-file-ignores",
    "--show-fixes",
    "--fix-only",
    "--fixable",
    "--unfixable",
    "--no-cache",
    "--exit-zero",
    "--config",
    "--add-noqa",
    "--watch",
]


def test_every_option_is_in_the_help() -> None:
    text = run_cli("check", "--help").stdout
    for option in OPTIONS:
        assert option in text, option
    for short in ("-q,", "-n,", "-e,"):
        assert short in text, short
    assert "gitlab" in text


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_at_the_top_level(flag: str) -> None:
    proc = run_cli(flag)
    assert proc.returncode == 0 and __version__ in proc.stdout


@pytest.mark.parametrize("flag", ["--output-format", "--format"])
def test_output_format_and_its_alias(tmp_path: Path, flag: str) -> None:
    (tmp_path / "a.py").write_text(CODE, encoding="utf-8")
    proc = run_cli("check", flag, "json", "a.py", cwd=tmp_path)
    assert len(found(proc)) == 3


def test_quiet_prints_findings_only_and_silent_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CODE, encoding="utf-8")
    quiet = run_cli("check", "-q", "--output-format", "concise", "a.py", cwd=tmp_path)
    assert quiet.returncode == 1
    assert quiet.stdout.splitlines()[-1].startswith("a.py:5:1: KC401")
    assert "Found" not in quiet.stdout and "fixable" not in quiet.stdout
    silent = run_cli("check", "--silent", "a.py", cwd=tmp_path)
    assert silent.returncode == 1 and silent.stdout == ""
    clean = run_cli("check", "-q", "--select", "KC2", "a.py", cwd=tmp_path)
    assert clean.returncode == 0 and clean.stdout == ""


def test_short_flags_for_no_cache_and_exit_zero(tmp_path: Path) -> None:
    tree(tmp_path)
    proc = run_cli("check", "-n", "-e", "-q", ".", cwd=tmp_path)
    assert proc.returncode == 0 and "KC501" in proc.stdout
    assert not (tmp_path / ".kerascheck_cache").exists()


def test_exclude_extend_exclude_and_per_file_ignores(tmp_path: Path) -> None:
    tree(tmp_path)
    base = ("check", "-n", "--output-format", "json")
    everything = found(run_cli(*base, ".", cwd=tmp_path))
    assert {p for p, _ in everything} == {"a.py", "tests/t.py", "gen/g.py"}
    proc = run_cli(*base, "--extend-exclude", "gen", ".", cwd=tmp_path)
    assert {p for p, _ in found(proc)} == {"a.py", "tests/t.py"}
    proc = run_cli(*base, "--exclude", "gen,tests", ".", cwd=tmp_path)
    assert {p for p, _ in found(proc)} == {"a.py"}
    proc = run_cli(*base, "--per-file-ignores", "tests/*:KC401,KC501", ".", cwd=tmp_path)
    assert [c for p, c in found(proc) if p == "tests/t.py"] == ["KC101"]
    assert len(found(proc)) == 7


def test_command_line_excludes_replace_or_extend_the_file(tmp_path: Path) -> None:
    tree(tmp_path)
    (tmp_path / "kerascheck.toml").write_text('exclude = ["gen"]\n', encoding="utf-8")
    base = ("check", "-n", "--output-format", "json", ".")
    assert {p for p, _ in found(run_cli(*base, cwd=tmp_path))} == {"a.py", "tests/t.py"}
    proc = run_cli(*base, "--extend-exclude", "tests", cwd=tmp_path)
    assert {p for p, _ in found(proc)} == {"a.py"}
    proc = run_cli(*base, "--exclude", "tests", cwd=tmp_path)
    assert {p for p, _ in found(proc)} == {"a.py", "gen/g.py"}


def test_config_key_value_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CODE, encoding="utf-8")
    (tmp_path / "kerascheck.toml").write_text('select = ["KC501"]\n', encoding="utf-8")
    base = ("check", "-n", "--output-format", "json", "a.py")
    assert found(run_cli(*base, cwd=tmp_path)) == [("a.py", "KC501")]
    proc = run_cli(*base, "--config", 'select = ["KC101", "KC401"]', cwd=tmp_path)
    assert found(proc) == [("a.py", "KC101"), ("a.py", "KC401")]
    shown = run_cli(
        "check", "--show-settings", "--config", "ignore = ['KC401']", "a.py", cwd=tmp_path
    )
    assert re.search(r'ignore +\= \["KC401"\]  \(command line\)', shown.stdout), shown.stdout
    bad = run_cli("check", "--config", "select = [", "a.py", cwd=tmp_path)
    assert bad.returncode == 2 and "--config" in bad.stderr and "Traceback" not in bad.stderr
    bad = run_cli("check", "--config", "rules.KC202.min-ratio = nan", "a.py", cwd=tmp_path)
    assert bad.returncode == 2 and "finite" in bad.stderr


def test_fix_only_fixes_and_does_not_fail_on_what_is_left(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(CODE, encoding="utf-8")
    proc = run_cli("check", "--fix-only", "a.py", cwd=tmp_path)
    assert proc.returncode == 0
    assert "learning_rate=0.1" in path.read_text(encoding="utf-8")
    assert "KC101" not in proc.stdout and "Fixed 1 problem" in proc.stdout


def test_fixable_unfixable_and_show_fixes(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(CODE, encoding="utf-8")
    args = ("check", "--fix", "--unsafe-fixes", "--show-fixes", "-q", "--output-format")
    proc = run_cli(*args, "concise", "--unfixable", "KC4", "a.py", cwd=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "learning_rate=" in text and 'kernel_initializer="lecun_normal"' in text
    assert "set_random_seed" not in text
    assert "- a.py:\n    1 × KC101 (selu-without-lecun-normal)\n    1 × KC501" in proc.stdout
    path.write_text(CODE, encoding="utf-8")
    run_cli("check", "--fix", "--unsafe-fixes", "--fixable", "KC401", "a.py", cwd=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "set_random_seed" in text and "lr=0.1" in text


def test_add_noqa_silences_every_current_finding(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    multi = CODE.replace(
        'm = keras.Sequential([keras.layers.Dense(1, activation="selu")])',
        'm = keras.Sequential([\n    keras.layers.Dense(1, activation="selu"),  # noqa: KC2\n])',
    )
    path.write_bytes(multi.replace("\n", "\r\n").encode())
    proc = run_cli("check", "--add-noqa", "a.py", cwd=tmp_path)
    assert proc.returncode == 0 and "Added 3 noqa directives in 1 file." in proc.stdout
    data = path.read_bytes()
    assert b"Adam(lr=0.1)  # noqa: KC501\r\n" in data
    assert b'activation="selu"),  # noqa: KC2, KC101\r\n' in data
    assert b"m.fit(x, y)  # noqa: KC401\r\n" in data
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0
    again = run_cli("check", "--add-noqa", "a.py", cwd=tmp_path)
    assert "Added 0 noqa directives" in again.stdout and path.read_bytes() == data


def test_gitlab_code_quality_report(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CODE, encoding="utf-8")
    (tmp_path / "b.py").write_text(CODE, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import keras\ndef f(:\n", encoding="utf-8")
    proc = run_cli("check", "--output-format", "gitlab", ".", cwd=tmp_path)
    issues = json.loads(proc.stdout)
    assert proc.returncode == 1 and len(issues) == 7
    first = issues[0]
    assert first["check_name"] == "KC501" and first["location"] == {
        "path": "a.py",
        "lines": {"begin": 2, "end": 2},
    }
    assert first["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == 7, "fingerprints are unique"
    (error,) = [i for i in issues if i["check_name"] == "kerascheck/file-error"]
    assert error["location"]["path"] == "broken.py" and "could not parse" in error["description"]
    # A line added above keeps the fingerprints (they follow the code, not its line number).
    (tmp_path / "a.py").write_text("# a comment\n" + CODE, encoding="utf-8")
    moved = json.loads(run_cli("check", "--output-format", "gitlab", ".", cwd=tmp_path).stdout)
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in issues}


def test_watch_checks_again_when_a_file_changes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    path = tmp_path / "a.py"
    path.write_text("import keras\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    args = [sys.executable, "-m", "kerascheck", "check", "--watch", "-n", "--output-format"]
    proc = subprocess.Popen(
        [*args, "concise", "."], cwd=tmp_path, stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    try:
        lines: list[str] = []

        def read_until(needle: str) -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = proc.stdout.readline()  # type: ignore[union-attr]
                lines.append(line)
                if needle in line:
                    return
            raise AssertionError("".join(lines))

        read_until("Watching for file changes")
        assert "No problems found in 1 file" in "".join(lines)
        time.sleep(0.1)
        path.write_text(CODE, encoding="utf-8")
        read_until("Watching for file changes")
        assert "a.py:2:29: KC501" in "".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_unfixable_codes_are_not_counted_as_fixable(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CODE, encoding="utf-8")
    everything = run_cli("check", "--output-format", "concise", "a.py", cwd=tmp_path)
    without = run_cli(
        "check", "--output-format", "concise", "--unfixable", "KC501", "a.py", cwd=tmp_path
    )
    kc501 = [line for line in everything.stdout.splitlines() if " KC501 " in line]
    assert kc501 and all("[*]" in line for line in kc501)
    assert not [line for line in without.stdout.splitlines() if "KC501 [*]" in line]
    assert "KC501" in without.stdout
