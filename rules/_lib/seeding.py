"""What the reproducibility rules share: which generators a file seeds, and the seed fix."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from kerascheck.model.description import CallSite, FileModel, SeedCall, SeedKind
from kerascheck.model.results import Applicability, Edit, Fix
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


def unknown_seeding(file: FileModel) -> bool:
    """True when the file calls a seeding helper kerascheck cannot see into.

    `seed_everything(42)`, `transformers.set_seed(0)`, `pl.seed_everything(1)`: what they seed
    is unknown, so the seed rules stay silent. The file's own functions are read through.
    """
    known = {id(s.node) for s in file.seeds}
    for call in file.calls:
        if id(call.node) in known:
            continue
        name = call.callee or call.raw or call.method or ""
        last = name.rsplit(".", 1)[-1].lower()
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
