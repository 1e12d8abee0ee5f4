"""The README stays true: its rules table is current and its first commands are the set-up."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_rules_table_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_readme_rules.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, "run `python scripts/gen_readme_rules.py` to refresh README.md"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```bash\n")
    run_fixtures, run_tests = (block.split("\n```", 1)[0].strip() for block in blocks[1:3])
    assert "kerascheck fixtures/" in run_fixtures and "kerascheck run" in run_fixtures
    assert "pytest" in run_tests
    assert run_tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_rule_pages_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, (
        f"{proc.stdout}run `python scripts/gen_rule_docs.py` to refresh docs/rules/"
    )
