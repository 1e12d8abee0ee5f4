"""The fixtures derived from the notes, checked against the findings marked in them.

A line ending in `# error: KC101, KC402` must be reported with exactly those codes, and no
other line of a file in fixtures/static/ may be reported at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, run_json

MARKER = re.compile(r"#\s*error:\s*([A-Z0-9, ]+)\s*$")
STATIC = sorted((FIXTURES / "static").glob("*.py"))


def expected(path: Path) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            out |= {(number, code.strip()) for code in match.group(1).split(",") if code.strip()}
    return out


@pytest.fixture(scope="module")
def static_report() -> dict[str, object]:
    code, report = run_json(str(FIXTURES / "static"))
    assert code in (0, 1), report
    return report


@pytest.mark.parametrize("path", STATIC, ids=[p.name for p in STATIC])
def test_fixture_findings_match_markers(path: Path, static_report: dict[str, object]) -> None:
    diagnostics = static_report["diagnostics"]
    assert isinstance(diagnostics, list)
    got = {(d["line"], d["code"]) for d in diagnostics if Path(d["path"]).name == path.name}
    assert got == expected(path)


def test_static_fixtures_parse(static_report: dict[str, object]) -> None:
    assert static_report["errors"] == []
    assert static_report["files_checked"] == len(STATIC)


def test_every_fixture_folder_checks_without_internal_error() -> None:
    code, report = run_json(str(FIXTURES))
    assert code in (0, 1)
    assert all("internal error" not in e["message"] for e in report["errors"]), report["errors"]
