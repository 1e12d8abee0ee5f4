"""Shared test helpers: run the CLI in this process or in a child."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Examples are generated afresh; hypothesis writes nothing into the repository.
settings.register_profile("kerascheck", database=None)
settings.load_profile("kerascheck")
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="kerascheck-hypothesis-"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def run_cli(
    *args: str,
    cwd: Path | str | None = None,
    input: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `kerascheck ARGS` in this process (click's runner), or in a child when `process`.

    In-process runs are ten times cheaper; a child is for what only a process shows (signals,
    worker pools that outlive a call, `python -m kerascheck` itself, a clean import state).
    """
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if process or os.environ.get("KERASCHECK_TEST_PROCESS") == "1":
        return subprocess.run(
            [sys.executable, "-m", "kerascheck", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
        )
    return _run_in_process(list(args), cwd, input, {"NO_COLOR": "1", **(env or {})})


def _run_in_process(
    args: list[str], cwd: Path | str | None, input: str | None, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    from click.testing import CliRunner

    from kerascheck.cli.main import cli

    runner = CliRunner()
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(cli, args, input=input, env=env, prog_name="kerascheck")
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # An uncaught exception is what the real CLI prints as a traceback and exits 1 on.
        import traceback

        stderr = result.stderr + "".join(traceback.format_exception(result.exception))
        return subprocess.CompletedProcess(["kerascheck", *args], 1, result.stdout, stderr)
    return subprocess.CompletedProcess(
        ["kerascheck", *args], result.exit_code, result.stdout, result.stderr
    )


def run_json(*args: str, cwd: Path | str | None = None) -> tuple[int, dict[str, Any]]:
    proc = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert proc.stdout, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.fixture
def cli() -> Any:
    return run_cli


@pytest.fixture(autouse=True, scope="session")
def _caches_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The result cache and hypothesis' example database never land in the repository."""
    previous = os.environ.get("KERASCHECK_CACHE_DIR")
    os.environ["KERASCHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("kerascheck_cache"))
    yield
    if previous is None:
        os.environ.pop("KERASCHECK_CACHE_DIR", None)
    else:
        os.environ["KERASCHECK_CACHE_DIR"] = previous


@pytest.fixture
def default_cache_location(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of where the cache goes when nothing says where."""
    monkeypatch.delenv("KERASCHECK_CACHE_DIR", raising=False)
