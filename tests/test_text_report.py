"""The text report: written without rich when nothing is coloured, byte for byte as rich writes it."""

from __future__ import annotations

import dataclasses
import io
import sys

from conftest import FIXTURES

from kerascheck import api
from kerascheck.model.results import FileError, RunResult
from kerascheck.report import text


def _fixture_results() -> RunResult:
    paths = sorted(str(p) for p in FIXTURES.rglob("*") if p.suffix in (".py", ".ipynb"))
    return api.check_paths(paths)


def _with_odd_text(result: RunResult) -> RunResult:
    """Messages and errors with what rich leaves out or lays out itself."""
    file = next(f for f in result.files if f.diagnostics)
    first = file.diagnostics[0]
    file.diagnostics[0] = dataclasses.replace(
        first, message="a form feed \x0c, a bell \x07, a CR \r, wide 漢字 and trailing  "
    )
    file.errors.append(FileError(file.path, "could not parse: \x0b\nsecond line", 3, 4))
    return result


def _both(result: RunResult, quiet: bool = False) -> tuple[str, str]:
    printed = list(text.layout(result, quiet))
    plain, rich = io.StringIO(), io.StringIO()
    text.write_plain(printed, plain)
    text.write_rich(printed, rich, color=False)
    return plain.getvalue(), rich.getvalue()


def test_plain_text_is_what_rich_writes() -> None:
    result = _with_odd_text(_fixture_results())
    assert result.diagnostics and result.errors
    for quiet in (False, True):
        plain, rich = _both(result, quiet)
        assert "\x0c" not in plain and "漢字" in plain
        assert plain == rich


def test_a_report_without_colour_does_not_load_rich(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    result = _fixture_results()
    monkeypatch.setitem(sys.modules, "rich.console", None)  # importing it now fails
    stream = io.StringIO()
    text.render(result, stream=stream, color=False)
    assert stream.getvalue().endswith(text.summary(result) + "\n")


def test_tabs_are_left_to_rich() -> None:
    result = _fixture_results()
    file = next(f for f in result.files if f.diagnostics)
    file.diagnostics[0] = dataclasses.replace(file.diagnostics[0], message="x\ty")
    stream = io.StringIO()
    text.render(result, stream=stream, color=False)
    out = stream.getvalue()
    code = file.diagnostics[0].code
    line = next(line for line in out.splitlines() if f"{code} x " in line)
    assert "\t" not in out and line.rstrip().endswith("y")
    assert line.rindex("y") % 8 == 0  # to the next tab stop
