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


def first_batch(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """(x, y, replacement for x) from the first batch of a dataset, generator or PyDataset.

    A Python generator cannot be rewound, so the batch taken is put back in front of it
    and the caller passes the replacement to fit instead of the original.
    """
    if is_array_tree(x) and x is not None:
        return x, y, x
    if isinstance(x, keras.utils.PyDataset):
        batch = x[0]
        return (*_split(batch), x)
    if hasattr(x, "__next__"):
        batch = next(x)
        return (*_split(batch), _put_back(batch, x))
    if hasattr(x, "__iter__"):
        batch = next(iter(x))
        return (*_split(batch), x)
    return None, None, x


def _put_back(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    # A generator function, not itertools.chain: Keras accepts only real generators.
    yield first
    yield from rest


def _split(batch: Any) -> tuple[Any, Any]:
    if isinstance(batch, tuple) and len(batch) in (2, 3):
        return to_numpy(batch[0]), to_numpy(batch[1])
    if isinstance(batch, tuple) and len(batch) == 1:
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
