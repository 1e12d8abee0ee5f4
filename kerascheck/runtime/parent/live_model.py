"""The live model as the static rules read it, so they also check models built by opaque code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kerascheck.engine.check import check_text, parse, run_rules
from kerascheck.engine.positions import Locator
from kerascheck.model.description import FileModel, Layer, Model, SourceLocation
from kerascheck.model.results import Diagnostic, FileResult
from kerascheck.model.settings import Settings
from kerascheck.model.values import CallValue
from kerascheck.read.reader import read_module

# Config keys every layer has that say nothing about how it was written.
BOOKKEEPING = frozenset({"name", "trainable", "dtype", "batch_shape", "sparse", "ragged"})


def live_value(value: Any) -> Any:
    """A serialized Keras object (`{"module", "class_name", "config"}`) reads as a call."""
    if isinstance(value, dict) and "class_name" in value and "module" in value:
        config = value.get("config")
        kwargs = {k: live_value(v) for k, v in config.items()} if isinstance(config, dict) else {}
        module = str(value["module"] or "keras")
        return CallValue(
            callee=f"{module}.{value['class_name']}",
            raw=str(value["class_name"]),
            args=(),
            kwargs=kwargs,
        )
    if isinstance(value, list):
        return tuple(live_value(v) for v in value)
    return value


def _location(found: dict[str, Any] | None, fallback: SourceLocation) -> SourceLocation:
    if not found:
        return fallback
    return SourceLocation(str(found["path"]), int(found["line"]))


def live_model(description: Mapping[str, Any], path: str) -> Model:
    """One described live model as a `kerascheck.types.Model`, its nodes at creation lines."""
    home = _location(description.get("location"), SourceLocation(path, 1))
    layers = []
    for seq, entry in enumerate(description.get("layers") or []):
        config = entry.get("config") or {}
        layers.append(
            Layer(
                cls=str(entry["class"]),
                raw=str(entry["class"]).rsplit(".", 1)[-1],
                args=(),
                kwargs={k: live_value(v) for k, v in config.items() if k not in BOOKKEEPING},
                node=_location(entry.get("location"), home),
                var=entry.get("name"),
                seq=seq,
            )
        )
    return Model(
        kind=description.get("kind", "functional"),
        var=description.get("name"),
        node=home,
        layers=layers,
        edges=[(int(a), int(b)) for a, b in description.get("edges") or []],
        inputs=list(description.get("inputs") or []),
        outputs=list(description.get("outputs") or []),
    )


def live_file_model(path: str, descriptions: Sequence[Mapping[str, Any]]) -> FileModel | None:
    """The file read statically, with the live models in place of the ones read from syntax."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    file = read_module(parse(text), path)
    file.models = [live_model(d, path) for d in descriptions if _in_file(d, path)]
    return file if file.models else None


def _in_file(description: Mapping[str, Any], path: str) -> bool:
    located = [layer.get("location") for layer in description.get("layers") or []]
    return any(loc and loc["path"] == path and not loc.get("cell") for loc in located)


def static_rules_on_live_models(
    path: str, descriptions: Sequence[Mapping[str, Any]], settings: Settings
) -> list[Diagnostic]:
    """Static findings on the live models that a static read of the file alone does not give:
    the same rule runner and settings as `kerascheck check`, on the same model description."""
    file = live_file_model(path, descriptions)
    if file is None:
        return []
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    already = {(d.code, d.line) for d in check_text(text, path, settings).diagnostics}
    live = FileResult(path=path)
    run_rules(file, settings, Locator(file.module, text, {}), live)
    return [d for d in live.diagnostics if (d.code, d.line) not in already]
