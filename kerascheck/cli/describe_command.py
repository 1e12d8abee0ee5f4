"""`kerascheck describe FILE`: the models, shapes, compile settings and data kerascheck read."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import libcst as cst

from kerascheck.engine.check import PARSE_ERRORS, decode, parse
from kerascheck.engine.positions import Locator
from kerascheck.model.description import DataFacts, FileModel, Fit, Model, SourceLocation
from kerascheck.model.values import CallValue, Ref, Repeated, is_unknown
from kerascheck.read.notebook import NotebookError, join_cells
from kerascheck.read.reader import read_module

_CODE_WIDTH = 60
_INPUTS = ("keras.Input", "keras.layers.InputLayer")
_READ_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    NotebookError,
    UnicodeDecodeError,
    *PARSE_ERRORS,
)


def shape_text(shape: Any) -> str:
    if shape is None:
        return "?"
    if any(isinstance(d, list | tuple) for d in shape):
        return " + ".join(shape_text(s) for s in shape)
    dims = ["None" if d is None else str(d) for d in shape]
    return f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"


def value_text(value: Any) -> Any:
    """A compile argument as JSON-ready data, spelled as the source spells it."""
    if is_unknown(value):
        return "?"
    if isinstance(value, Ref):
        return value.raw
    if isinstance(value, CallValue):
        inner = [str(value_text(a)) for a in value.args]
        inner += [f"{k}={value_text(v)}" for k, v in value.kwargs.items()]
        return f"{value.raw}({', '.join(inner)})"
    if isinstance(value, list | tuple):
        return [value_text(v) for v in value]
    if isinstance(value, dict):
        return {str(k): value_text(v) for k, v in value.items()}
    if isinstance(value, Repeated):
        return "?"
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return "?"


def data_dict(facts: DataFacts | None) -> dict[str, Any] | None:
    if facts is None:
        return None
    out: dict[str, Any] = {"shape": None if facts.shape is None else list(facts.shape)}
    for name in ("dtype", "scale", "labels", "classes", "source"):
        value = getattr(facts, name)
        if value not in (None, ""):
            out[name] = value
    return out


def describe_file(file: FileModel, line_of: Callable[[Any], str]) -> dict[str, Any]:
    return {"path": file.path, "models": [_model(m, file, line_of) for m in file.models]}


def _model(model: Model, file: FileModel, line_of: Callable[[Any], str]) -> dict[str, Any]:
    layers = []
    for index, layer in enumerate(model.layers):
        node = layer.node
        code = layer.short
        if isinstance(node, cst.CSTNode):
            code = " ".join(file.module.code_for_node(node).split())
            if len(code) > _CODE_WIDTH:
                code = code[: _CODE_WIDTH - 3] + "..."
        layers.append(
            {
                "index": index,
                "class": layer.cls,
                "code": code,
                "line": line_of(node),
                "input_shape": _shape_data(layer.input_shape),
                "output_shape": _shape_data(layer.output_shape),
            }
        )
    compile_ = model.compile
    return {
        "name": model.var,
        "kind": model.kind,
        "line": line_of(model.node),
        "complete": model.complete,
        "layers": layers,
        "compile": None
        if compile_ is None
        else {
            "line": line_of(compile_.node),
            "optimizer": value_text(compile_.optimizer),
            "loss": value_text(compile_.loss),
            "metrics": value_text(compile_.metrics),
        },
        "fits": [_fit(fit, line_of) for fit in model.fits],
    }


def _fit(fit: Fit, line_of: Callable[[Any], str]) -> dict[str, Any]:
    return {
        "method": fit.method,
        "line": line_of(fit.node),
        "x": data_dict(fit.x),
        "y": data_dict(fit.y),
    }


def _shape_data(shape: Any) -> Any:
    if shape is None:
        return None
    if isinstance(shape, list):
        return [_shape_data(s) for s in shape]
    return list(shape)


def _data_text(data: dict[str, Any] | None) -> str:
    if data is None:
        return "not known"
    parts = [shape_text(data["shape"])]
    if "dtype" in data:
        parts.append(str(data["dtype"]))
    if "scale" in data:
        parts.append("raw 0..255 pixels" if data["scale"] == "0-255" else str(data["scale"]))
    if "labels" in data:
        classes = f", {data['classes']} classes" if "classes" in data else ""
        parts.append(f"{data['labels']} labels{classes}")
    if "source" in data:
        parts.append(f"from {data['source']}")
    return ", ".join(parts)


def render(description: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not description["models"]:
        console.print(f"{description['path']}: no Keras model found")
        return
    for model in description["models"]:
        name = model["name"] or "(unnamed)"
        title = f"{description['path']}:{model['line']}  {name}  ({model['kind']})"
        if not model["complete"]:
            title += "  [not fully read]"
        table = Table(title=title, title_justify="left")
        for column in ("#", "line", "layer", "input shape", "output shape"):
            table.add_column(column, no_wrap=column != "layer")
        for layer in model["layers"]:
            table.add_row(
                str(layer["index"]),
                layer["line"],
                layer["code"],
                "-" if layer["class"] in _INPUTS else shape_text(layer["input_shape"]),
                shape_text(layer["output_shape"]),
            )
        console.print(table)
        compile_ = model["compile"]
        if compile_ is not None:
            console.print(
                f"  compile (line {compile_['line']}): loss={compile_['loss']!r} "
                f"optimizer={compile_['optimizer']!r} metrics={compile_['metrics']!r}",
                markup=False,
                highlight=False,
            )
        for fit in model["fits"]:
            console.print(f"  {fit['method']} (line {fit['line']}):", markup=False)
            console.print(f"    x: {_data_text(fit['x'])}", markup=False, highlight=False)
            console.print(f"    y: {_data_text(fit['y'])}", markup=False, highlight=False)
        console.print()


def read_path(path: str) -> tuple[FileModel, Callable[[Any], str]]:
    """Read one .py file or notebook; the model description and a node -> line function."""
    data = Path(path).read_bytes()
    cells = None
    if path.endswith(".ipynb"):
        joined = join_cells(data)
        text, cells = joined.text, joined.lines
    else:
        text = decode(data)
    module = parse(text)
    file = read_module(module, path)
    locator = Locator(module, text, file.anchors)

    def line_of(node: Any) -> str:
        if isinstance(node, SourceLocation):
            return str(node.line)
        try:
            line = locator.span(node).line
        except KeyError:
            return "?"
        if cells is not None and 0 < line <= len(cells):
            cell, number = cells[line - 1]
            return f"cell {cell}:{number}"
        return str(line)

    return file, line_of


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
def describe(paths: tuple[str, ...], fmt: str) -> None:
    """Show what kerascheck read: models, layer shapes, compile settings and the data fed."""
    results = []
    failed = False
    for path in paths:
        try:
            file, line_of = read_path(path)
        except _READ_ERRORS as exc:
            click.echo(f"{path}: could not read: {exc}", err=True)
            failed = True
            continue
        results.append(describe_file(file, line_of))
    if fmt == "json":
        single = len(paths) == 1
        click.echo(json.dumps(results[0] if single and results else results, indent=2))
    else:
        for description in results:
            render(description)
    if failed:
        sys.exit(1)
