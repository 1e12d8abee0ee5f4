"""What the reader can know of a value: UNKNOWN, references, calls, tensors, repeats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import libcst as cst


# ---------------------------------------------------------------- values


class _Unknown:
    """A value the reader cannot know statically; rules never report on it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True, slots=True)
class Ref:
    """A dotted name, canonicalised (`keras.initializers.LecunNormal`) and as written."""

    name: str
    raw: str


@dataclass(frozen=True, eq=False, slots=True)
class CallValue:
    """A call whose callee is known by name: `keras.optimizers.Adam(lr=0.1)`."""

    callee: str
    raw: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    node: cst.Call | None = None
    # Where each keyword came from: the call itself or a partial() factory.
    kwarg_nodes: dict[str, cst.Arg] = field(default_factory=dict)
    star_kwargs: bool = False

    def short(self) -> str:
        return self.callee.rsplit(".", 1)[-1]


def is_unknown(value: object) -> bool:
    return isinstance(value, _Unknown)


def argument(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    name: str,
    position: int | None = None,
    default: Any = None,
    *,
    star_args: bool = False,
    star_kwargs: bool = False,
) -> Any:
    """The one lookup of an evaluated argument: by keyword, else by position; `default` when
    absent, UNKNOWN when a `*args`/`**kwargs` may hold it."""
    if name in kwargs:
        return kwargs[name]
    if position is not None and position < len(args):
        return args[position]
    if star_kwargs or (position is not None and star_args):
        return UNKNOWN
    return default


@dataclass(eq=False)
class Repeated:
    """`[Dense(10) for _ in range(n)]`: one value repeated a known or unknown number of times."""

    value: Any
    count: int | None
