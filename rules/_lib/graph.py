"""Questions several rules ask of a model's layer graph: certain links, outputs, paths."""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Iterator
from typing import Any

from kerascheck.knowledge import keras_facts as facts
from kerascheck.model.description import FileModel, Layer, Model

# Layers that pass a vector through without changing its width or mixing in other tensors.
PASS_THROUGH = frozenset(
    {
        "keras.layers.Dropout",
        "keras.layers.AlphaDropout",
        "keras.layers.GaussianDropout",
        "keras.layers.GaussianNoise",
        "keras.layers.BatchNormalization",
        "keras.layers.LayerNormalization",
        "keras.layers.ActivityRegularization",
        "keras.layers.Activation",
        *facts.ACTIVATION_LAYERS,
    }
)


def _nested(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long[: len(short)] == short


def certain(a: Layer, b: Layer) -> bool:
    """Whether two layers can run in the same pass (not in rival if/else or try/except arms)."""
    return _nested(a.branch, b.branch)


class RivalArms:
    """Which layers were made in an if/else or try/except arm while another layer was made in
    a rival arm; built once per file in O(layers x nesting), on the first layer made in an
    arm asked about, then asked per layer."""

    def __init__(self, layers: list[Layer]) -> None:
        self.layers = layers
        # Layers made exactly in each arm, and in each arm or any arm nested in it.
        self._exact: Counter[tuple[int, ...]] | None = None
        self._within: Counter[tuple[int, ...]] = Counter()

    def has_alternative(self, layer: Layer) -> bool:
        """The layer was made in an arm, and another layer in an arm that rivals it.

        Then which of them a model ends with depends on the branch taken at run time.
        """
        branch = layer.branch
        if not branch:
            return False
        exact = self._exact
        if exact is None:
            exact = self._exact = Counter(other.branch for other in self.layers)
            self._within = Counter(
                other.branch[:depth]
                for other in self.layers
                for depth in range(len(other.branch) + 1)
            )
        # Layers that can run with this one: made in an arm holding it, in it, or within it.
        nested = self._within[branch] + sum(exact[branch[:depth]] for depth in range(len(branch)))
        return nested < len(self.layers)


# Built once per file, kept while the file's description lives.
_ARMS: weakref.WeakKeyDictionary[FileModel, RivalArms] = weakref.WeakKeyDictionary()


def rival_arms(file: FileModel) -> RivalArms:
    """The file's RivalArms, built on first use (several rules ask)."""
    arms = _ARMS.get(file)
    if arms is None:
        arms = _ARMS[file] = RivalArms(file.layers)
    return arms


def runs_with(layer: Layer, other: Layer) -> bool:
    """Whether `other` certainly runs whenever `layer` does (it is not in a deeper arm)."""
    return layer.branch[: len(other.branch)] == other.branch


def built(layer: Layer) -> bool:
    """False for a layer made in a loop known to run zero times."""
    return layer.repeat != 0


def successors(model: Model, index: int) -> list[int]:
    """The layers certainly fed by this one."""
    layer = model.layers[index]
    return [j for j in model.successors(index) if certain(layer, model.layers[j])]


def only_successor(model: Model, index: int) -> int | None:
    """The one layer this one feeds whenever it runs (not one in an `if` arm after it)."""
    following = model.successors(index)
    if len(following) != 1 or not runs_with(model.layers[index], model.layers[following[0]]):
        return None
    return following[0]


def only_predecessor(model: Model, index: int) -> int | None:
    """The one layer feeding this one whenever it runs."""
    before = model.predecessors(index)
    if len(before) != 1 or not runs_with(model.layers[index], model.layers[before[0]]):
        return None
    return before[0]


def output_ids(file: FileModel) -> set[int]:
    """id() of every layer that some model returns as an output (an encoder's code, say)."""
    return {id(m.layers[i]) for m in file.models for i in m.output_layers()}


# Each model's certain links, forward and backward, built once while its edges stand.
_STEPS: weakref.WeakKeyDictionary[Model, tuple[int, dict[int, list[int]], dict[int, list[int]]]]
_STEPS = weakref.WeakKeyDictionary()


def _steps(model: Model, forward: bool) -> dict[int, list[int]]:
    cached = _STEPS.get(model)
    if cached is None or cached[0] != len(model.edges):
        ahead: dict[int, list[int]] = {}
        back: dict[int, list[int]] = {}
        for a, b in model.edges:
            if certain(model.layers[a], model.layers[b]):
                ahead.setdefault(a, []).append(b)
                back.setdefault(b, []).append(a)
        cached = _STEPS[model] = (len(model.edges), ahead, back)
    return cached[1] if forward else cached[2]


def _reachable(model: Model, index: int, forward: bool) -> set[int]:
    # The links once per model, then a walk: O(edges), not O(layers x edges).
    step = _steps(model, forward)
    seen: set[int] = set()
    stack = list(step.get(index, []))
    while stack:
        i = stack.pop()
        if i not in seen:
            seen.add(i)
            stack.extend(step.get(i, []))
    return seen


def reaches_weighted(model: Model, index: int) -> bool:
    """Whether this layer's output reaches a weighted layer (stops at the first found)."""
    step = _steps(model, forward=True)
    seen: set[int] = set()
    stack = list(step.get(index, []))
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        if facts.is_weighted(model.layers[i]):
            return True
        seen.add(i)
        stack.extend(step.get(i, []))
    return False


def ancestors(model: Model, index: int) -> set[int]:
    """The layers whose output reaches this one."""
    return _reachable(model, index, forward=False)


def descendants(model: Model, index: int) -> set[int]:
    """The layers this one's output reaches."""
    return _reachable(model, index, forward=True)


def selu_indices(model: Model) -> set[int]:
    """Weighted layers whose output goes through SELU."""
    return {
        i
        for i, layer in enumerate(model.layers)
        if built(layer) and facts.is_weighted(layer) and facts.activation_after(model, i) == "selu"
    }


def is_selu_network(model: Model) -> bool:
    """Every hidden weighted layer of a fully read model is activated by SELU (at least one).

    Unknown activations, partly read models and mixed networks (a ReLU feature extractor
    with one SELU layer) do not count.
    """
    if not model.complete or not model.output_layers():
        return False
    outputs = set(model.output_layers())
    hidden = [
        i
        for i, layer in enumerate(model.layers)
        if built(layer) and facts.is_weighted(layer) and i not in outputs and successors(model, i)
    ]
    return bool(hidden) and all(facts.activation_after(model, i) == "selu" for i in hidden)


def model_layers(file: FileModel) -> Iterator[tuple[Model, int, Layer]]:
    """Every (model, index, layer) of the file's models, skipping layers never built."""
    for model in file.models:
        for index, layer in enumerate(model.layers):
            if built(layer):
                yield model, index, layer


def loose_layers(file: FileModel) -> Iterator[Layer]:
    """Layers created but placed in no model the reader could follow."""
    placed = {id(layer) for model in file.models for layer in model.layers}
    for layer in file.layers:
        if id(layer) not in placed and built(layer):
            yield layer


def activated_layers(file: FileModel) -> Iterator[tuple[Layer, str]]:
    """Weighted layers and the activation their output goes through, where it is known."""
    for model, index, layer in model_layers(file):
        if facts.is_weighted(layer):
            act = facts.activation_after(model, index)
            if isinstance(act, str):
                yield layer, act
    for layer in loose_layers(file):
        if facts.is_weighted(layer):
            act = facts.own_activation(layer)
            if isinstance(act, str):
                yield layer, act


def _flat_width(shape: Any, flatten: bool) -> int | None:
    if not isinstance(shape, list | tuple) or not shape:
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        return None
    if len(shape) == 1 or flatten:
        return math.prod(shape)
    return None


def declared_input_width(layer: Layer) -> int | None:
    """The feature count a first layer declares: `Input(shape=(8,))`, `input_dim=8`,
    `input_shape=(8,)`, or `Flatten(input_shape=[28, 28])` (784)."""
    if layer.cls == "keras.Input":
        return _flat_width(layer.arg("shape", 0, None), False)
    dim = layer.arg("input_dim", None, None)
    if isinstance(dim, int) and not isinstance(dim, bool):
        return dim
    return _flat_width(layer.arg("input_shape", None, None), layer.short == "Flatten")


def input_width(model: Model) -> int | None:
    """The number of input features, when the model has one flat input of known size."""
    if model.kind == "sequential":
        return declared_input_width(model.layers[0]) if model.layers else None
    if len(model.inputs) != 1:
        return None
    return declared_input_width(model.layers[model.inputs[0]])


def incoming_width(model: Model, index: int) -> int | None:
    """The width of the vector a layer receives, when it is known."""
    declared = declared_input_width(model.layers[index])
    if declared is not None:
        return declared
    before = only_predecessor(model, index)
    if before is None:
        return None
    layer = model.layers[before]
    if layer.cls == "keras.Input":
        return declared_input_width(layer)
    width = facts.units(layer) if facts.is_dense(layer) else None
    return width if isinstance(width, int) else None


def every_use(file: FileModel, node: object, flagged: set[int]) -> bool:
    """Whether every layer the code at `node` makes is in `flagged` (ids): a build function
    called as `block("relu")` and `block("selu")` makes two layers from one call, and a fix
    there changes both."""
    return all(id(layer) in flagged for layer in file.layers if layer.node is node)
