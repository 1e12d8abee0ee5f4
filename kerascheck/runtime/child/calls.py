"""The seed, shuffle and random-generator calls the user's code makes, recorded as they happen."""

from __future__ import annotations

import functools
import inspect
import random
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from kerascheck.runtime.child import hooks, locations
from kerascheck.runtime.protocol import SeedCall, ShuffleCall


class CallLog:
    def __init__(self) -> None:
        self.seeds: list[SeedCall] = []
        self.shuffles: list[ShuffleCall] = []
        # Random generators made without a seed (np.random.default_rng()).
        self.generators: list[ShuffleCall] = []
        self.seeding = False


log = CallLog()


def install() -> CallLog:
    """Patch `random` now, and NumPy, TensorFlow, torch and Keras when they are imported."""
    _wrap(random, "seed", _seed_recorder("random.seed"))
    hooks.after_import("numpy", _numpy)
    hooks.after_import("tensorflow", _tensorflow)
    hooks.after_import("torch", _torch)
    return log


def keras_imported(keras: ModuleType) -> None:
    _wrap(keras.utils, "set_random_seed", _seed_recorder("keras.utils.set_random_seed"))
    tf_keras = sys.modules.get("keras._tf_keras.keras.utils")
    if tf_keras is not None:
        _wrap(tf_keras, "set_random_seed", _seed_recorder("keras.utils.set_random_seed"))


def _numpy(numpy: ModuleType) -> None:
    _wrap(numpy.random, "seed", _seed_recorder("np.random.seed"))
    _wrap(numpy.random, "shuffle", _shuffle_recorder("np.random.shuffle", None))
    _wrap(numpy.random, "permutation", _shuffle_recorder("np.random.permutation", None))
    _wrap(numpy.random, "default_rng", _generator_recorder("np.random.default_rng"))


def _tensorflow(tf: ModuleType) -> None:
    _wrap(tf.random, "set_seed", _seed_recorder("tf.random.set_seed"))
    determinism = "tf.config.experimental.enable_op_determinism"
    _wrap(tf.config.experimental, "enable_op_determinism", _seed_recorder(determinism))
    _wrap(tf.data.Dataset, "shuffle", _shuffle_recorder("tf.data.Dataset.shuffle", "seed"))


def _torch(torch: ModuleType) -> None:
    _wrap(torch, "manual_seed", _seed_recorder("torch.manual_seed"))
    determinism = "torch.use_deterministic_algorithms"
    _wrap(torch, "use_deterministic_algorithms", _seed_recorder(determinism))


def _wrap(owner: Any, attr: str, make: Callable[[Any], Any]) -> None:
    original = getattr(owner, attr, None)
    if original is None or getattr(original, "_kerascheck", False):
        return
    wrapped = make(original)
    try:
        wrapped._kerascheck = True
        setattr(owner, attr, wrapped)
    except (AttributeError, TypeError):
        pass  # a read-only attribute: that call goes unrecorded


def _seed_recorder(kind: str) -> Callable[[Any], Any]:
    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            # keras.utils.set_random_seed calls the others itself: record only the outer call.
            if log.seeding:
                return original(*args, **kwargs)
            where = locations.user_caller(2)
            if where is not None:
                value = args[0] if args else next(iter(kwargs.values()), None)
                log.seeds.append({"kind": kind, "location": where, "value": repr(value)})
            log.seeding = True
            try:
                return original(*args, **kwargs)
            finally:
                log.seeding = False

        return recorded

    return make


def _shuffle_recorder(kind: str, seed_argument: str | None) -> Callable[[Any], Any]:
    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(original) if seed_argument else None

        @functools.wraps(original)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if locations.is_user_file(sys._getframe(1).f_code.co_filename):
                seeded = False
                if signature is not None and seed_argument is not None:
                    bound = signature.bind_partial(*args, **kwargs)
                    seeded = bound.arguments.get(seed_argument) is not None
                where = locations.user_caller(2)
                log.shuffles.append({"kind": kind, "location": where, "seeded": seeded})
            return original(*args, **kwargs)

        return recorded

    return make


def _generator_recorder(kind: str) -> Callable[[Any], Any]:
    def make(original: Any) -> Any:
        @functools.wraps(original)
        def recorded(seed: Any = None, *args: Any, **kwargs: Any) -> Any:
            if seed is None and locations.is_user_file(sys._getframe(1).f_code.co_filename):
                where = locations.user_caller(2)
                log.generators.append({"kind": kind, "location": where, "seeded": False})
            return original(seed, *args, **kwargs)

        return recorded

    return make
