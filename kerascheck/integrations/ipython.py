"""`%load_ext kerascheck`: check each executed cell with the cells run before it, in IPython."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from typing import Any

from kerascheck.api import check_cells, default_settings
from kerascheck.model.results import Diagnostic, FileError, FileResult, Severity
from kerascheck.model.settings import Settings
from kerascheck.report.rule_docs import page_url
from kerascheck.run.config import ConfigError, Overrides, Resolver

_COLOURS = {Severity.ERROR: "#c62828", Severity.WARNING: "#b26a00", Severity.INFO: "#1565c0"}


@dataclass
class Report:
    """Findings shown under a cell: HTML in Jupyter, plain text in a terminal."""

    diagnostics: list[Diagnostic]
    errors: list[FileError]
    labels: list[str]
    sources: list[str]
    heading: str = ""

    def _where(self, cell: int | None, line: int | None, column: int | None) -> str:
        label = self.labels[cell - 1] if cell is not None and 0 < cell <= len(self.labels) else ""
        at = f"line {line}" if line is not None else ""
        if line is not None and column is not None:
            at += f", column {column}"
        return ", ".join(part for part in (label, at) if part)

    def _code_line(self, d: Diagnostic) -> str:
        if d.cell is None or not 0 < d.cell <= len(self.sources):
            return ""
        lines = self.sources[d.cell - 1].splitlines()
        return lines[d.line - 1].strip() if 0 < d.line <= len(lines) else ""

    def __repr__(self) -> str:
        out = [self.heading] if self.heading else []
        for d in self.diagnostics:
            out.append(
                f"kerascheck {d.code} ({self._where(d.cell, d.line, d.column)}): {d.message}"
            )
            code = self._code_line(d)
            if code:
                out.append(f"    {code}")
            out.append(f"    docs: {page_url(d.code)}")
        for e in self.errors:
            out.append(f"kerascheck error ({self._where(e.cell, e.line, e.column)}): {e.message}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        rows = []
        if self.heading:
            rows.append(f"<div><b>{html.escape(self.heading)}</b></div>")
        for d in self.diagnostics:
            colour = _COLOURS[d.severity]
            url = html.escape(page_url(d.code) or "", quote=True)
            code = self._code_line(d)
            frame = f"<pre style='margin:2px 0 0 1.5em'>{html.escape(code)}</pre>" if code else ""
            rows.append(
                "<div style='margin:4px 0'>"
                f"<a href='{url}' target='_blank' style='color:{colour};font-weight:bold'>"
                f"{html.escape(d.code)}</a> "
                f"<span style='color:#666'>{html.escape(self._where(d.cell, d.line, d.column))}"
                f"</span>: {html.escape(d.message)}{frame}</div>"
            )
        for e in self.errors:
            where = html.escape(self._where(e.cell, e.line, e.column))
            rows.append(
                f"<div style='margin:4px 0'><b style='color:{_COLOURS[Severity.ERROR]}'>error</b> "
                f"<span style='color:#666'>{where}</span>: {html.escape(e.message)}</div>"
            )
        return "<div class='kerascheck'>" + "".join(rows) + "</div>"


@dataclass
class Session:
    """The cells run so far (with their `In [n]` labels) and what was already shown."""

    settings: Settings
    path: str
    sources: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    shown: set[tuple[str, int | None, int, int, str]] = field(default_factory=set)
    enabled: bool = True

    def add(self, source: str, count: int | None) -> None:
        self.sources.append(source)
        self.labels.append(f"In [{count}]" if count is not None else f"cell {len(self.sources)}")

    def check(self) -> FileResult:
        return check_cells(self.sources, self.path, self.settings)

    def after_cell(self, source: str, count: int | None) -> Report | None:
        """Check the new cell with the ones before it; the findings not shown before."""
        self.add(source, count)
        result = self.check()
        new = [d for d in result.diagnostics if _key(d) not in self.shown]
        self.shown.update(_key(d) for d in new)
        last = len(self.sources)
        errors = [e for e in result.errors if e.cell == last]
        if not new and not errors:
            return None
        return Report(new, errors, list(self.labels), list(self.sources))

    def whole(self) -> Report:
        result = self.check()
        self.shown.update(_key(d) for d in result.diagnostics)
        n = len(result.diagnostics)
        heading = f"kerascheck: {n} finding{'s' if n != 1 else ''} in {len(self.sources)} cells run"
        return Report(
            result.diagnostics, result.errors, list(self.labels), list(self.sources), heading
        )


def _key(d: Diagnostic) -> tuple[str, int | None, int, int, str]:
    return (d.code, d.cell, d.line, d.column, d.message)


def settings_for(folder: str) -> tuple[Settings, str]:
    """The configuration of a notebook in `folder` (its pyproject.toml or kerascheck.toml)."""
    path = os.path.join(folder, "notebook.ipynb")
    try:
        return Resolver(Overrides()).for_path(path).settings_for(path), path
    except ConfigError as exc:
        print(f"kerascheck: {exc}; checking with the default rules")
        return default_settings(), path


# By shell: its session and its cell hook (to unregister on unload).
_SESSIONS: dict[int, Session] = {}
_HOOKS: dict[int, Any] = {}


def _own_magic(source: str) -> bool:
    text = source.strip()
    return text.startswith(("%kerascheck", "%load_ext kerascheck", "%reload_ext kerascheck"))


def load(ip: Any) -> None:
    """Register the cell hook and the `%kerascheck` magic on an InteractiveShell."""
    if id(ip) in _SESSIONS:
        return
    settings, path = settings_for(os.getcwd())
    session = _SESSIONS[id(ip)] = Session(settings, path)
    # The cells run before the extension was loaded are context too.
    history = list(getattr(ip.history_manager, "input_hist_raw", []) or [])
    current = getattr(ip, "execution_count", len(history))
    for count in range(1, min(current, len(history))):
        if history[count].strip() and not _own_magic(history[count]):
            session.add(history[count], count)

    def post_run_cell(result: Any) -> None:
        info = result.info
        source = getattr(info, "raw_cell", "") or ""
        if not session.enabled or not source.strip() or _own_magic(source):
            return
        if result.error_before_exec is not None:
            return  # never ran: no context for later cells
        report = session.after_cell(source, result.execution_count)
        if report is not None:
            _show(report)

    def magic(line: str) -> None:
        """%kerascheck: check every cell run so far. `%kerascheck off` / `on`: pause the hook."""
        word = line.strip().lower()
        if word in ("off", "on"):
            session.enabled = word == "on"
            print(f"kerascheck: checking each cell {'on' if session.enabled else 'off'}")
            return
        _show(session.whole())

    ip.events.register("post_run_cell", post_run_cell)
    ip.register_magic_function(magic, "line", "kerascheck")
    _HOOKS[id(ip)] = post_run_cell


def unload(ip: Any) -> None:
    hook = _HOOKS.pop(id(ip), None)
    if hook is not None:
        ip.events.unregister("post_run_cell", hook)
    _SESSIONS.pop(id(ip), None)


def _show(report: Report) -> None:
    # Imported when shown: the module is loaded by IPython itself, but stays importable (and
    # testable) without it.
    from IPython.display import display

    display(report)  # type: ignore[no-untyped-call]
