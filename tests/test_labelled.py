"""The labelled programs: every fault found at its line, nothing of the new rules elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT

from kerascheck.api import check_file
from kerascheck.engine.registry import all_rules
from kerascheck.model.settings import Settings

PROGRAMS = ROOT / "tests" / "labelled" / "programs"
# The rules these programs were written for (also those off by default).
CODES = ("KC210", "KC211", "KC212", "KC213", "KC214", "KC310", "KC311", "KC312", "KC313", "KC701")
SETTINGS = Settings(rules=[all_rules()[code] for code in CODES])
MARKER = re.compile(r"#\s*fault:\s*(KC\d{3})")

Place = tuple[int | None, int, str]


def expected(path: Path) -> set[Place]:
    """(cell, line, code) of every `# fault:` marker; cell None in a .py file."""
    out: set[Place] = set()
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells, start=1):
            for number, line in enumerate("".join(cell["source"]).splitlines(), start=1):
                out.update((index, number, code) for code in MARKER.findall(line))
    else:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            out.update((None, number, code) for code in MARKER.findall(line))
    return out


def found(path: Path) -> set[Place]:
    result = check_file(str(path), SETTINGS)
    assert not result.errors, result.errors
    return {(d.cell, d.line, d.code) for d in result.diagnostics if d.code in CODES}


BAD = sorted(PROGRAMS.glob("*.bad.*"))
FIXED = sorted(PROGRAMS.glob("*.fixed.*"))


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_fault_found_at_its_line(path: Path) -> None:
    marks = expected(path)
    assert len(marks) == 1, f"{path.name} should mark exactly one fault"
    assert found(path) == marks


@pytest.mark.parametrize("path", FIXED, ids=[p.name for p in FIXED])
def test_fixed_twin_is_clean(path: Path) -> None:
    assert not expected(path), f"{path.name} is a fixed twin and marks a fault"
    assert found(path) == set()


def test_every_program_has_its_twin_and_the_set_is_broad() -> None:
    bad = {p.name.replace(".bad.", ".") for p in BAD}
    fixed = {p.name.replace(".fixed.", ".") for p in FIXED}
    assert bad == fixed
    assert len(bad) >= 60
    codes = {code for path in BAD for _, _, code in expected(path)}
    assert codes == set(CODES)
    assert any(p.suffix == ".ipynb" for p in BAD)
