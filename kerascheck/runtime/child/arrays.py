"""Array plumbing for the child: cutting data to the step cap, sampling it, converting it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import keras
import numpy as np


def is_array(value: Any) -> bool:
    """An in-memory array with rows: numpy, a backend tensor or a DataFrame."""
    shape = getattr(value, "shape", None)
    return shape is not None and len(shape) > 0 and hasattr(value, "__getitem__")


def is_array_tree(value: Any) -> bool:
    """Arrays, or lists, tuples and dicts of them, the way fit accepts x and y."""
    if value is None:
        return True
    if isinstance(value, (list, tuple)):
        return len(value) > 0 and all(is_array_tree(v) for v in value)
    if isinstance(value, dict):
        return len(value) > 0 and all(is_array_tree(v) for v in value.values())
    return is_array(value)


def rows(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return rows(value[0]) if value else None
    if isinstance(value, dict):
        return rows(next(iter(value.values()))) if value else None
    return int(value.shape[0])


def head(value: Any, count: int) -> Any:
    """The first `count` rows of every array in the tree."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return type(value)(head(v, count) for v in value)
    if isinstance(value, dict):
        return {k: head(v, count) for k, v in value.items()}
    if hasattr(value, "iloc"):
        return value.iloc[:count]
    return value[:count]


def rows_needed(max_steps: int, batch_size: int, validation_split: float) -> int:
    """Rows that feed `max_steps` batches once validation_split has taken its share."""
    keep = max(1e-6, 1.0 - float(validation_split or 0.0))
    return math.ceil(max_steps * batch_size / keep)


def to_numpy(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [to_numpy(v) for v in value]
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy())
    return np.asarray(keras.ops.convert_to_numpy(value))


def sample_batches(
    x: Any, y: Any, rows_wanted: int, batches: int, seed: int
) -> tuple[Any, Any, Any]:
    """(x, y, replacement for x): a sample of the data fit will see, for the probes.

    In-memory arrays give a random sample of their rows (sorted data stays representative);
    a dataset, generator or PyDataset gives its first few batches. A Python generator cannot
    be rewound, so the batches taken are put back in front of it and the caller passes the
    replacement to fit instead of the original.
    """
    if x is None:
        return None, y, x
    if is_array_tree(x):
        count = rows(x) or 0
        if count <= rows_wanted:
            return x, y, x
        picked = np.sort(np.random.RandomState(seed).choice(count, rows_wanted, replace=False))
        return take(x, picked), take(y, picked), x
    taken: list[Any] = []
    if isinstance(x, keras.utils.PyDataset):
        try:
            total = len(x)
        except TypeError:
            total = 1
        taken = [x[i] for i in range(min(batches, max(1, total)))]
        replacement = x
    elif hasattr(x, "__next__"):
        taken = _take(x, batches, rows_wanted)
        replacement = _put_back(taken, x)
    elif hasattr(x, "__iter__"):
        taken = _take(iter(x), batches, rows_wanted)
        replacement = x
    else:
        return None, None, x
    if not taken:
        return None, None, replacement
    parts = [_split(batch) for batch in taken]
    return _concat([p[0] for p in parts]), _concat([p[1] for p in parts]), replacement


def _take(iterator: Iterator[Any], batches: int, rows_wanted: int) -> list[Any]:
    taken: list[Any] = []
    seen = 0
    for batch in iterator:
        taken.append(batch)
        first = batch[0] if isinstance(batch, tuple) else batch
        seen += rows(to_numpy(first) if not isinstance(first, (dict, list)) else first) or 0
        if len(taken) >= batches or seen >= rows_wanted:
            break
    return taken


def _concat(values: list[Any]) -> Any:
    if not values or values[0] is None:
        return None
    first = values[0]
    if isinstance(first, (list, tuple)):
        return type(first)(_concat([v[i] for v in values]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _concat([v[k] for v in values]) for k in first}
    return np.concatenate([np.asarray(v) for v in values], axis=0)


def take(value: Any, picked: Any) -> Any:
    """The rows `picked` of every array in the tree."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return type(value)(take(v, picked) for v in value)
    if isinstance(value, dict):
        return {k: take(v, picked) for k, v in value.items()}
    if hasattr(value, "iloc"):
        return value.iloc[picked]
    return np.asarray(to_numpy(value))[picked]


def _put_back(taken: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    # A generator function, not itertools.chain: Keras accepts only real generators.
    yield from taken
    yield from rest


def _split(batch: Any) -> tuple[Any, Any]:
    if isinstance(batch, (tuple, list)) and len(batch) in (2, 3):
        return to_numpy(batch[0]), to_numpy(batch[1])
    if isinstance(batch, (tuple, list)) and len(batch) == 1:
        return to_numpy(batch[0]), None
    return to_numpy(batch), None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
