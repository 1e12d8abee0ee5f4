"""How Keras names are spelled: the prefixes that all mean Keras, synonyms, Keras 1/2 submodules."""

from __future__ import annotations

import functools

# Prefixes that all mean Keras; the longest match wins.
_KERAS_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.src", "keras"),
)

# Spellings of one public object that Keras exposes under several paths.
_SYNONYMS: dict[str, str] = {
    "keras.models.Sequential": "keras.Sequential",
    "keras.models.Model": "keras.Model",
    "keras.engine.training.Model": "keras.Model",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.layers.Input": "keras.Input",
    "keras.engine.input_layer.Input": "keras.Input",
    "keras.random.set_seed": "keras.utils.set_random_seed",
    "keras.layers.core.Dense": "keras.layers.Dense",
    "tensorflow.random.set_random_seed": "tensorflow.random.set_seed",
    "tensorflow.compat.v1.set_random_seed": "tensorflow.random.set_seed",
    "tensorflow.set_random_seed": "tensorflow.random.set_seed",
}


def keras_path(dotted: str) -> str:
    """`tensorflow.keras.models.Sequential` -> `keras.models.Sequential` (no synonyms)."""
    for prefix, replacement in _KERAS_PREFIXES:
        if dotted == prefix or dotted.startswith(prefix + "."):
            return replacement + dotted[len(prefix) :]
    return dotted


# Keras 1/2 modules under `keras.layers` whose classes are the public `keras.layers.X`:
# `from keras.layers.core import Activation`, `keras.layers.convolutional.Conv2D`.
_LAYER_SUBMODULES = frozenset(
    {
        "core",
        "convolutional",
        "recurrent",
        "normalization",
        "pooling",
        "embeddings",
        "merge",
        "advanced_activations",
        "wrappers",
        "noise",
        "local",
        "convolutional_recurrent",
        "cudnn_recurrent",
        "dense_attention",
    }
)


# A file names the same few dozen things again and again.
@functools.lru_cache(maxsize=4096)
def canonical(dotted: str) -> str:
    """`tensorflow.keras.layers.Dense` -> `keras.layers.Dense`; other names unchanged."""
    dotted = keras_path(dotted)
    parts = dotted.split(".")
    submodule = len(parts) == 4 and parts[:2] == ["keras", "layers"]
    if (
        submodule
        and parts[2] in _LAYER_SUBMODULES
        and (parts[3][:1].isupper() or parts[2] == "merge")
    ):
        dotted = f"keras.layers.{parts[3]}"
    return _SYNONYMS.get(dotted, dotted)
