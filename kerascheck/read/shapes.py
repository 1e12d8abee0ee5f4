"""Propagate tensor shapes through each model's layer graph, filling Layer input/output shapes."""

from __future__ import annotations

from kerascheck.knowledge.layer_shapes import Shape, declared_input, output_shape
from kerascheck.model.description import FileModel, Layer, Model

_INPUT_LAYERS = frozenset({"keras.Input", "keras.layers.InputLayer"})


def infer_shapes(file: FileModel) -> None:
    for model in file.models:
        if model.kind != "subclassed":
            propagate(model)


def propagate(model: Model, first_input: Shape | None = None) -> None:
    """Fill the shapes of one model; `first_input` seeds a Sequential model with no declared input.

    A layer whose shape function is not known makes every shape after it unknown. So does a
    layer that may not run (made in an `if` arm, or in a loop of unknown count) when it
    changes the shape: what follows it depends on whether it ran.
    """
    if not model.layers:
        return
    if first_input is not None:
        for layer in model.layers:
            layer.input_shape = layer.output_shape = None
    base = len(model.layers[0].branch)
    # The shape each layer hands on: its output when it certainly runs as written.
    carried: list[Shape | None] = [None] * len(model.layers)
    predecessors: dict[int, list[int]] = {}
    for a, b in model.edges:
        predecessors.setdefault(b, []).append(a)
    gaps = set(model.gaps)
    for index, layer in enumerate(model.layers):
        before = predecessors.get(index, [])
        inputs: list[Shape | None]
        if layer.cls in _INPUT_LAYERS:
            inputs = []
            out = declared_input(layer)
            _set(layer, None, out)
            carried[index] = out
            continue
        if index in gaps:
            inputs = [None]
        elif before:
            inputs = [carried[i] for i in before]
        elif model.kind == "sequential" and index == 0:
            inputs = [declared_input(layer) or first_input]
        else:
            inputs = [None]
        out = _apply(layer, inputs)
        _set(layer, inputs[0] if len(inputs) == 1 else list(inputs), out)
        conditional = len(layer.branch) > base or layer.repeat is None
        carried[index] = out if not conditional or out == inputs[0] else None
        if layer.repeat == 0:
            carried[index] = inputs[0] if len(inputs) == 1 else None


def _apply(layer: Layer, inputs: list[Shape | None]) -> Shape | None:
    if isinstance(layer.repeat, int) and layer.repeat > 1:
        shape = inputs[0] if len(inputs) == 1 else None
        for _ in range(min(layer.repeat, 64)):
            shape = output_shape(layer, [shape])
        return shape
    return output_shape(layer, inputs)


def _set(layer: Layer, inputs: object, out: Shape | None) -> None:
    # A layer object can sit in several models (a shared encoder): keep what one knew.
    if layer.output_shape is None:
        layer.input_shape = inputs
        layer.output_shape = out
