"""Questions the data-aware rules ask: a model's input and output, its loss, the data it is fed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.knowledge import keras_facts as facts
from kerascheck.knowledge.layer_shapes import Shape, declared_input
from kerascheck.model.description import DataFacts, FileModel, Fit, Layer, Model
from kerascheck.model.values import is_unknown

from .arguments import argument_node
from .graph import rival_arms

_INPUT_LAYERS = frozenset({"keras.Input", "keras.layers.InputLayer"})


def connected(model: Model) -> bool:
    """Whether the reader followed the whole model: no skipped element, no dangling layer."""
    if model.kind == "subclassed" or not model.complete or model.gaps or not model.layers:
        return False
    if model.kind == "sequential":
        return True
    linked = {b for _, b in model.edges}
    return (
        all(i in linked or layer.cls in _INPUT_LAYERS for i, layer in enumerate(model.layers))
        and len(model.inputs) == 1
    )


def input_layer(model: Model) -> Layer | None:
    """The layer that declares the model's one input, if it does."""
    if model.kind == "sequential" and model.layers and not model.gaps:
        return model.layers[0]
    if model.kind == "functional" and len(model.inputs) == 1:
        return model.layers[model.inputs[0]]
    return None


def declared_shape(model: Model) -> Shape | None:
    """The input shape the code declares (never the one seeded from the data)."""
    layer = input_layer(model)
    return None if layer is None else declared_input(layer)


def single_output(file: FileModel, model: Model) -> int | None:
    """The index of the model's one output layer, when it is certain."""
    outputs = model.output_layers()
    if len(outputs) != 1 or (model.kind == "functional" and not model.complete):
        return None
    if rival_arms(file).has_alternative(model.layers[outputs[0]]):
        return None
    return outputs[0]


def loss(model: Model) -> tuple[Any, Any]:
    """(loss name, from_logits) of the model's last compile; UNKNOWN parts when not known."""
    compile_ = model.compile
    if compile_ is None or len(model.compiles) != 1:
        return None, None
    name, from_logits = facts.normalize_loss(compile_.loss)
    return (None if is_unknown(name) else name), from_logits


@dataclass(frozen=True)
class Feeding:
    """One fit() of a model, with what is known of its inputs and targets."""

    fit: Fit
    x: DataFacts | None
    y: DataFacts | None

    def x_node(self) -> cst.CSTNode:
        return argument_node(self.fit.node, "x", 0)

    def y_node(self) -> cst.CSTNode:
        node = argument_node(self.fit.node, "y", 1)
        # A dataset of (x, y) pairs carries the targets in its one argument.
        return self.x_node() if node is self.fit.node else node


def feedings(model: Model) -> Iterator[Feeding]:
    """The model's fit/train_on_batch calls where the file shows some of the data."""
    for fit in model.fits:
        if fit.method in ("fit", "train_on_batch") and (fit.x is not None or fit.y is not None):
            yield Feeding(fit, fit.x, fit.y)


def label_rank(y: DataFacts) -> int | None:
    return None if y.shape is None else len(y.shape)


def class_count(y: DataFacts) -> int | None:
    """How many classes the targets encode, when the file shows it."""
    if y.labels == "onehot":
        if y.shape is not None and y.shape[-1] is not None and len(y.shape) == 2:
            return y.shape[-1]
        return y.classes
    if y.labels in ("integer", "binary"):
        return y.classes
    return None


def shape_text(shape: Shape | tuple[int | None, ...] | None) -> str:
    if shape is None:
        return "?"
    dims = ["None" if d is None else str(d) for d in shape]
    return f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"
