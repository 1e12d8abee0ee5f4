"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kerascheck import __version__
from kerascheck.engine.registry import RUNTIME_CODES, all_rules
from kerascheck.model.results import Diagnostic, FileError, RunResult, Severity
from kerascheck.model.rule import Rule
from kerascheck.report.fix_changes import fix_replacements
from kerascheck.report.rule_docs import page_url
from kerascheck.report.source_lines import line_text, notebook_file_line

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/kerascheck/"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Bump when the fingerprint recipe changes, so dashboards do not match old and new by mistake.
FINGERPRINT_KEY = "kerascheck/v1"


def rule_descriptor(code: str) -> dict[str, Any]:
    """A `reportingDescriptor`: from the rule's own docs, or the runtime check's name."""
    rule = all_rules().get(code)
    url = page_url(code)
    if rule is None:
        name = RUNTIME_CODES.get(code, code.lower())
        text = f"Runtime check (kerascheck run): {name.replace('-', ' ')}."
        return {
            "id": code,
            "name": name,
            **({"helpUri": url} if url else {}),
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": f"kerascheck run reports {code} ({name}) after a short training."},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["keras", "runtime"]},
        }
    return {**_static_descriptor(rule), "helpUri": url}


def _static_descriptor(rule: type[Rule]) -> dict[str, Any]:
    docs = rule.docs()
    what = docs.get("What it does") or rule.summary
    why = docs.get("Why is this bad?", "")
    markdown = [f"# {rule.code} {rule.name}", rule.summary]
    markdown += [
        f"## {title}\n\n{body}" for title, body in docs.items() if title != "summary" and body
    ]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what},
        "help": {
            "text": "\n\n".join(part for part in (what, why) if part),
            "markdown": "\n\n".join(markdown),
        },
        "defaultConfiguration": {
            "level": _LEVEL[rule.severity],
            "enabled": rule.default_enabled,
        },
        "properties": {"tags": ["keras", "static"]},
    }


def artifact_location(path: str) -> dict[str, str]:
    """Relative to %SRCROOT% (the working directory) where possible, as code scanning wants."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return {"uri": candidate.as_uri()}
    return {"uri": quote(candidate.as_posix()), "uriBaseId": SRCROOT}


def fingerprint(d: Diagnostic, occurrence: int) -> str:
    """Stable while unrelated lines move: rule, file, the reported line's text, occurrence."""
    text = " ".join(line_text(d.path, d.cell, d.line).split())
    key = "\0".join((d.code, d.path.replace(os.sep, "/"), text, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _region(d: Diagnostic) -> dict[str, int]:
    return {
        "startLine": d.line,
        "startColumn": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
    }


def result_entry(
    d: Diagnostic, rule_index: int, occurrence: int, replacements: list[dict[str, Any]] | None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(d.path)}
    message = d.message
    properties: dict[str, Any] = {"name": d.name}
    if d.cell is None:
        physical["region"] = _region(d)
    else:
        # A cell's lines are JSON strings of the .ipynb file: the region is the file's line
        # that holds the reported one, and the message and properties say where in the cell.
        file_line = notebook_file_line(d.path, d.cell, d.line)
        if file_line is not None:
            physical["region"] = {"startLine": file_line}
        message = f"cell {d.cell}, line {d.line}, column {d.column}: {message}"
        properties.update(cell=d.cell, cellRegion=_region(d))
    entry: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(d, occurrence)},
        "properties": properties,
    }
    if d.fix is not None:
        properties["fix"] = {
            "applicability": d.fix.applicability.value,
            "description": d.fix.description,
        }
        if replacements:
            changes = [
                {"artifactLocation": artifact_location(d.path), "replacements": replacements}
            ]
            entry["fixes"] = [
                {"description": {"text": d.fix.description}, "artifactChanges": changes}
            ]
    return entry


def notification(e: FileError) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(e.path)}
    message = e.message
    if e.cell is not None:
        message = f"cell {e.cell}" + (f", line {e.line}" if e.line else "") + f": {message}"
        file_line = notebook_file_line(e.path, e.cell, e.line or 1)
        if file_line is not None:
            physical["region"] = {"startLine": file_line}
    elif e.line is not None:
        physical["region"] = {
            "startLine": e.line,
            **({"startColumn": e.column} if e.column else {}),
        }
    entry: dict[str, Any] = {
        "level": "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
    }
    if e.code:
        entry["associatedRule"] = {"id": e.code}
    return entry


def as_dict(result: RunResult) -> dict[str, Any]:
    diagnostics = result.diagnostics
    codes = list(all_rules())
    codes += sorted({d.code for d in diagnostics} - set(codes))
    index = {code: i for i, code in enumerate(codes)}
    replacements = fix_replacements(diagnostics)
    seen: dict[tuple[str, str, str], int] = {}
    results = []
    for d in diagnostics:
        key = (d.code, d.path, " ".join(line_text(d.path, d.cell, d.line).split()))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(result_entry(d, index[d.code], occurrence, replacements.get(id(d))))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kerascheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(code) for code in codes],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
                "invocations": [
                    {
                        "executionSuccessful": not any(e.internal for e in result.errors),
                        "toolExecutionNotifications": [notification(e) for e in result.errors],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _directory_uri(path: Path) -> str:
    uri = path.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def render(result: RunResult) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"
