"""GitLab code quality (the Code Climate issue list), for merge request widgets."""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from kerascheck.model.results import Diagnostic, FileError, RunResult, Severity
from kerascheck.report.source_lines import line_text, notebook_file_line

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def _path(path: str) -> str:
    """Relative to the working directory (the repository root in CI), with `/`."""
    candidate = Path(path)
    if candidate.is_absolute():
        with contextlib.suppress(ValueError):
            candidate = candidate.relative_to(Path.cwd())
    return candidate.as_posix()


def _line(path: str, cell: int | None, line: int | None) -> int:
    """The line of the file itself; a notebook cell's line is found in the .ipynb."""
    if line is None:
        return 1
    if cell is None:
        return line
    return notebook_file_line(path, cell, line) or 1


def _fingerprint(*parts: object) -> str:
    # Stable across unrelated edits: the code, the file and the reported line's text, not its
    # number; the occurrence keeps identical lines apart.
    return hashlib.sha256("\0".join(map(str, parts)).encode("utf-8")).hexdigest()


def _where(cell: int | None, line: int | None, column: int | None) -> str:
    if cell is None:
        return ""
    return f" (cell {cell}, line {line}, column {column})" if line else f" (cell {cell})"


def issue(d: Diagnostic, occurrence: int) -> dict[str, Any]:
    text = " ".join(line_text(d.path, d.cell, d.line).split())
    begin = _line(d.path, d.cell, d.line)
    end = begin if d.cell is not None else max(d.end_line, d.line)
    return {
        "type": "issue",
        "check_name": d.code,
        "description": f"{d.code} {d.message}{_where(d.cell, d.line, d.column)}",
        "categories": ["Bug Risk"],
        "severity": _SEVERITY[d.severity],
        "fingerprint": _fingerprint(d.code, _path(d.path), text, occurrence),
        "location": {"path": _path(d.path), "lines": {"begin": begin, "end": end}},
    }


def error_issue(e: FileError) -> dict[str, Any]:
    begin = _line(e.path, e.cell, e.line)
    return {
        "type": "issue",
        "check_name": "kerascheck/file-error",
        "description": f"{e.message}{_where(e.cell, e.line, e.column)}",
        "categories": ["Bug Risk"],
        "severity": "critical" if e.internal else "major",
        "fingerprint": _fingerprint("error", _path(e.path), e.message),
        "location": {"path": _path(e.path), "lines": {"begin": begin, "end": begin}},
    }


def as_list(result: RunResult) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for d in result.diagnostics:
        key = (d.code, d.path, " ".join(line_text(d.path, d.cell, d.line).split()))
        seen[key] = seen.get(key, -1) + 1
        out.append(issue(d, seen[key]))
    out += [error_issue(e) for e in result.errors]
    return out


def render(result: RunResult) -> str:
    return json.dumps(as_list(result), indent=2, ensure_ascii=False) + "\n"
