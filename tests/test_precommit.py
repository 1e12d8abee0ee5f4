"""The pre-commit hooks, run by the real pre-commit (`pre-commit try-repo`) on a scratch repo.

pre-commit clones the hook repository at a commit and pip-installs it (from PyPI) into its own
virtual environment, so this test snapshots the working tree (tracked and untracked, not ignored files)
into a throwaway git repository first: the hooks tested are those of the tree as it is now.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "kerascheck tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "kerascheck tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}
CONFIG = """\
[tool.kerascheck]
select = ["KC101", "KC501"]
extend-exclude = ["generated/"]
"""
BAD = """\
import keras

model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="mse")
"""
FIXED = BAD.replace("Adam(lr=", "Adam(learning_rate=")
GOOD = """\
import keras

model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="relu")])
"""
NOTEBOOK_CELLS = [
    "%matplotlib inline\nimport keras\n",
    'model = keras.Sequential([keras.layers.Dense(8, activation="selu")])\n',
]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def _tree_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as one commit of a scratch repository, as pre-commit needs it."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in _tree_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared by the tests of this module, so the hook environment is installed once.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "gen.py").write_text(BAD, encoding="utf-8")
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
        for s in NOTEBOOK_CELLS
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    yield tmp_path


def _pre_commit(args: list[str], project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"},
    )


def try_repo(
    hook_repo: Path, home: Path, project: Path, hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo`, as the issue asks (it installs the hook afresh on every call)."""
    selection = ["--files", *files] if files else ["--all-files"]
    return _pre_commit(["try-repo", str(hook_repo), hook, *selection], project, home)


def run_hook(
    hook_repo: Path, home: Path, project: Path, hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` from a config naming the snapshot, whose install pre-commit caches."""
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    config = project / ".pre-commit-config.yaml"
    config.write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n"
        "  hooks:\n  - id: kerascheck\n  - id: kerascheck-fix\n",
        encoding="utf-8",
    )
    git("add", ".pre-commit-config.yaml", cwd=project)
    selection = ["--files", *files] if files else ["--all-files"]
    return _pre_commit(["run", hook, *selection], project, home)


def test_kerascheck_hook_fails_on_bad_code_and_passes_once_fixed(
    hook_repo: Path, pre_commit_home: Path, project: Path
) -> None:
    proc = try_repo(hook_repo, pre_commit_home, project, "kerascheck", "bad.py", "good.py")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "bad.py:4:47: KC501" in out, out
    assert "good.py:" not in out, out

    (project / "bad.py").write_text(FIXED, encoding="utf-8")
    proc = try_repo(hook_repo, pre_commit_home, project, "kerascheck", "bad.py", "good.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_kerascheck_hook_checks_notebooks_and_honours_exclude(
    hook_repo: Path, pre_commit_home: Path, project: Path
) -> None:
    (project / "bad.py").write_text(FIXED, encoding="utf-8")
    proc = run_hook(hook_repo, pre_commit_home, project, "kerascheck")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "nb.ipynb:cell 2:1:27: KC101" in out, out
    # generated/gen.py is passed by pre-commit, but excluded by the config (--force-exclude).
    assert "gen.py" not in out, out


def test_kerascheck_fix_hook_fixes_the_file(
    hook_repo: Path, pre_commit_home: Path, project: Path
) -> None:
    proc = run_hook(hook_repo, pre_commit_home, project, "kerascheck-fix", "bad.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pre-commit fails: files changed
    assert (project / "bad.py").read_text(encoding="utf-8") == FIXED
    proc = run_hook(hook_repo, pre_commit_home, project, "kerascheck-fix", "bad.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def readme_block(after: str, language: str) -> str:
    """The first fenced block of `language` after the heading `after` in README.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n{after}\n", 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("\n```", 1)[0]


def test_readme_snippet_works_as_written(
    hook_repo: Path, pre_commit_home: Path, project: Path
) -> None:
    """The README's config, as written, with only the repository URL pointing at a clone."""
    import yaml

    snippet = readme_block("## pre-commit", "yaml")
    (entry,) = yaml.safe_load(snippet)["repos"]
    rev = entry["rev"]
    clone = hook_repo.parent / "clone"
    if not clone.exists():
        subprocess.run(["git", "clone", "-q", str(hook_repo), str(clone)], check=True)
        # The release tag, as `git tag` makes it on the repository; the clone holds the tree.
        git("tag", rev, cwd=clone)
    config = snippet.replace(entry["repo"], str(clone))
    (project / ".pre-commit-config.yaml").write_text(config + "\n", encoding="utf-8")
    git("add", ".pre-commit-config.yaml", cwd=project)
    proc = _pre_commit(["run", "--all-files"], project, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "kerascheck (fix)" in out and "files were modified by this hook" in out, out
    assert "nb.ipynb:cell 2:1:27: KC101" in out, out
    assert (project / "bad.py").read_text(encoding="utf-8") == FIXED


def test_readme_install_command_installs_from_the_tag(hook_repo: Path, tmp_path: Path) -> None:
    """`pip install "kerascheck @ git+URL@TAG"` as the README says, from a clone with the tag."""
    block = readme_block("## Install", "bash")
    command = block.splitlines()[0]
    requirement = command.split('"')[1]
    url, _, rev = requirement.split(" @ ", 1)[1].rpartition("@")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(hook_repo), str(clone)], check=True)
    git("tag", rev, cwd=clone)
    # file://localhost/...: pip before 24 rejects a direct reference without a host.
    local = requirement.replace(url.removeprefix("git+"), f"file://localhost{clone.as_posix()}")
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), local],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert (target / "kerascheck" / "__init__.py").is_file()
    assert (target / "kerascheck" / "rules" / "kc101_selu_without_lecun_normal.py").is_file()
