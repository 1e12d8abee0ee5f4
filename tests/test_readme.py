"""The README stays true: its rules table is current and its first commands are the set-up."""

from __future__ import annotations

import re
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


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_release_tag_and_repository_url_are_the_same_everywhere() -> None:
    from kerascheck import __version__
    from kerascheck.report.rule_docs import REPOSITORY_URL

    readme = _readme()
    assert f"rev: v{__version__}\n" in readme
    tags = set(re.findall(r"@(v\d+\.\d+\.\d+)\b", readme))
    assert tags == {f"v{__version__}"}, tags
    urls = set(re.findall(r"https://github\.com/[\w.-]+/kerascheck", readme))
    assert urls == {REPOSITORY_URL}, urls


def test_github_actions_snippet_can_upload_sarif_in_a_private_repository() -> None:
    import yaml

    block = _readme().split("\n## GitHub Actions\n", 1)[1].split("```yaml\n", 1)[1]
    workflow = yaml.safe_load(block.split("\n```", 1)[0])
    permissions = workflow["jobs"]["kerascheck"]["permissions"]
    assert permissions == {"contents": "read", "actions": "read", "security-events": "write"}
