"""KC505: a whole model saved or checkpointed to `.h5` / `.hdf5` instead of Keras 3's `.keras`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst

from kerascheck.knowledge.keras3_removals import (
    LEGACY_MODEL_SUFFIXES,
    NATIVE_MODEL_SUFFIX,
    WEIGHTS_SUFFIX,
)
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext
from kerascheck.model.values import UNKNOWN, is_unknown

from ._lib.arguments import argument
from ._lib.calls import keras_calls, method_sites

_SAVE_FUNCTIONS = frozenset({"keras.models.save_model", "keras.saving.save_model"})
_CHECKPOINT = "keras.callbacks.ModelCheckpoint"

_LEGACY = (
    "writes the whole model in the legacy HDF5 format (Keras 3 warns that it is legacy); "
    "use `.keras`, Keras 3's native format"
)


def _suffix(path: str) -> str | None:
    for suffix in LEGACY_MODEL_SUFFIXES:
        if path.lower().endswith(suffix):
            return path[-len(suffix) :]
    return None


def _renamed(arg: cst.Arg, old: str, new: str, why: str) -> Fix | None:
    """Change the file name's suffix inside the string literal itself, when it is one."""
    literal = arg.value
    if not isinstance(literal, cst.SimpleString):
        return None
    quote = literal.quote
    body = literal.value[: -len(quote)]
    if not body.endswith(old):
        return None
    new_literal = literal.with_changes(value=body[: -len(old)] + new + quote)
    return Fix(Applicability.UNSAFE, why, (Edit(literal, new_literal),))


class LegacyH5Format(Rule):
    """A whole model saved to `.h5` / `.hdf5`, or weights to a name Keras 3 refuses.

    ## What it does
    Reports `model.save("x.h5")`, `keras.saving.save_model(model, "x.h5")` and
    `ModelCheckpoint("x.h5")` (also `.hdf5`), which save the whole model in the legacy HDF5
    format; and weights saved under a name Keras 3 refuses: `model.save_weights("x.h5")` or
    `ModelCheckpoint("x.h5", save_weights_only=True)`. `save_weights("x.weights.h5")` is
    Keras 3's own weights format and is not reported; loading old `.h5` files is fine too.

    ## Why is this bad?
    Keras 3's native format is the `.keras` zip archive, which holds the configuration, the
    weights and the optimizer state in one file. HDF5 is kept for reading old files, and
    saving to it logs a warning that the format is legacy. Some spellings fail outright with
    a ValueError: `ModelCheckpoint` refuses `.hdf5` for a whole model (when it is created,
    before training starts), and weights-only saving refuses any name that does not end in
    `.weights.h5`. The notes save both models and checkpoints as `.h5`.

    ## Example
    ```python
    checkpoint = keras.callbacks.ModelCheckpoint(filepath="keras_model.h5", save_best_only=True)
    model.save("my_model.h5")
    ```

    ## Use instead
    ```python
    checkpoint = keras.callbacks.ModelCheckpoint(filepath="keras_model.keras", save_best_only=True)
    model.save("my_model.keras")
    ```

    ## Fix safety
    Unsafe: the fix changes the file name's suffix in the string literal (`.h5` to `.keras`,
    or to `.weights.h5` for weights), so whatever loads that file later must use the new name.
    Paths built from variables or f-strings are reported without a fix.
    """

    code = "KC505"
    name = "legacy-h5-format"
    summary = "A whole model saved to legacy .h5/.hdf5; Keras 3's native format is .keras."
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        model.save("my_model.keras")
        model.save_weights("my_model.weights.h5")
        restored = keras.models.load_model("old_model.h5")
        """,
        """
        from tensorflow import keras
        ckpt = keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True)
        """,
        # Trap: NumPy and PyTorch saves, and a path that cannot be read.
        """
        import numpy as np
        import torch
        import tensorflow as tf
        np.save("features.h5", x)
        torch.save(net.state_dict(), "net.h5")
        model.save(output_path)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            model = keras.Sequential([keras.layers.Dense(1)])
            model.save("모델이름.h5")
            """,
            lines=(4,),
            fixed="""
            import keras
            model = keras.Sequential([keras.layers.Dense(1)])
            model.save("모델이름.keras")
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            checkpoint = tf.keras.callbacks.ModelCheckpoint(filepath="keras_model.h5",
                                                            save_best_only=True)
            weights = tf.keras.callbacks.ModelCheckpoint('w.{epoch:02d}.hdf5', save_weights_only=True)
            """,
            lines=(3, 5),
            fixed="""
            import tensorflow as tf
            checkpoint = tf.keras.callbacks.ModelCheckpoint(filepath="keras_model.keras",
                                                            save_best_only=True)
            weights = tf.keras.callbacks.ModelCheckpoint('w.{epoch:02d}.weights.h5', save_weights_only=True)
            """,
        ),
        Invalid(
            """
            from keras.saving import save_model
            from keras.models import load_model
            PATH = "model.hdf5"
            save_model(model, PATH)
            load_model("x.keras").save_weights("x.h5")
            """,
            lines=(5, 6),
            fixed="""
            from keras.saving import save_model
            from keras.models import load_model
            PATH = "model.hdf5"
            save_model(model, PATH)
            load_model("x.keras").save_weights("x.weights.h5")
            """,
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        for site in method_sites(file, {"save", "save_weights"}):
            arg = argument(site.node, "filepath", 0)
            path = site.kwargs.get("filepath", site.args[0] if site.args else None)
            if arg is not None:
                if site.method == "save":
                    yield from self.whole_model(arg, path, "`save()`")
                else:
                    yield from self.weights(arg, path, "`save_weights()`")
        for site in file.calls:
            if site.callee in _SAVE_FUNCTIONS:
                arg = argument(site.node, "filepath", 1)
                path = site.kwargs.get("filepath", site.args[1] if len(site.args) > 1 else None)
                if arg is not None:
                    yield from self.whole_model(arg, path, "`save_model()`")
        for call in keras_calls(file, _CHECKPOINT.__eq__):
            arg = argument(call.node, "filepath", 0)
            path = call.kwargs.get("filepath", call.args[0] if call.args else None)
            weights_only: Any = call.kwargs.get(
                "save_weights_only", call.args[4] if len(call.args) > 4 else False
            )
            if call.star_kwargs and "save_weights_only" not in call.kwargs:
                weights_only = UNKNOWN
            if arg is None or is_unknown(weights_only):
                continue
            if weights_only is True:
                yield from self.weights(arg, path, "`ModelCheckpoint(save_weights_only=True)`")
            elif weights_only is False:
                yield from self.checkpoint(arg, path)

    def whole_model(self, arg: cst.Arg, path: Any, what: str) -> Iterator[Finding]:
        suffix = _suffix(path) if isinstance(path, str) else None
        if suffix is None:
            return
        fix = _renamed(arg, suffix, NATIVE_MODEL_SUFFIX, f"save to `{NATIVE_MODEL_SUFFIX}`")
        yield self.finding(arg.value, f"{what} to `{suffix}` {_LEGACY}", fix)

    def checkpoint(self, arg: cst.Arg, path: Any) -> Iterator[Finding]:
        suffix = _suffix(path) if isinstance(path, str) else None
        if suffix is None or path.endswith(WEIGHTS_SUFFIX):
            return
        if suffix.lower() == ".h5":
            message = f"`ModelCheckpoint` to `{suffix}` {_LEGACY}"
        else:
            message = (
                f"`ModelCheckpoint` to `{suffix}`: Keras 3 raises ValueError, a whole-model "
                f"checkpoint must end in `{NATIVE_MODEL_SUFFIX}` (or legacy `.h5`)"
            )
        fix = _renamed(arg, suffix, NATIVE_MODEL_SUFFIX, f"save to `{NATIVE_MODEL_SUFFIX}`")
        yield self.finding(arg.value, message, fix)

    def weights(self, arg: cst.Arg, path: Any, what: str) -> Iterator[Finding]:
        suffix = _suffix(path) if isinstance(path, str) else None
        if suffix is None or path.endswith(WEIGHTS_SUFFIX):
            return
        fix = _renamed(arg, suffix, WEIGHTS_SUFFIX, f"save to `{WEIGHTS_SUFFIX}`")
        yield self.finding(
            arg.value,
            f"{what} to `{suffix}`: Keras 3 raises ValueError unless a weights file name ends "
            f"in `{WEIGHTS_SUFFIX}`",
            fix,
        )
