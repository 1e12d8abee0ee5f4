"""JUnit XML for CI systems that show test reports: a test suite per file, a failure a finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from kerascheck.model.results import Diagnostic, FileError, RunResult
from kerascheck.report.concise import location

# Characters XML 1.0 cannot hold, even escaped: a message quoting odd source must not break it.
_ILLEGAL = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def _clean(text: str) -> str:
    return text.translate(_ILLEGAL)


def _where(path: str, line: int | None, column: int | None, cell: int | None) -> str:
    return location(path, line, column, cell)


def _failure(suite: ET.Element, d: Diagnostic) -> None:
    where = _where(d.path, d.line, d.column, d.cell)
    case = ET.SubElement(
        suite,
        "testcase",
        name=_clean(f"{d.code} at {where}"),
        classname=_clean(d.path),
        file=_clean(d.path),
        line=str(d.line),
    )
    failure = ET.SubElement(
        case, "failure", message=_clean(f"{d.code} {d.message}"), type=_clean(d.code)
    )
    fix = f"\nfix ({d.fix.applicability.value}): {d.fix.description}" if d.fix else ""
    failure.text = _clean(f"{where}: {d.code} ({d.name}) {d.message}{fix}")


def _error(suite: ET.Element, e: FileError) -> None:
    where = _where(e.path, e.line, e.column, e.cell)
    case = ET.SubElement(
        suite, "testcase", name=_clean(f"error at {where}"), classname=_clean(e.path)
    )
    if e.line is not None:
        case.set("line", str(e.line))
    error = ET.SubElement(case, "error", message=_clean(e.message), type=e.code or "error")
    error.text = _clean(f"{where}: {e.message}")


def render(result: RunResult) -> str:
    diagnostics: dict[str, list[Diagnostic]] = defaultdict(list)
    errors: dict[str, list[FileError]] = defaultdict(list)
    for d in result.diagnostics:
        diagnostics[d.path].append(d)
    for e in result.errors:
        errors[e.path].append(e)
    paths = sorted({f.path for f in result.files} | set(diagnostics) | set(errors))
    root = ET.Element("testsuites", name="kerascheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path in paths:
        found, broken = diagnostics.get(path, []), errors.get(path, [])
        suite = ET.SubElement(root, "testsuite", name=_clean(path))
        for d in found:
            _failure(suite, d)
        for e in broken:
            _error(suite, e)
        if not found and not broken:
            ET.SubElement(suite, "testcase", name="kerascheck", classname=_clean(path))
        counts = {
            "tests": max(1, len(found) + len(broken)),
            "failures": len(found),
            "errors": len(broken),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
