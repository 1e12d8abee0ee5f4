"""What the reproducibility rules share: which generators a file seeds, and the seed fix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from kerascheck.model.description import CallSite, FileModel, SeedCall, SeedKind
from kerascheck.model.results import Applicability, Edit, Fix
from kerascheck.model.values import CallValue
from kerascheck.read.cst_fields import child_nodes, of_kind
from kerascheck.read.names import ImportTable

# Seeds of random generators (not the determinism switches).
GENERATOR_KINDS = frozenset(
    {SeedKind.KERAS, SeedKind.TENSORFLOW, SeedKind.NUMPY, SeedKind.PYTHON, SeedKind.TORCH}
)

# Module-level calls that draw from NumPy's or Python's global generator to reorder data.
SHUFFLES = frozenset({"numpy.random.shuffle", "numpy.random.permutation", "random.shuffle"})

SEED_CALL = "utils.set_random_seed(42)"


def generator_seeds(file: FileModel) -> list[SeedCall]:
    """Seed calls of random generators, in execution order."""
    return sorted((s for s in file.seeds if s.kind in GENERATOR_KINDS), key=lambda s: s.seq)


def _draws(callee: str | None) -> SeedKind | None:
    """The global generator a call draws from: `np.random.rand` NumPy's, `random.choice` Python's."""
    if callee is None:
        return None
    for prefix, kind in (("numpy.random.", SeedKind.NUMPY), ("random.", SeedKind.PYTHON)):
        if callee.startswith(prefix):
            last = callee[len(prefix) :]
            if "." not in last and "seed" not in last and last[:1].islower():
                return kind
    return None


def drawn_generators(file: FileModel) -> set[SeedKind]:
    """NumPy's and Python's global generators, for those the file itself draws from."""
    return {kind for call in file.calls if (kind := _draws(call.callee)) is not None}


def _builds(call: CallSite) -> bool:
    callee = call.callee or ""
    return callee.startswith("keras.") or call.method in ("fit", "compile", "fit_generator")


def training_seeds(file: FileModel) -> list[SeedCall]:
    """Generator seeds that can bear on training, in execution order.

    A seed inside one of the file's functions that draws from NumPy or Python's `random` and
    builds and trains nothing (`def make_blobs(): np.random.seed(0); ...`) seeds that
    helper's data on purpose; it is no attempt at seeding training.
    """
    seeds = generator_seeds(file)
    if not seeds:
        return []
    where = {id(c.node): c.in_function for c in file.calls}
    helpers: dict[str, tuple[bool, bool]] = {}
    for call in file.calls:
        if call.in_function is None:
            continue
        draws, builds = helpers.get(call.in_function, (False, False))
        helpers[call.in_function] = (
            draws or _draws(call.callee) is not None,
            builds or _builds(call),
        )
    data_seeds = _data_seeds(file)
    out = []
    for seed in seeds:
        function = where.get(id(seed.node))
        if function is not None and helpers.get(function, (False, False)) == (True, False):
            continue
        if id(seed.node) in data_seeds:
            continue
        out.append(seed)
    return out


def _data_seeds(file: FileModel) -> set[int]:
    """id() of seed calls whose next statement draws from the generator they seed:
    `np.random.seed(1); np.random.shuffle(x)` seeds that shuffle (to shuffle two arrays
    alike, say), not training."""
    wanted = {id(s.node): s.kind for s in file.seeds if s.kind in (SeedKind.NUMPY, SeedKind.PYTHON)}
    if not wanted:
        return set()
    draws = {id(c.node): kind for c in file.calls if (kind := _draws(c.callee)) is not None}
    found: set[int] = set()
    stack: list[cst.CSTNode] = [file.module]
    while stack:
        node = stack.pop()
        body = getattr(node, "body", None)
        if isinstance(body, list | tuple):
            for stmt, nxt in zip(body, [*body[1:], None], strict=True):
                seed = _seed_statement(stmt, wanted)
                if seed is not None and nxt is not None:
                    kind = wanted[id(seed)]
                    if any(draws.get(id(n)) == kind for n in _calls_in(nxt)):
                        found.add(id(seed))
        stack.extend(c for c in child_nodes(node) if of_kind(type(c), _BLOCKS))
    return found


# Blocks, and statements that hold blocks.
_BLOCKS = (cst.BaseSuite, cst.BaseCompoundStatement)


def _seed_statement(stmt: cst.CSTNode, wanted: Mapping[int, SeedKind]) -> cst.CSTNode | None:
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Expr) and id(small.value) in wanted:
                return small.value
    return None


def _calls_in(node: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is cst.Call:
            out.append(item)
        stack.extend(child_nodes(item))
    return out


# Seeding helpers of other libraries that seed only that library's own generator.
_OWN_SEED = frozenset({"seed", "reseed", "set_seed_for_library"})


def unknown_seeding(file: FileModel) -> bool:
    """True when the file calls a seeding helper kerascheck cannot see into.

    `seed_everything(42)`, `transformers.set_seed(0)`, `pl.seed_everything(1)`: what they seed
    is unknown, so the seed rules stay silent. The file's own functions are read through.
    A library's own `seed()` (`imgaug.seed(42)`, `ia.seed(1)`) seeds only that library.
    """
    known = {id(s.node) for s in file.seeds}
    for call in file.calls:
        if id(call.node) in known:
            continue
        name = call.callee or call.raw or call.method or ""
        last = name.rsplit(".", 1)[-1].lower()
        if call.callee is not None and "." in call.raw and last in _OWN_SEED:
            continue
        if "seed" in last and call.raw not in file.user_functions:
            return True
    return False


def reachable_calls(file: FileModel) -> list[CallSite]:
    """Calls that run when the file runs: at module level or in functions called from there."""
    callees: dict[str | None, set[str]] = {}
    for call in file.calls:
        if call.raw in file.user_functions:
            callees.setdefault(call.in_function, set()).add(call.raw)
    reached: set[str | None] = {None}
    pending: list[str | None] = [None]
    while pending:
        for name in callees.get(pending.pop(), ()):
            if name not in reached:
                reached.add(name)
                pending.append(name)
    return [c for c in file.calls if c.in_function in reached]


def runs_training(file: FileModel) -> bool:
    """The file trains a model when run (a reached `fit`), not only defines a train function."""
    if not file.trains:
        return False
    fits = {id(f.node) for f in file.fit_calls}
    return any(id(c.node) in fits for c in reachable_calls(file))


# Calls whose result is a model with trained weights read from a file.
_LOADERS = frozenset({"keras.models.load_model", "keras.saving.load_model"})


def trains_loaded_model_only(file: FileModel) -> bool:
    """The file's initial weights come from a saved model: it loads one and builds no layers
    (a harness re-training a stored model), or every fit it sees is on a loaded model."""
    loads = any(c.callee in _LOADERS for c in file.calls)
    if not loads:
        return False
    if not file.layers and not file.models:
        return True
    fits = [c for c in file.calls if c.method in ("fit", "fit_generator", "train_on_batch")]
    return bool(fits) and all(
        isinstance(c.receiver, CallValue) and c.receiver.callee in _LOADERS for c in fits
    )


@dataclass(frozen=True)
class KerasName:
    """How to spell `keras` at a point of the module, and the import needed if none is bound."""

    prefix: str
    imports: tuple[str, ...] = ()


def bound_name(file: FileModel, before: int, target: str) -> str | None:
    """The local name that top-level imports above statement `before` bind to `target`."""
    table = ImportTable()
    for imp in file.top_imports:
        if imp.statement < before:
            table.bindings.update(imp.bindings)
            table.star_modules.extend(imp.star_modules)
    for local in table.bindings:
        if table.resolve_dotted(local) == (target, local):
            return local
    return None


def keras_name(file: FileModel, before: int) -> KerasName:
    """`keras`, `tf.keras` or an alias bound by top-level imports above statement `before`."""
    local = bound_name(file, before, "keras")
    if local is not None:
        return KerasName(local)
    tf = bound_name(file, before, "tensorflow")
    if tf is not None:
        return KerasName(f"{tf}.keras")
    return KerasName("keras", ("import keras",))


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def first_work_statement(file: FileModel) -> int:
    """Index of the first top-level statement that builds a layer, shuffles or trains."""
    nodes: list[object] = [layer.node for layer in file.layers]
    nodes += [fit.node for fit in file.fit_calls]
    nodes += [c.node for c in file.calls if c.callee in SHUFFLES]
    indices = [file.anchors[id(n)] for n in nodes if id(n) in file.anchors]
    return min(indices, default=len(file.module.body))


def insert_seed_fix(file: FileModel) -> Fix:
    """Insert `keras.utils.set_random_seed(42)` after the imports that precede the first model."""
    body = list(file.module.body)
    limit = first_work_statement(file)
    position = 0
    for index, stmt in enumerate(body[:limit]):
        if _is_import_line(stmt) or (index == 0 and _is_docstring(stmt)):
            position = index + 1
    name = keras_name(file, position)
    statement = cst.parse_statement(f"{name.prefix}.{SEED_CALL}\n")
    body.insert(position, statement)
    return Fix(
        Applicability.UNSAFE,
        f"call {name.prefix}.{SEED_CALL} after the imports",
        (Edit(file.module, file.module.with_changes(body=body)),),
        name.imports,
    )
