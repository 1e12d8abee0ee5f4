"""The run's report: rich text for people, one JSON object for tools."""

from __future__ import annotations

import json
import os
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kerascheck import __version__
from kerascheck.runtime.parent import checks
from kerascheck.runtime.parent.analysis import Outcome, finite_json

BAR_WIDTH = 20


def version() -> str:
    return str(__version__)


def empty_json() -> dict[str, Any]:
    return {
        "version": version(),
        "files_checked": 0,
        "diagnostics": [],
        "errors": [],
        "runtime": [],
    }


def to_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "version": version(),
        "files_checked": 1,
        "diagnostics": [d.to_json() for d in outcome.diagnostics],
        "errors": [e.to_json() for e in outcome.errors],
        "runtime": [
            finite_json(
                {
                    "target": outcome.target.display,
                    "kind": outcome.target.kind,
                    "backend": outcome.backend,
                    "device": outcome.device,
                    "seconds": round(outcome.seconds, 2),
                    "warnings": outcome.warnings,
                    "models": [_without_description(m) for m in outcome.models],
                }
            )
        ],
    }


def _without_description(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in model.items() if k != "description"}


def print_json(outcome: Outcome) -> None:
    print(json.dumps(to_json(outcome), indent=2, allow_nan=False))


def print_text(outcome: Outcome, console: Console) -> None:
    shown = _shown(outcome.target.display)
    header = f"[bold]{escape(shown)}[/]"
    if outcome.backend:
        header += f"  ({outcome.backend}, {outcome.device}, {outcome.seconds:.1f} s)"
    console.print(header)
    for error in outcome.errors:
        where = _where(error.path, error.line, error.cell)
        console.print(f"[red]error[/] {escape(where)}: {escape(error.message)}")
    by_model = _diagnostics_by_model(outcome)
    for position, model in enumerate(outcome.models):
        _print_model(console, model, by_model.get(position, []))
    unplaced = by_model.get(None, [])
    for diagnostic in unplaced:
        _print_diagnostic(console, diagnostic)
    for warning in outcome.warnings:
        console.print(f"[yellow]note[/] {escape(warning)}")
    count = len(outcome.diagnostics)
    summary = f"{count} finding{'s' if count != 1 else ''}"
    if outcome.errors:
        summary += f", {len(outcome.errors)} error{'s' if len(outcome.errors) != 1 else ''}"
    console.print(f"[bold]{summary}[/]")


def _diagnostics_by_model(outcome: Outcome) -> dict[int | None, list[Any]]:
    # A diagnostic belongs to the model whose layers or fit sit at its line.
    grouped: dict[int | None, list[Any]] = {}
    for diagnostic in outcome.diagnostics:
        owner = None
        for position, model in enumerate(outcome.models):
            lines = {
                (loc["path"], loc["line"])
                for loc in [model.get("location")]
                + [layer.get("location") for layer in model["layers"]]
                + [f.get("location") for f in model["stats"].get("fits") or []]
                if loc
            }
            if (diagnostic.path, diagnostic.line) in lines:
                owner = position
                break
        grouped.setdefault(owner, []).append(diagnostic)
    return grouped


def _shown(path: str) -> str:
    """Relative to the working folder when the file is under it, else as given."""
    if os.path.isabs(path) and path.startswith(os.getcwd() + os.sep):
        return os.path.relpath(path)
    return path


def _where(path: str, line: int | None, cell: int | None) -> str:
    shown = _shown(path)
    text = shown + (f":{line}" if line else "")
    return text + (f" (cell {cell})" if cell else "")


def _print_diagnostic(console: Console, diagnostic: Any) -> None:
    color = {"error": "red", "warning": "yellow"}.get(diagnostic.severity.value, "cyan")
    where = _where(diagnostic.path, diagnostic.line, diagnostic.cell)
    console.print(
        f"  [{color}]{diagnostic.code}[/] {escape(where)} "
        f"[dim]{diagnostic.name}[/]: {escape(diagnostic.message)}"
    )


def _print_model(console: Console, model: dict[str, Any], diagnostics: list[Any]) -> None:
    location = model.get("location")
    where = (
        f" at {_where(location['path'], location['line'], location.get('cell'))}"
        if location
        else ""
    )
    params = model.get("params")
    console.print(
        f"\n[bold]model {escape(str(model['name']))}[/] ({model.get('kind')}, "
        f"{len(model['layers'])} layers, {params if params is not None else '?'} params){escape(where)}"
    )
    console.print(f"  [dim]layers:[/] {escape(_layer_summary(model['layers']))}")
    for diagnostic in diagnostics:
        _print_diagnostic(console, diagnostic)
    selu = model["stats"].get("selu")
    if selu:
        console.print(_selu_table(selu))
    verdict = model.get("reproducibility")
    if verdict:
        console.print(f"  reproducibility: {escape(_verdict_text(verdict))}")


def _layer_summary(layers: list[dict[str, Any]]) -> str:
    """Runs of alike layers collapsed: `Flatten, Dense(selu) x51, Dense(softmax)`."""
    runs: list[list[Any]] = []
    for layer in layers:
        name = layer["class"].rsplit(".", 1)[-1]
        if layer.get("activation"):
            name += f"({layer['activation']})"
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
    return ", ".join(name + (f" x{count}" if count > 1 else "") for name, count in runs)


def _verdict_text(verdict: dict[str, Any]) -> str:
    if verdict["verdict"] == "identical":
        return "identical weights in two runs (bitwise, at initialization and after the fit)"
    if verdict["verdict"] == "differs":
        return (
            f"differs (largest difference {verdict['max_difference']:.3g}, first in "
            f"{verdict['first_layer']}, {'already at initialization' if verdict['differed_at_init'] else 'only after the fit'})"
        )
    return f"not checked: {verdict.get('note', '')}"


def _selu_table(stats: dict[str, Any]) -> Table:
    table = Table(
        title="SELU statistics on data like the input (training mode)",
        title_justify="left",
        box=None,
    )
    for column in ("layer", "init mean", "init std", "fit mean", "fit std", "std (0-2)"):
        table.add_column(column, justify="left" if column in ("layer", "std (0-2)") else "right")
    after = {e["index"]: e for e in stats.get("fit") or []}
    for entry in stats.get("init") or []:
        if entry.get("activation") != "selu":
            continue
        fitted = after.get(entry["index"], {})
        std = fitted.get("std", entry.get("std"))
        style = (
            "red" if checks.out_of_band(entry) or (fitted and checks.out_of_band(fitted)) else ""
        )
        table.add_row(
            entry["layer"],
            _number(entry.get("mean")),
            _number(entry.get("std")),
            _number(fitted.get("mean")),
            _number(fitted.get("std")),
            _bar(std),
            style=style,
        )
    return table


def _number(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-"


def _bar(std: Any) -> str:
    # A std of 1 fills half the bar; the band's edges are where the bar turns red.
    if not isinstance(std, float) or std != std:
        return "?"
    filled = max(0, min(BAR_WIDTH, round(std / 2 * BAR_WIDTH)))
    return "█" * filled + "·" * (BAR_WIDTH - filled) + ("▶" if std > 2 else "")
