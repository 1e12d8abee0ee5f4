"""The dependency rule of docs/architecture.md: imports point down the layers, and never in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own layer and the layers before it, never one after it.
LAYERS = [
    ("model", ["kerascheck.model"]),
    ("knowledge", ["kerascheck.knowledge"]),
    ("read", ["kerascheck.read"]),
    ("engine", ["kerascheck.engine"]),
    ("rules", ["kerascheck.rules"]),
    ("report", ["kerascheck.report"]),
    ("run", ["kerascheck.run"]),
    ("runtime", ["kerascheck.runtime"]),
    (
        "front",
        ["kerascheck.api", "kerascheck.integrations", "kerascheck.cli", "kerascheck.__main__"],
    ),
]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "rules":
        parts = ["kerascheck", "rules", *parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources() -> dict[str, Path]:
    found = {}
    for base in ("kerascheck", "rules"):
        for path in sorted((ROOT / base).rglob("*.py")):
            found[module_name(path)] = path
    return found


def layer_of(module: str) -> int | None:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def imported_modules(module: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for each import of one of ours."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    # Imports guarded by `if TYPE_CHECKING:` at module level count as module-level.
    for node in tree.body:
        if isinstance(node, ast.If):
            top_level.update(id(child) for child in node.body)
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            targets = [base]
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    targets.append(f"{base}.{alias.name}")
        for target in targets:
            if target == "kerascheck" or target.startswith("kerascheck."):
                out.append((target, node.lineno, id(node) in top_level))
    return out


def test_imports_point_down() -> None:
    modules = sources()
    known = set(modules)
    upward = []
    unplaced = [m for m in modules if m != "kerascheck" and layer_of(m) is None]
    assert not unplaced, (
        f"modules in no layer (add them to LAYERS and docs/architecture.md): {unplaced}"
    )
    for module, path in modules.items():
        here = layer_of(module)
        if here is None:
            continue
        for target, line, _ in imported_modules(module, path, known):
            there = layer_of(target)
            if there is not None and there > here:
                upward.append(f"{path.relative_to(ROOT)}:{line} {module} -> {target}")
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    modules = sources()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = set()
        for target, _, at_top in imported_modules(module, path, known):
            # A package's own __init__ is importable from anywhere below it.
            if (
                at_top
                and target in known
                and target != module
                and not module.startswith(target + ".")
            ):
                edges.add(target)
        graph[module] = edges
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _function_starts(tree: ast.Module) -> list[tuple[int, int]]:
    """(first line, last line) of every function."""
    return [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_function_level_imports_say_why() -> None:
    """An import inside a function is there to keep start-up fast; a comment in the function,
    before or on the import, says so."""
    modules = sources()
    known = set(modules)
    silent = []
    for module, path in modules.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        functions = _function_starts(ast.parse(text))
        for target, line, at_top in imported_modules(module, path, known):
            if at_top:
                continue
            start = max((first for first, last in functions if first <= line <= last), default=line)
            said = any("#" in lines[index] for index in range(start - 1, line))
            if not said:
                silent.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not silent, "function-level imports without a comment saying why:\n" + "\n".join(
        sorted(set(silent))
    )
