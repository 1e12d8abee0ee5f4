"""Find the calls the Keras 2 to 3 rules judge: optimizers, callbacks and model methods."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.model.description import CallSite, FileModel, Model, Tensor
from kerascheck.model.values import CallValue, Ref, is_unknown

from .arguments import argument

# Calls whose result is a Keras model.
MODEL_FACTORIES = frozenset(
    {
        "keras.models.load_model",
        "keras.saving.load_model",
        "keras.models.clone_model",
        "keras.models.model_from_json",
    }
)


@dataclass(frozen=True)
class KerasCall:
    """A call of a Keras class, direct or through a `functools.partial` factory."""

    callee: str
    node: cst.Call
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    star_kwargs: bool

    def keyword(self, name: str) -> cst.Arg | None:
        """The `name=` argument as written in this call."""
        return argument(self.node, name)


def keras_calls(file: FileModel, wanted: Any) -> Iterator[KerasCall]:
    """Calls of the classes `wanted(name)` accepts; a partial factory counts once, itself."""
    for site in file.calls:
        if site.guarded:
            continue  # a compatibility shim for other Keras versions
        if site.callee is not None and wanted(site.callee):
            yield KerasCall(site.callee, site.node, site.args, site.kwargs, site.star_kwargs)
        elif (
            site.callee == "functools.partial"
            and site.args
            and isinstance(site.args[0], Ref)
            and wanted(site.args[0].name)
        ):
            yield KerasCall(
                site.args[0].name, site.node, site.args[1:], site.kwargs, site.star_kwargs
            )


def is_optimizer_class(name: str) -> bool:
    """`keras.optimizers.Adam` and its `legacy` / `experimental` spellings; not schedules."""
    if not name.startswith("keras.optimizers."):
        return False  # nearly every call: decided before splitting the name
    parts = name.split(".")
    if not parts[-1][:1].isupper():
        return False
    return len(parts) == 3 or (len(parts) == 4 and parts[2] in ("legacy", "experimental"))


def model_receiver(value: Any) -> str | None:
    """`model` for a known Keras model, `unknown` for a value that may be one, else None."""
    if isinstance(value, Model):
        return "model"
    if isinstance(value, CallValue):
        return "model" if value.callee in MODEL_FACTORIES else None
    if is_unknown(value) or isinstance(value, Tensor):
        # A subclassed model's instance reads as the tensor of a call.
        return "unknown"
    return None


def method_sites(file: FileModel, names: frozenset[str] | set[str]) -> Iterator[CallSite]:
    """Method calls named in `names` on a value that is or may be a Keras model."""
    for site in file.calls:
        if site.guarded:
            continue
        if site.method in names and model_receiver(site.receiver) is not None:
            yield site
