"""The JSON report: exactly one object on stdout."""

from __future__ import annotations

import json
from typing import Any

from kerascheck import __version__
from kerascheck.model.results import RunResult


def as_dict(result: RunResult) -> dict[str, Any]:
    return {
        "version": __version__,
        "files_checked": result.files_checked,
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "errors": [e.to_json() for e in result.errors],
    }


def render(result: RunResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"
