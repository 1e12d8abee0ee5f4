"""A live model as JSON: layers with class, config, parameters and creation line, and the graph."""

from __future__ import annotations

from typing import Any

from kerascheck.runtime.child import probe
from kerascheck.runtime.protocol import LayerDescription, Location, ModelDescription


def json_safe(value: Any, depth: int = 0) -> Any:
    """Configs hold dtypes, tuples and objects: keep what JSON can say, describe the rest."""
    if depth > 8:
        return repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):
        try:
            return json_safe(value.item(), depth + 1)
        except (TypeError, ValueError):
            pass
    return repr(value)


def layer_class(layer: Any) -> str:
    """`keras.layers.Dense` for Keras' own layers, module.Class for the user's."""
    kind = type(layer)
    if kind.__module__.startswith("keras."):
        if kind.__name__ in ("Sequential", "Functional", "Model"):
            return f"keras.{'Model' if kind.__name__ == 'Functional' else kind.__name__}"
        return f"keras.layers.{kind.__name__}"
    return f"{kind.__module__}.{kind.__qualname__}"


def describe_model(model: Any, locations: dict[int, Location | None]) -> ModelDescription:
    layers = probe.layers_of(model)
    described: list[LayerDescription] = []
    for layer in layers:
        try:
            config = json_safe(layer.get_config())
        except Exception as error:  # a custom layer without get_config
            config = {"error": f"get_config failed: {error}"}
        described.append(
            {
                "name": layer.name,
                "class": layer_class(layer),
                "location": locations.get(id(layer)),
                "params": _params(layer),
                "activation": probe.activation_name(layer),
                "output_shape": _output_shape(layer),
                "config": config,
            }
        )
    edges, inputs, outputs = _graph(model, layers)
    return {
        "name": model.name,
        "class": layer_class(model),
        "kind": _kind(model),
        "location": locations.get(id(model)),
        "params": _params(model),
        "layers": described,
        "edges": edges,
        "inputs": inputs,
        "outputs": outputs,
    }


def _kind(model: Any) -> str:
    name = type(model).__name__
    if name == "Sequential":
        return "sequential"
    if name == "Functional":
        return "functional"
    return "subclassed"


def _params(layer: Any) -> int | None:
    try:
        return int(layer.count_params())
    except (ValueError, AttributeError):
        return None  # not built


def _output_shape(layer: Any) -> list[Any] | None:
    try:
        return list(layer.output.shape)
    except (AttributeError, ValueError):
        return None


def _graph(model: Any, layers: list[Any]) -> tuple[list[list[int]], list[int], list[int]]:
    """Edges between layer indices, and which layers are inputs and outputs."""
    position = {id(layer): i for i, layer in enumerate(layers)}
    if _kind(model) in ("sequential", "subclassed"):
        # A subclassed model's layers are listed in the order its call used them.
        chain = [[i, i + 1] for i in range(len(layers) - 1)]
        return chain, [0] if layers else [], [len(layers) - 1] if layers else []
    edges: set[tuple[int, int]] = set()
    for target, layer in enumerate(layers):
        for node in getattr(layer, "_inbound_nodes", []):
            for tensor in getattr(node, "input_tensors", []):
                source = _producer(tensor, position)
                if source is not None:
                    edges.add((source, target))
    inputs = [i for i, layer in enumerate(layers) if type(layer).__name__ == "InputLayer"]
    outputs = []
    for tensor in getattr(model, "outputs", None) or []:
        source = _producer(tensor, position)
        if source is not None:
            outputs.append(source)
    return [list(e) for e in sorted(edges)], inputs, outputs


def _producer(tensor: Any, position: dict[int, int]) -> int | None:
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None
    return position.get(id(history[0]))
