"""The model description rules read: models, layers, compile and fit, seeds, calls."""

from __future__ import annotations

import enum
from collections.abc import Container
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kerascheck.model.values import CallValue, Ref, argument

if TYPE_CHECKING:
    import libcst as cst


# ---------------------------------------------------------------- values


Value = (
    str | int | float | bool | None | tuple[Any, ...] | list[Any] | dict[Any, Any] | Ref | CallValue
)


@dataclass(frozen=True)
class SourceLocation:
    """Where a live object was made, for models read at run time instead of from syntax."""

    path: str
    line: int
    column: int = 1


# The class of a stand-in layer for what the reader cannot see into (a custom layer, a nested
# model, a tensor operation such as `x * 2`): it keeps the graph joined, knows nothing else.
UNKNOWN_LAYER = "<unknown>"


@dataclass(eq=False)
class Layer:
    """One layer instance: its canonical class, resolved arguments and where it was written."""

    cls: str
    raw: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    # Where to report it: the call that made it, the `call` method of a subclassed model (for
    # its input), a live layer's source location, or the expression an unknown layer stands
    # for (`x * 2`, see UNKNOWN_LAYER).
    node: cst.Call | cst.BaseExpression | cst.FunctionDef | SourceLocation
    # How many times the statement that made it runs: 1, a known count, or None (unknown).
    repeat: int | None = 1
    var: str | None = None
    # The partial() factory the layer came from, when it did: fixes go there.
    factory: cst.Call | None = None
    # The call that made the layer (the same object as `node`), where fixes edit it; None for
    # a layer read at run time or a model's input.
    call: cst.Call | None = None
    kwarg_nodes: dict[str, cst.Arg] = field(default_factory=dict)
    star_kwargs: bool = False
    star_args: bool = False
    seq: int = 0
    # The if/else or try/except arms the layer was made or added in, outermost first. Two
    # layers whose arms are not nested in one another never both run, so a link between them
    # (e.g. consecutive `.add()` calls in `if` and `else`) is not certain.
    branch: tuple[int, ...] = ()
    # Shapes with the batch dimension first, None where a dimension is unknown; the whole
    # shape None when unknown. A merging layer's input_shape is a list, one shape an input.
    input_shape: Any = None
    output_shape: tuple[int | None, ...] | None = None

    @property
    def short(self) -> str:
        return self.cls.rsplit(".", 1)[-1]

    def arg(self, name: str, position: int | None = None, default: Any = None) -> Any:
        """The argument by keyword or position; `default` when absent, UNKNOWN when unknowable."""
        return argument(
            self.args,
            self.kwargs,
            name,
            position,
            default,
            star_args=self.star_args,
            star_kwargs=self.star_kwargs,
        )


@dataclass(eq=False)
class Compile:
    loss: Any
    metrics: Any
    optimizer: Any
    loss_weights: Any
    kwargs: dict[str, Any]
    node: cst.Call
    seq: int = 0
    star_kwargs: bool = False


@dataclass(frozen=True)
class DataFacts:
    """What the file shows of an array: shape (samples first), dtype, scale, label encoding.

    Every field is None where the file does not show it; nothing is guessed.
    """

    shape: tuple[int | None, ...] | None = None
    dtype: str | None = None
    # "0-255" for raw 8-bit pixels, "scaled" once divided, standardised or rescaled.
    scale: str | None = None
    # "integer" class indices, "onehot" rows, "binary" 0/1, "continuous" values.
    labels: str | None = None
    classes: int | None = None
    # Where the array came from, for messages: `keras.datasets.mnist.load_data()`.
    source: str = ""


@dataclass(eq=False)
class Fit:
    method: str
    kwargs: dict[str, Any]
    node: cst.Call
    callbacks: Any
    has_validation: bool | None
    seq: int = 0
    star_kwargs: bool = False
    # The inputs and targets fed, as far as the file shows them (read.data_flow fills them).
    x: DataFacts | None = None
    y: DataFacts | None = None


ModelKind = Literal["sequential", "functional", "subclassed"]


# Up to this many edges, scanning them costs less than building and asking an index.
_SCANNED_EDGES = 16


@dataclass(eq=False)
class Model:
    """A model as written: layers in order, the edges between them, compile and fit settings."""

    kind: ModelKind
    var: str | None
    node: cst.CSTNode | SourceLocation
    layers: list[Layer] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    compiles: list[Compile] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)
    # False when some layers could not be read (unknown elements, loops, helper calls).
    complete: bool = True
    seq: int = 0
    # Sequential models: positions in `layers` where an element the reader could not follow
    # (a nested model, an unknown value) was skipped, so shapes there are not known.
    gaps: list[int] = field(default_factory=list)
    # Each layer's successors and predecessors, built from `edges` as they stand (rules ask
    # per layer: a scan of the edges each time is quadratic in the model's size).
    _links: tuple[list[tuple[int, int]], int, dict[int, list[int]], dict[int, list[int]]] | None = (
        field(default=None, init=False, repr=False)
    )

    def _adjacent(self) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        links = self._links
        if links is None or links[0] is not self.edges or links[1] != len(self.edges):
            ahead: dict[int, list[int]] = {}
            back: dict[int, list[int]] = {}
            for a, b in self.edges:
                ahead.setdefault(a, []).append(b)
                back.setdefault(b, []).append(a)
            links = self._links = (self.edges, len(self.edges), ahead, back)
        return links[2], links[3]

    def successors(self, index: int) -> list[int]:
        if len(self.edges) <= _SCANNED_EDGES:
            return [b for a, b in self.edges if a == index]
        return list(self._adjacent()[0].get(index, ()))

    def predecessors(self, index: int) -> list[int]:
        if len(self.edges) <= _SCANNED_EDGES:
            return [a for a, b in self.edges if b == index]
        return list(self._adjacent()[1].get(index, ()))

    def output_layers(self) -> list[int]:
        if self.outputs:
            return list(self.outputs)
        if self.kind == "sequential" and self.layers and self.complete:
            return [len(self.layers) - 1]
        return []

    @property
    def compile(self) -> Compile | None:
        return self.compiles[-1] if self.compiles else None


class SeedKind(enum.Enum):
    KERAS = "keras.utils.set_random_seed"
    TENSORFLOW = "tf.random.set_seed"
    NUMPY = "np.random.seed"
    PYTHON = "random.seed"
    TORCH = "torch.manual_seed"
    OP_DETERMINISM = "tf.config.experimental.enable_op_determinism"
    HASHSEED = "os.environ['PYTHONHASHSEED']"


@dataclass(eq=False, slots=True)
class SeedCall:
    kind: SeedKind
    node: cst.CSTNode
    seq: int
    # Inside a function body that may never run.
    in_function: bool = False


@dataclass(eq=False, slots=True)
class CallSite:
    """Any call the reader saw: a keras name (`callee`) or a method call (`method`)."""

    callee: str | None
    raw: str
    method: str | None
    node: cst.Call
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    seq: int
    receiver: Any = None
    in_function: str | None = None
    star_kwargs: bool = False
    # Inside code guarded by a version or feature test (`if hasattr(...)`, `if tf.__version__
    # ...`, `try: ... except ImportError:`): a compatibility shim for other Keras versions.
    guarded: bool = False


@dataclass(eq=False, slots=True)
class AttributeRef:
    """A dotted name under keras (`keras.callbacks.ModelEarlyStopping`), as written."""

    name: str
    raw: str
    node: cst.CSTNode
    # The name as its import spells it (`tensorflow.keras.models.Sequential`); "" when it came
    # through a local alias (`K = keras.backend`) and the import spelling is lost.
    full: str = ""
    # Recorded at an `import` / `from ... import` statement rather than at a use.
    imported: bool = False
    # Inside version- or feature-guarded code (see CallSite.guarded).
    guarded: bool = False


@dataclass(frozen=True)
class TopImport:
    """An import statement at the top level of the file (not inside `if`/`try`), as data."""

    # Index of the top-level statement.
    statement: int
    # The modules named: `import a.b, c` names a.b and c; `from a.b import x` names a.b
    # (a relative import's module without its dots; `from . import x` names none).
    modules: tuple[str, ...]
    # Local name -> the full dotted name it is bound to, as names.ImportTable reads it.
    bindings: tuple[tuple[str, str], ...]
    # Keras modules imported with `*`.
    star_modules: tuple[str, ...] = ()


class Anchors(dict[int, int]):
    """id(node) -> index of the top-level statement holding it, for cheap positions.

    The reader records each call it reads; the call's function and arguments (what findings
    point at besides the call) are filled in from `calls` when first asked for, since few
    of the many calls of a file ever need a position.
    """

    def __init__(self, calls: list[CallSite]) -> None:
        super().__init__()
        self._calls = calls
        self._parts: dict[int, int] | None = None

    def _part(self, key: int) -> int | None:
        if self._parts is None:
            self._parts = {}
            for call in self._calls:
                anchor = dict.get(self, id(call.node))
                if anchor is None:
                    continue
                self._parts[id(call.node.func)] = anchor
                for arg in call.node.args:
                    self._parts[id(arg)] = anchor
                    self._parts[id(arg.value)] = anchor
        return self._parts.get(key)

    def __missing__(self, key: int) -> int:
        found = self._part(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: int, default: Any = None) -> Any:
        found = dict.get(self, key)
        if found is None:
            found = self._part(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or (
            isinstance(key, int) and self._part(key) is not None
        )


@dataclass(eq=False)
class FileModel:
    """All one pass learned about a file: models, seeds, calls and names."""

    path: str
    module: cst.Module
    models: list[Model] = field(default_factory=list)
    # Every layer created, also those never placed in a model the reader could follow.
    layers: list[Layer] = field(default_factory=list)
    seeds: list[SeedCall] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    attributes: list[AttributeRef] = field(default_factory=list)
    user_functions: set[str] = field(default_factory=set)
    # Every compile and fit call, also those on models the reader could not follow.
    compile_calls: list[Compile] = field(default_factory=list)
    fit_calls: list[Fit] = field(default_factory=list)
    # Sequence numbers of the first layer/model creation and of the first fit at module level.
    first_build_seq: int | None = None
    first_fit_seq: int | None = None
    trains: bool = False
    # id(node) -> index of the top-level statement holding it, for cheap positions.
    anchors: Anchors = field(init=False)
    # The top-level import statements, in order.
    top_imports: list[TopImport] = field(default_factory=list)
    # Names of the methods the file's own classes define (classes at any depth).
    class_methods: set[str] = field(default_factory=set)
    # Other files of the project whose functions were read through an import, as
    # (path, size, mtime_ns): a result of this file holds only while they are unchanged.
    used_files: list[tuple[str, int, int]] = field(default_factory=list)
    # The node ids of those files (each answers `id(node) in it`): what is found there is
    # reported by their own check.
    other_nodes: list[Container[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.anchors = Anchors(self.calls)

    def in_other_file(self, node: object) -> bool:
        """Whether `node` belongs to another file read through an import."""
        return any(id(node) in ids for ids in self.other_nodes)


@dataclass(eq=False, slots=True)
class Tensor:
    """The output of a layer in a functional graph."""

    producers: list[Layer]
