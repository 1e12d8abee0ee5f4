"""Which files get checked (.gitignore, excludes, --force-exclude) and stdin input, via the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, run_json

SELU_BAD = 'import keras\nm = keras.Sequential([keras.layers.Dense(4, activation="selu")])\n'


def write(path: Path, text: str = SELU_BAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def checked(*args: str, cwd: Path) -> list[str]:
    """Paths with findings (every file written here has one)."""
    code, report = run_json("--no-cache", "--isolated", *args, cwd=cwd)
    assert code in (0, 1), report
    return sorted({d["path"] for d in report["diagnostics"]})


def test_gitignore_is_respected_when_walking(tmp_path: Path) -> None:
    (tmp_path / ".git" / "info").mkdir(parents=True)
    write(tmp_path / ".gitignore", "# generated\n*_pb2.py\nout/\n/rooted.py\n!keep_pb2.py\n")
    write(tmp_path / ".git" / "info" / "exclude", "scratch.py\n")
    for name in (
        "main.py",
        "api_pb2.py",
        "keep_pb2.py",
        "out/gen.py",
        "rooted.py",
        "pkg/rooted.py",
        "scratch.py",
        "pkg/scratch.py",
        "pkg/local.py",
        "pkg/deep/x.py",
    ):
        write(tmp_path / name)
    # A nested .gitignore applies below its folder.
    write(tmp_path / "pkg" / ".gitignore", "local.py\ndeep/\n")
    assert checked(".", cwd=tmp_path) == ["keep_pb2.py", "main.py", "pkg/rooted.py"]
    # From a subfolder, the patterns of the folders above still apply.
    assert checked(".", cwd=tmp_path / "pkg") == ["rooted.py"]
    # Files named explicitly are checked, ignored or not.
    assert checked("api_pb2.py", "out/gen.py", cwd=tmp_path) == ["api_pb2.py", "out/gen.py"]
    # So is a folder named explicitly (what lies in it, minus what is ignored in it).
    write(tmp_path / "out" / "gen_pb2.py")
    assert checked("out", cwd=tmp_path) == ["out/gen.py"]


def test_gitignore_outside_a_repository_means_nothing(tmp_path: Path) -> None:
    write(tmp_path / ".gitignore", "*.py\n")
    write(tmp_path / "main.py")
    assert checked(".", cwd=tmp_path) == ["main.py"]


def test_respect_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "ignored.py\n")
    write(tmp_path / "ignored.py")
    write(tmp_path / "kerascheck.toml", "respect-gitignore = false\n")
    code, report = run_json("--no-cache", ".", cwd=tmp_path)
    assert code == 1
    assert [d["path"] for d in report["diagnostics"]] == ["ignored.py"]


def test_force_exclude_applies_to_explicit_paths(tmp_path: Path) -> None:
    write(tmp_path / "build" / "gen.py")
    write(tmp_path / "vendored" / "lib.py")
    write(tmp_path / "app.py")
    args = ("build/gen.py", "vendored/lib.py", "app.py")
    assert checked(*args, cwd=tmp_path) == ["app.py", "build/gen.py", "vendored/lib.py"]
    assert checked("--force-exclude", *args, cwd=tmp_path) == ["app.py", "vendored/lib.py"]
    write(tmp_path / "kerascheck.toml", 'extend-exclude = ["vendored"]\nforce-exclude = true\n')
    code, report = run_json("--no-cache", *args, cwd=tmp_path)
    assert code == 1
    assert [d["path"] for d in report["diagnostics"]] == ["app.py"]
    assert report["files_checked"] == 1


def test_stdin_with_filename(tmp_path: Path) -> None:
    proc = run_cli("--isolated", "--format", "concise", "-", input=SELU_BAD, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("-:2:")
    proc = run_cli(
        "--isolated",
        "--format",
        "concise",
        "--stdin-filename",
        "models/net.py",
        "-",
        input=SELU_BAD,
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("models/net.py:2:")


def test_stdin_filename_picks_config_and_excludes(tmp_path: Path) -> None:
    write(tmp_path / "kerascheck.toml", '[per-file-ignores]\n"legacy/*" = ["KC101"]\n')
    base = ("--format", "concise", "--stdin-filename")
    proc = run_cli(*base, "legacy/old.py", input=SELU_BAD, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    proc = run_cli(*base, "new/fresh.py", input=SELU_BAD, cwd=tmp_path)
    assert proc.returncode == 1 and "new/fresh.py:2:" in proc.stdout
    proc = run_cli(*base, "build/x.py", "--force-exclude", "-", input=SELU_BAD, cwd=tmp_path)
    assert proc.returncode == 0 and "KC101" not in proc.stdout


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        ("**/foo", "a/b/foo", False, True),
        ("a/**/b", "a/b", False, True),
        ("a/**/b", "a/x/y/b", False, True),
        ("a/**/b", "ab", False, False),
        ("*.py[cod]", "x/y.pyc", False, True),
        ("*.py[cod]", "x/y.py", False, False),
        ("doc/*.txt", "doc/x/a.txt", False, False),
        ("/top.py", "sub/top.py", False, False),
        ("out/", "out", False, False),
        ("out/", "x/out", True, True),
        ("\\#hash.py", "#hash.py", False, True),
        ("[!a]b.py", "ab.py", False, False),
        ("[!a]b.py", "cb.py", False, True),
    ],
)
def test_gitignore_patterns(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    from kerascheck.run.gitignore import GitIgnore, parse_line

    parsed = parse_line(pattern, "/repo")
    assert parsed is not None
    assert GitIgnore([parsed]).ignored("/repo/" + path, is_dir) is ignored
