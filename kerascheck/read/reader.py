"""Read a parsed module once and build the model description that rules read."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from kerascheck.knowledge import keras_facts as facts
from kerascheck.knowledge.spellings import canonical
from kerascheck.model.description import (
    UNKNOWN_LAYER,
    AttributeRef,
    CallSite,
    Compile,
    FileModel,
    Fit,
    Layer,
    Model,
    SeedCall,
    SeedKind,
    Tensor,
)
from kerascheck.model.values import UNKNOWN, CallValue, Ref, Repeated, is_unknown
from kerascheck.read.cst_fields import child_nodes, nodes_in, of_kind
from kerascheck.read.data_flow import trace_data
from kerascheck.read.literals import (
    arithmetic,
    float_value,
    integer_value,
    is_number,
    string_value,
)
from kerascheck.read.module_facts import all_statements, class_methods, top_imports
from kerascheck.read.names import ImportTable, dotted_name, is_keras
from kerascheck.read.project import (
    ParsedModule,
    find_module,
    is_library,
    is_package_folder,
    parsed_module,
)
from kerascheck.read.shapes import infer_shapes

# How deep calls to the file's own functions are followed.
_MAX_INLINE_DEPTH = 4
# How far other modules of the project are followed: the checked file's own imports (1) and
# what those import (2). Deeper chains stay unknown; following them costs more than it finds.
_MAX_PROJECT_DEPTH = 2

_SEED_FUNCTIONS: dict[str, SeedKind] = {
    "keras.utils.set_random_seed": SeedKind.KERAS,
    "tensorflow.random.set_seed": SeedKind.TENSORFLOW,
    "numpy.random.seed": SeedKind.NUMPY,
    "random.seed": SeedKind.PYTHON,
    "torch.manual_seed": SeedKind.TORCH,
    "tensorflow.config.experimental.enable_op_determinism": SeedKind.OP_DETERMINISM,
    "torch.use_deterministic_algorithms": SeedKind.OP_DETERMINISM,
}

# Environment variables that seed or make ops deterministic when set by the program itself.
_SEED_ENVIRON: dict[str, SeedKind] = {
    "PYTHONHASHSEED": SeedKind.HASHSEED,
    "TF_DETERMINISTIC_OPS": SeedKind.OP_DETERMINISM,
}
_ENVIRON_SETTERS = frozenset({"os.environ.setdefault", "os.putenv"})

_MODEL_BASES = frozenset({"keras.Model", "keras.Sequential"})
_FIT_METHODS = frozenset({"fit", "fit_generator", "train_on_batch"})


@dataclass(eq=False)
class Partial:
    """`functools.partial(keras.layers.Dense, ...)`: a layer factory with preset keywords."""

    callee: str
    raw: str
    kwargs: dict[str, Any]
    kwarg_nodes: dict[str, cst.Arg]
    node: cst.Call


@dataclass(eq=False)
class UserFunction:
    node: cst.FunctionDef
    anchor: int
    called: bool = False
    # The module of another project file the function is defined in (None: this file).
    home: ProjectModule | None = None


@dataclass(eq=False)
class ProjectModule:
    """Another module of the project, as its functions see it: its imports and its top-level
    names (functions, constants, the project modules it imports itself)."""

    parsed: ParsedModule
    imports: ImportTable = field(default_factory=ImportTable)
    scope: Scope = field(default_factory=lambda: Scope())


@dataclass(eq=False)
class Deferred:
    """A name imported from another module of the project, read when first looked up: most
    imported names are never used where the reader looks, and reading a module costs a parse."""

    # Reads the name for the reader looking it up. It holds no reader itself: a reader its own
    # scopes kept alive would leave the checked file's whole tree to the cyclic collector.
    resolve: Callable[[_Reader], Any]
    # Being read: two modules importing a name from each other stop here.
    busy: bool = False


@dataclass(eq=False)
class Scope:
    names: dict[str, Any] = field(default_factory=dict)
    parent: Scope | None = None

    def lookup(self, name: str, reader: _Reader) -> Any:
        scope: Scope | None = self
        while scope is not None:
            value = scope.names.get(name, _MISSING)
            if value is not _MISSING:
                if type(value) is Deferred:
                    value = scope.get(name, reader)
                if value is not _MISSING:
                    return value
            scope = scope.parent
        return _MISSING

    def get(self, name: str, reader: _Reader) -> Any:
        """The name's value in this scope alone (a deferred import read now), or _MISSING."""
        value = self.names.get(name, _MISSING)
        if not isinstance(value, Deferred):
            return value
        deferred = value
        if deferred.busy:
            return _MISSING
        deferred.busy = True
        try:
            value = deferred.resolve(reader)
        finally:
            deferred.busy = False
        if self.names.get(name) is deferred:
            if value is _MISSING:
                del self.names[name]
            else:
                self.names[name] = value
        return value


_MISSING = object()
_KEYWORD_VALUES = {"True": True, "False": False, "None": None}


def read_module(module: cst.Module, path: str) -> FileModel:
    reader = _Reader(module, path)
    reader.run()
    # Separate passes over what the walk found: shapes through the models, facts of the data.
    infer_shapes(reader.file)
    trace_data(reader.file)
    reader.file.top_imports = top_imports(module)
    reader.file.class_methods = class_methods(module)
    return reader.file


class _Reader:
    def __init__(self, module: cst.Module, path: str) -> None:
        self.file = FileModel(path=path, module=module)
        self.imports = ImportTable()
        self.scope = Scope()
        self.seq = 0
        self.repeat: int | None = 1
        self.function: str | None = None
        self.depth = 0
        self.functions: dict[str, UserFunction] = {}
        # Producer -> consumer links between layers of functional graphs.
        self.links: list[tuple[Layer, Layer]] = []
        # The same links by consumer, so a graph is walked in its own size, not the file's.
        self.producers_of: dict[int, list[Layer]] = {}
        self.call_order: dict[int, int] = {}
        self.returned: list[Any] = []
        self.anchor = 0
        # The if/else and try/except arms being read (see Layer.branch).
        self.branch: tuple[int, ...] = ()
        self.arms = 0
        # The scope an ordinary class's methods share for `self.*` while it is read.
        self.class_scope: Scope | None = None
        # Depth of version/feature-guarded blocks being read (see CallSite.guarded).
        self.guards = 0
        # Other modules of the project read through imports, by path (None: being read, or
        # unreadable), and the file whose imports are being resolved.
        self.project_modules: dict[str, ProjectModule | None] = {}
        self.project_depth = 0
        self.importer = path

    # ------------------------------------------------------------ driving

    def run(self) -> None:
        for index, stmt in enumerate(self.file.module.body):
            self.anchor = index
            self.statement(stmt)
        # Functions never called at module level are still read, with unknown parameters.
        for name, fn in list(self.functions.items()):
            if not fn.called:
                self.call_user_function(name, fn, (), {})

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def statements(self, body: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: cst.CSTNode) -> None:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                self.small_statement(small)
        elif type(stmt) is cst.FunctionDef:
            self.file.user_functions.add(stmt.name.value)
            self.scope.names[stmt.name.value] = UserFunction(stmt, self.anchor)
            self.functions[stmt.name.value] = self.scope.names[stmt.name.value]
        elif type(stmt) is cst.ClassDef:
            self.class_def(stmt)
        elif type(stmt) is cst.For:
            self.for_loop(stmt)
        elif type(stmt) is cst.While:
            self.expr(stmt.test)
            self.with_repeat(None, stmt.body)
            if stmt.orelse is not None:
                self.block(stmt.orelse.body)
        elif type(stmt) is cst.If:
            guard = _is_version_test(stmt.test)
            self.guards += guard
            try:
                self.expr(stmt.test)
                self.arm(stmt.body)
                if isinstance(stmt.orelse, cst.Else):
                    self.arm(stmt.orelse.body)
                elif stmt.orelse is not None:
                    self.arm(stmt.orelse)
            finally:
                self.guards -= guard
        elif type(stmt) is cst.Else:
            self.block(stmt.body)
        elif type(stmt) is cst.With:
            for item in stmt.items:
                self.expr(item.item)
            self.block(stmt.body)
        elif type(stmt) is cst.Try or type(stmt) is cst.TryStar:
            guard = any(_catches_compat_errors(h) for h in stmt.handlers)
            self.guards += guard
            try:
                self.arm(stmt.body)
                for handler in stmt.handlers:
                    self.arm(handler.body)
            finally:
                self.guards -= guard
            if stmt.orelse is not None:
                self.block(stmt.orelse.body)
            if stmt.finalbody is not None:
                self.block(stmt.finalbody.body)
        elif isinstance(stmt, cst.BaseCompoundStatement):
            self.block(stmt.body)

    def block(self, body: cst.BaseSuite) -> None:
        if type(body) is cst.IndentedBlock or type(body) is cst.SimpleStatementSuite:
            self.statements(body.body)

    def arm(self, body: cst.BaseSuite | cst.If) -> None:
        """Read one arm of an if/elif/else or try/except, which may run instead of another."""
        self.arms += 1
        saved = self.branch
        self.branch = (*saved, self.arms)
        try:
            if isinstance(body, cst.If):
                self.statement(body)
            else:
                self.block(body)
        finally:
            self.branch = saved

    def with_repeat(self, count: int | None, body: cst.BaseSuite) -> None:
        saved = self.repeat
        self.repeat = None if count is None or saved is None else saved * count
        try:
            self.block(body)
        finally:
            self.repeat = saved

    def for_loop(self, stmt: cst.For) -> None:
        count = self.range_count(stmt.iter)
        iterable = self.expr(stmt.iter)
        if count is None and isinstance(iterable, list | tuple):
            # `for units in [300, 100]:` runs once per element.
            count = len(iterable)
        self.bind_target(stmt.target, UNKNOWN)
        self.with_repeat(count, stmt.body)
        if stmt.orelse is not None:
            self.block(stmt.orelse.body)

    def range_count(self, node: cst.BaseExpression) -> int | None:
        if not (type(node) is cst.Call and dotted_name(node.func) == "range"):
            return None
        if self.scope.lookup("range", self) is not _MISSING:
            return None
        values = [self.value_only(a.value) for a in node.args if not a.keyword and not a.star]
        if not values or len(values) != len(node.args) or len(values) > 3:
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return None
        return len(range(*values))

    # ------------------------------------------------------------ small statements

    def small_statement(self, stmt: cst.BaseSmallStatement) -> None:
        if type(stmt) is cst.Import:
            self.imports.add_import(stmt)
            for alias in stmt.names:
                local = alias.evaluated_alias or alias.evaluated_name.split(".", 1)[0]
                self.scope.names.pop(local, None)
                self.note_import(alias.evaluated_name, alias)
                if alias.evaluated_alias or "." not in alias.evaluated_name:
                    self.bind_project_module(local, alias.evaluated_name, 0)
        elif type(stmt) is cst.ImportFrom:
            self.imports.add_import_from(stmt)
            if not isinstance(stmt.names, cst.ImportStar):
                module = dotted_name(stmt.module) if stmt.module and not stmt.relative else None
                for alias in stmt.names:
                    self.scope.names.pop(alias.evaluated_alias or alias.evaluated_name, None)
                    if module:
                        self.note_import(f"{module}.{alias.evaluated_name}", alias)
            self.import_from_project(stmt)
        elif type(stmt) is cst.Assign:
            value = self.expr(stmt.value)
            for target in stmt.targets:
                self.bind_target(target.target, value, stmt)
        elif type(stmt) is cst.AnnAssign:
            value = self.expr(stmt.value) if stmt.value is not None else UNKNOWN
            self.bind_target(stmt.target, value, stmt)
        elif type(stmt) is cst.AugAssign:
            self.expr(stmt.value)
            self.bind_target(stmt.target, UNKNOWN)
        elif type(stmt) is cst.Expr:
            self.expr(stmt.value)
        elif type(stmt) is cst.Return:
            self.returned.append(self.expr(stmt.value) if stmt.value is not None else None)

    def bind_target(self, target: cst.BaseExpression, value: Any, stmt: Any = None) -> None:
        if type(target) is cst.Name:
            self.scope.names[target.value] = value
            self.imports.forget(target.value)
            self.name_model(value, target.value)
        elif type(target) is cst.Attribute:
            name = dotted_name(target)
            if name is not None:
                scope = self.scope
                if name.startswith("self.") and self.class_scope is not None:
                    scope = self.class_scope  # seen by the class's other methods
                scope.names[name] = value
                self.name_model(value, name)
        elif type(target) is cst.Tuple or type(target) is cst.List:
            elements = [e.value for e in target.elements]
            values: Sequence[Any]
            if isinstance(value, tuple | list) and len(value) == len(elements):
                values = value
            else:
                values = [UNKNOWN] * len(elements)
            for element, item in zip(elements, values, strict=True):
                self.bind_target(element, item)
        elif type(target) is cst.Subscript:
            self.environ_assignment(target, stmt)

    def name_model(self, value: Any, name: str) -> None:
        if isinstance(value, Model) and value.var is None:
            value.var = name
        if isinstance(value, Layer) and value.var is None:
            value.var = name

    def environ_assignment(self, target: cst.Subscript, stmt: Any) -> None:
        resolved = self.imports.resolve(target.value)
        if resolved is None or resolved[0] != "os.environ" or len(target.slice) != 1:
            return
        index = target.slice[0].slice
        if type(index) is cst.Index:
            key = self.value_only(index.value)
            kind = _SEED_ENVIRON.get(key) if isinstance(key, str) else None
            if kind is not None:
                self.add_seed(kind, stmt if stmt is not None else target)

    def add_seed(self, kind: SeedKind, node: cst.CSTNode) -> None:
        self.file.anchors[id(node)] = self.anchor
        self.file.seeds.append(
            SeedCall(
                kind=kind, node=node, seq=self.next_seq(), in_function=self.function is not None
            )
        )

    # ------------------------------------------------------------ other project modules

    def project_module(self, dotted: str, level: int) -> ProjectModule | None:
        """The module `dotted` of this project, read once (imports, functions, constants)."""
        if self.project_depth >= _MAX_PROJECT_DEPTH:
            return None
        path = find_module(self.importer, dotted, level)
        if path is None or path == os.path.abspath(self.file.path):
            return None  # not in the project, or the checked file itself
        if path in self.project_modules:
            return self.project_modules[path]  # None while it is being read: an import cycle
        self.project_modules[path] = None
        parsed = parsed_module(path)
        if parsed is None:
            return None
        home = ProjectModule(parsed)
        outer = (self.scope, self.imports, self.importer, self.function, self.anchor)
        self.scope, self.imports, self.importer = home.scope, home.imports, path
        self.function = "<import>"  # nothing there is module level of the checked file
        self.project_depth += 1
        functions = 0
        try:
            for stmt in parsed.module.body:
                if type(stmt) is cst.FunctionDef and parsed.function_sources:
                    # A stub: the function is parsed when the name is first looked up.
                    resolve = functools.partial(_home_function, home, functions)
                    home.scope.names[stmt.name.value] = Deferred(resolve)
                    functions += 1
                else:
                    self.module_level_name(stmt, home)
        finally:
            self.project_depth -= 1
            self.scope, self.imports, self.importer, self.function, self.anchor = outer
        self.project_modules[path] = home
        stamp = parsed.stamp
        self.file.used_files.append((stamp.path, stamp.size, stamp.mtime_ns))
        self.file.other_nodes.append(parsed)
        return home

    def module_level_name(self, stmt: cst.BaseStatement, home: ProjectModule) -> None:
        """What a top-level statement of another module binds: a function, a constant, an
        import. Nothing else there is read (it runs on import, not in the checked file)."""
        if type(stmt) is cst.FunctionDef:
            home.scope.names[stmt.name.value] = UserFunction(stmt, self.anchor, home=home)
            return
        if type(stmt) is not cst.SimpleStatementLine:
            return
        for small in stmt.body:
            if type(small) is cst.Import or type(small) is cst.ImportFrom:
                self.small_statement(small)
            elif type(small) is cst.Assign and _is_constant(small.value):
                value = self.expr(small.value)
                for target in small.targets:
                    if type(target.target) is cst.Name:
                        home.scope.names[target.target.value] = value
            elif (
                type(small) is cst.AnnAssign
                and small.value is not None
                and _is_constant(small.value)
                and type(small.target) is cst.Name
            ):
                home.scope.names[small.target.value] = self.expr(small.value)

    def deferred(self, resolve: Callable[[_Reader], Any]) -> Deferred:
        """`resolve` run when the name is first looked up, as if at the import."""
        return Deferred(functools.partial(_as_imported, self.importer, self.project_depth, resolve))

    def bind_project_module(self, local: str, dotted: str, level: int) -> None:
        if self.project_depth >= _MAX_PROJECT_DEPTH or is_library(dotted, level):
            return
        resolve = functools.partial(_Reader.module_value, dotted=dotted, level=level)
        self.scope.names[local] = self.deferred(resolve)

    def module_value(self, dotted: str, level: int) -> Any:
        home = self.project_module(dotted, level)
        return _MISSING if home is None else home

    def import_from_project(self, stmt: cst.ImportFrom) -> None:
        """`from models import build_model`, `from .nets import cnn`: names of the project's
        own modules, read through like the file's own, when first used."""
        dotted = dotted_name(stmt.module) if stmt.module is not None else ""
        if dotted is None or not (dotted or stmt.relative):
            return
        level = len(stmt.relative)
        if self.project_depth >= _MAX_PROJECT_DEPTH or is_library(dotted, level):
            return
        if isinstance(stmt.names, cst.ImportStar):
            # Which names a star import binds is only known by reading the module now.
            home = self.project_module(dotted, level)
            if home is not None:
                public = [k for k in home.scope.names if not k.startswith("_")]
                self.scope.names.update({k: home.scope.names[k] for k in public})
            return
        for alias in stmt.names:
            name = alias.evaluated_name
            local = alias.evaluated_alias or name
            resolve = functools.partial(
                _Reader.imported_value, dotted=dotted, level=level, name=name
            )
            self.scope.names[local] = self.deferred(resolve)

    def imported_value(self, dotted: str, level: int, name: str) -> Any:
        """`name` of module `dotted`: its value there, or a submodule of that name."""
        home = self.project_module(dotted, level)
        if home is not None and name in home.scope.names:
            return home.scope.get(name, self)
        if is_package_folder(self.importer, dotted, level):
            submodule = self.project_module(f"{dotted}.{name}" if dotted else name, level)
            if submodule is not None:
                return submodule
        return _MISSING

    # ------------------------------------------------------------ classes and functions

    def class_def(self, stmt: cst.ClassDef) -> None:
        bases = [self.expr(b.value) for b in stmt.bases]
        is_model = any(isinstance(b, Ref) and b.name in _MODEL_BASES for b in bases)
        if not is_model:
            self.scope.names[stmt.name.value] = UNKNOWN
            self.helper_class(stmt)
            return
        model = Model(kind="subclassed", var=stmt.name.value, node=stmt, seq=self.next_seq())
        self.file.anchors[id(stmt)] = self.anchor
        methods = {f.name.value: f for f in _suite(stmt.body) if type(f) is cst.FunctionDef}
        outer = self.scope
        self.scope = Scope(parent=outer)
        start = len(self.file.models)
        try:
            if "__init__" in methods:
                self.function_body(methods["__init__"], {}, new_scope=False)
            layers = [v for k, v in self.scope.names.items() if k.startswith("self.")]
            model.layers = [v for v in layers if isinstance(v, Layer)]
            call = methods.get("call")
            if call is not None:
                self.wire_subclass(model, call)
            for name, method in methods.items():
                if name not in ("__init__", "call"):
                    self.function_body(method, {}, new_scope=True)
        finally:
            self.scope = outer
        # Sub-models built inside methods are their own models; this one is the class.
        del self.file.models[start:]
        model.complete = False
        self.file.models.append(model)
        self.scope.names[stmt.name.value] = model

    def helper_class(self, stmt: cst.ClassDef) -> None:
        """An ordinary class: its methods share `self.*`, so a model built in `build()` is
        the one `train()` compiles and fits. `__init__` is read first, then the methods that
        set attributes of `self`, then the others, each group in source order."""
        methods = [f for f in _suite(stmt.body) if type(f) is cst.FunctionDef]
        methods.sort(key=lambda f: (f.name.value != "__init__", not _sets_self(f)))
        outer, outer_class = self.scope, self.class_scope
        self.scope = self.class_scope = Scope(parent=outer)
        try:
            for method in methods:
                self.function_body(method, {})
        finally:
            self.scope, self.class_scope = outer, outer_class

    def wire_subclass(self, model: Model, call: cst.FunctionDef) -> None:
        params = [p.name.value for p in call.params.params]
        inputs = Layer(
            cls="keras.Input",
            raw="<call input>",
            args=(),
            kwargs={},
            node=call,
            seq=self.next_seq(),
        )
        bound: dict[str, Any] = {}
        if len(params) >= 2:
            bound[params[1]] = Tensor([inputs])
        links_before = len(self.links)
        returned = self.function_body(call, bound, new_scope=True)
        outputs = _producers(returned) or []
        index = {id(layer): i for i, layer in enumerate(model.layers)}
        for src, dst in self.links[links_before:]:
            if id(src) in index and id(dst) in index:
                model.edges.append((index[id(src)], index[id(dst)]))
        model.outputs = [index[id(p)] for p in outputs if id(p) in index]

    def function_body(
        self,
        fn: cst.FunctionDef,
        bound: dict[str, Any],
        new_scope: bool = True,
        label: str | None = None,
    ) -> Any:
        outer, outer_function, outer_returned = self.scope, self.function, self.returned
        if new_scope:
            self.scope = Scope(parent=outer)
        for param in [*fn.params.params, *fn.params.kwonly_params, *fn.params.posonly_params]:
            name = param.name.value
            if name in bound:
                self.scope.names[name] = bound[name]
            elif param.default is not None:
                self.scope.names[name] = self.expr(param.default)
            else:
                self.scope.names[name] = UNKNOWN
        for star in (fn.params.star_arg, fn.params.star_kwarg):
            if type(star) is cst.Param:
                self.scope.names[star.name.value] = UNKNOWN
        self.function = label or fn.name.value
        self.returned = []
        try:
            self.block(fn.body)
            returned = self.returned
        finally:
            if new_scope:
                self.scope = outer
            self.function = outer_function
            self.returned = outer_returned
        return returned[0] if len(returned) == 1 else UNKNOWN

    def call_user_function(
        self, name: str, fn: UserFunction, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        fn.called = True
        if self.depth >= _MAX_INLINE_DEPTH:
            return UNKNOWN
        params = [p.name.value for p in fn.node.params.params]
        bound = dict(zip(params, args, strict=False))
        bound.update(kwargs)
        self.depth += 1
        saved_anchor, self.anchor = self.anchor, fn.anchor
        home = fn.home
        outer = (self.scope, self.imports, self.importer)
        if home is not None:
            # A function of another module sees that module's names, not the caller's; it
            # keeps the name it is called by, so its calls are reached from here.
            self.scope, self.imports = home.scope, home.imports
            self.importer = home.parsed.path
            self.anchor = saved_anchor
            self.file.user_functions.add(name)
        try:
            return self.function_body(fn.node, bound, label=name if home is not None else None)
        finally:
            self.depth -= 1
            self.anchor = saved_anchor
            self.scope, self.imports, self.importer = outer

    # ------------------------------------------------------------ expressions

    def value_only(self, node: cst.BaseExpression) -> Any:
        """Evaluate a small expression that records nothing (literals and constants)."""
        if isinstance(node, cst.Integer | cst.Float | cst.SimpleString | cst.Name):
            return self.expr(node)
        if type(node) is cst.UnaryOperation or type(node) is cst.BinaryOperation:
            return self.expr(node)
        return UNKNOWN

    def expr(self, node: cst.CSTNode | None) -> Any:
        if node is None:
            return None
        # By exact type: an isinstance check against a libcst class goes through ABCMeta in
        # Python, and this runs for every expression of the file.
        evaluate = _EVALUATORS.get(type(node))
        if evaluate is not None:
            return evaluate(self, node)
        self.visit_children(node)
        return UNKNOWN

    def string(self, node: cst.SimpleString) -> Any:
        return string_value(node.value)

    def concatenated(self, node: cst.ConcatenatedString) -> Any:
        left, right = self.expr(node.left), self.expr(node.right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return UNKNOWN

    def list_literal(self, node: cst.List) -> Any:
        return [self.element(e) for e in node.elements]

    def tuple_literal(self, node: cst.Tuple) -> Any:
        return tuple(self.element(e) for e in node.elements)

    def unary(self, node: cst.UnaryOperation) -> Any:
        operand = self.expr(node.expression)
        operator = type(node.operator)
        if operator is cst.Minus and is_number(operand):
            return -operand
        if operator is cst.Plus and is_number(operand):
            return operand
        return UNKNOWN

    def binary(self, node: cst.BinaryOperation) -> Any:
        left, right = self.expr(node.left), self.expr(node.right)
        value = arithmetic(node.operator, left, right)
        if is_unknown(value):
            return self.opaque(node, [left, right]) or value
        return value

    def visit_children(self, node: cst.CSTNode) -> None:
        """Record the calls inside an expression the reader does not evaluate."""
        # The common kinds by their fields, in source order: `children` rebuilds the node.
        if type(node) is cst.Subscript:
            self.expr(node.value)
            for element in node.slice:
                part = element.slice
                if type(part) is cst.Index:
                    self.expr(part.value)
                elif type(part) is cst.Slice:
                    self.expr(part.lower)
                    self.expr(part.upper)
                    self.expr(part.step)
            return
        if type(node) is cst.Comparison:
            self.expr(node.left)
            for target in node.comparisons:
                self.expr(target.comparator)
            return
        if type(node) is cst.BooleanOperation:
            self.expr(node.left)
            self.expr(node.right)
            return
        fields = _SOURCE_FIELDS.get(type(node))
        for child in node.children if fields is None else nodes_in(node, fields):
            if of_kind(type(child), cst.BaseExpression):
                self.expr(child)
            elif not of_kind(type(child), _NO_EXPRESSIONS):
                self.visit_children(child)

    def element(self, element: cst.BaseElement) -> Any:
        value = self.expr(element.value)
        if type(element) is cst.StarredElement:
            if isinstance(value, Repeated):
                return value
            return Repeated(UNKNOWN, None)
        return value

    def dict_literal(self, node: cst.Dict) -> Any:
        out: dict[Any, Any] = {}
        known = True
        for element in node.elements:
            if type(element) is cst.DictElement:
                key, value = self.expr(element.key), self.expr(element.value)
                if isinstance(key, str | int):
                    out[key] = value
                else:
                    known = False
            else:
                self.expr(element.value)
                known = False
        return out if known else UNKNOWN

    def comprehension(self, node: cst.ListComp | cst.GeneratorExp) -> Any:
        generator = node.for_in
        count = self.range_count(generator.iter) if generator.inner_for_in is None else None
        if generator.ifs:
            count = None
        self.expr(generator.iter)
        outer = self.scope
        self.scope = Scope(parent=outer)
        try:
            self.bind_target(generator.target, UNKNOWN)
            saved = self.repeat
            self.repeat = None if count is None or saved is None else saved * count
            try:
                value = self.expr(node.elt)
            finally:
                self.repeat = saved
        finally:
            self.scope = outer
        return Repeated(value, count)

    def name(self, node: cst.Name) -> Any:
        local = self.scope.lookup(node.value, self)
        if local is not _MISSING:
            return local
        if node.value in _KEYWORD_VALUES:
            return _KEYWORD_VALUES[node.value]
        resolved = self.imports.resolve_dotted(node.value)
        if resolved is not None:
            if node.value in self.imports.bindings:
                # A name from a star import may come from elsewhere: never judge its spelling.
                self.note_attribute(resolved, node, self.imports.full_dotted(node.value) or "")
            return Ref(*resolved)
        return UNKNOWN

    def attribute(self, node: cst.Attribute, raw: str | None = None) -> Any:
        """`raw`: the node's dotted name when the caller has it already."""
        if raw is None:
            raw = dotted_name(node)
        if raw is not None:
            local = self.scope.lookup(raw, self)
            if local is not _MISSING:
                return local
            root = raw.split(".", 1)[0]
            base = self.scope.lookup(root, self)
            if isinstance(base, ProjectModule):
                found = _module_attribute(base, raw.split(".")[1:], self)
                if found is not _MISSING:
                    return found
                base = _MISSING  # a name the reader did not take from it: as imported
            if isinstance(base, Ref):
                full = base.name + raw[len(root) :]
                ref = Ref(canonical(full), raw)
                self.note_attribute((ref.name, raw), node)
                return ref
            if base is _MISSING:
                resolved = self.imports.resolve_dotted(raw)
                if resolved is not None:
                    if root in self.imports.bindings:
                        full = self.imports.full_dotted(raw) or ""
                        self.note_attribute(resolved, node, full)
                    return Ref(*resolved)
            return UNKNOWN
        self.expr(node.value)
        return UNKNOWN

    def note_attribute(
        self, resolved: tuple[str, str], node: cst.CSTNode, full: str = "", imported: bool = False
    ) -> None:
        name, raw = resolved
        if is_keras(name):
            self.file.attributes.append(
                AttributeRef(
                    name=name,
                    raw=raw,
                    node=node,
                    full=full,
                    imported=imported,
                    guarded=self.guards > 0,
                )
            )
            self.file.anchors[id(node)] = self.anchor

    def note_import(self, full: str, alias: cst.ImportAlias) -> None:
        """`from keras.callbacks import X`: the imported name, judged where it is imported."""
        self.note_attribute((canonical(full), full), alias, full, imported=True)

    # ------------------------------------------------------------ calls

    def arguments(
        self, node: cst.Call
    ) -> tuple[tuple[Any, ...], dict[str, Any], dict[str, cst.Arg], bool, bool]:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        arg_nodes: dict[str, cst.Arg] = {}
        star_args = star_kwargs = False
        for arg in node.args:
            value = self.expr(arg.value)
            if arg.star == "*":
                star_args = True
                if isinstance(value, list | tuple):
                    args.extend(value)
            elif arg.star == "**":
                star_kwargs = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
                arg_nodes[arg.keyword.value] = arg
            else:
                args.append(value)
        return tuple(args), kwargs, arg_nodes, star_args, star_kwargs

    def call(self, node: cst.Call) -> Any:
        func = node.func
        receiver: Any = None
        method: str | None = None
        raw_func = dotted_name(func)
        if type(func) is cst.Attribute and raw_func is None:
            # `make().fit(...)`: a method on the result of an expression.
            receiver, target, method = self.expr(func.value), UNKNOWN, func.attr.value
        else:
            if type(func) is cst.Attribute:
                target = self.attribute(func, raw_func)
            else:
                target = self.expr(func)
            if type(func) is cst.Attribute and is_unknown(target):
                method = func.attr.value
                receiver = self.expr(func.value)
        args, kwargs, arg_nodes, star_args, star_kwargs = self.arguments(node)
        callee = target.name if isinstance(target, Ref) else None
        seq = self.next_seq()
        # Its function and arguments are anchored from `calls` when asked (model.Anchors).
        self.file.anchors[id(node)] = self.anchor
        self.file.calls.append(
            CallSite(
                callee=callee,
                raw=raw_func or "",
                method=method,
                node=node,
                args=args,
                kwargs=kwargs,
                seq=seq,
                receiver=receiver,
                in_function=self.function,
                star_kwargs=star_kwargs,
                guarded=self.guards > 0,
            )
        )
        if method is not None:
            return self.method_call(method, receiver, node, args, kwargs, star_kwargs, seq)
        if isinstance(target, UserFunction):
            name = raw_func or ""
            return self.call_user_function(name, target, args, kwargs)
        if isinstance(target, Partial):
            merged = {**target.kwargs, **kwargs}
            nodes = {**target.kwarg_nodes, **arg_nodes}
            return self.construct(
                target.callee,
                target.raw,
                node,
                args,
                merged,
                nodes,
                star_args,
                star_kwargs,
                factory=target.node,
            )
        if isinstance(target, Layer):
            return self.apply_layer(target, args, kwargs)
        if isinstance(target, Model):
            # A model used as a layer inside another graph: how many outputs it has is not
            # followed, but what feeds it stays part of the graph.
            applied = self.opaque(node, [*args, *kwargs.values()])
            if applied is not None:
                return applied
            # `MyModel()`: an instance of the file's own Model subclass, compiled and fit.
            return target if target.kind == "subclassed" else Tensor([])
        if isinstance(target, Ref):
            value = self.construct(
                target.name, target.raw, node, args, kwargs, arg_nodes, star_args, star_kwargs
            )
            if isinstance(value, CallValue):
                # `tf.concat([a, b], -1)`, `keras.ops.mean(x)`: an operation on tensors.
                return self.opaque(node, [*args, *kwargs.values()]) or value
            return value
        # A custom layer or function applied to tensors (`MyBlock(8)(x)`, `helper(x)`).
        return self.opaque(node, [*args, *kwargs.values()]) or UNKNOWN

    def opaque(self, node: cst.BaseExpression, inputs: list[Any]) -> Tensor | None:
        """A stand-in layer for an operation on tensors the reader cannot see into, so that
        what is upstream stays in the graph; None when no input is a tensor."""
        sources = [item for item in _flat_items(inputs) if isinstance(item, Tensor)]
        if not sources:
            return None
        layer = Layer(
            cls=UNKNOWN_LAYER,
            raw="",
            args=(),
            kwargs={},
            node=node,
            repeat=self.repeat,
            seq=self.next_seq(),
            branch=self.branch,
        )
        tensor: Tensor = self.apply_layer(layer, (sources,), {})
        return tensor

    def construct(
        self,
        callee: str,
        raw: str,
        node: cst.Call,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        arg_nodes: dict[str, cst.Arg],
        star_args: bool,
        star_kwargs: bool,
        factory: cst.Call | None = None,
    ) -> Any:
        if callee in _SEED_FUNCTIONS:
            self.add_seed(_SEED_FUNCTIONS[callee], node)
            return None
        if callee in _ENVIRON_SETTERS and args and isinstance(args[0], str):
            kind = _SEED_ENVIRON.get(args[0])
            if kind is not None:
                self.add_seed(kind, node)
        if callee == "functools.partial" and args and isinstance(args[0], Ref):
            return Partial(args[0].name, args[0].raw, dict(kwargs), dict(arg_nodes), node)
        if callee in facts.MERGE_FUNCTIONS:
            layer = self.new_layer(
                facts.MERGE_FUNCTIONS[callee], raw, node, (), kwargs, arg_nodes, False, star_kwargs
            )
            return self.apply_layer(layer, args[:1], {})
        if facts.is_layer_class(callee):
            layer = self.new_layer(
                callee, raw, node, args, kwargs, arg_nodes, star_args, star_kwargs, factory
            )
            if callee == "keras.Input":
                return Tensor([layer])
            return layer
        if callee == "keras.Sequential":
            return self.sequential(node, args, kwargs)
        if callee == "keras.Model" and (args or "inputs" in kwargs or "outputs" in kwargs):
            return self.functional(node, args, kwargs)
        return CallValue(
            callee=callee,
            raw=raw,
            args=args,
            kwargs=kwargs,
            node=node,
            kwarg_nodes=arg_nodes,
            star_kwargs=star_kwargs,
        )

    def new_layer(
        self,
        cls: str,
        raw: str,
        node: cst.Call,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        arg_nodes: dict[str, cst.Arg],
        star_args: bool,
        star_kwargs: bool,
        factory: cst.Call | None = None,
    ) -> Layer:
        seq = self.next_seq()
        if self.function is None and self.file.first_build_seq is None:
            self.file.first_build_seq = seq
        layer = Layer(
            cls=cls,
            raw=raw,
            args=args,
            kwargs=kwargs,
            node=node,
            call=node,
            repeat=self.repeat,
            factory=factory,
            kwarg_nodes=arg_nodes,
            star_kwargs=star_kwargs,
            star_args=star_args,
            seq=seq,
            branch=self.branch,
        )
        self.file.layers.append(layer)
        return layer

    def apply_layer(self, layer: Layer, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """`layer(x)`: link the producers of the input tensors to this layer."""
        inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
        sources = inputs if isinstance(inputs, list | tuple) else [inputs]
        for source in sources:
            if isinstance(source, Tensor):
                for producer in source.producers:
                    self.links.append((producer, layer))
                    self.producers_of.setdefault(id(layer), []).append(producer)
        self.call_order.setdefault(id(layer), self.next_seq())
        return Tensor([layer])

    def sequential(self, node: cst.Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Model:
        model = Model(kind="sequential", var=None, node=node, seq=self.next_seq())
        if self.function is None and self.file.first_build_seq is None:
            self.file.first_build_seq = model.seq
        items = args[0] if args else kwargs.get("layers")
        if isinstance(items, Repeated):
            items = [items]
        if isinstance(items, list | tuple):
            for item in items:
                self.add_to_sequential(model, item)
        elif items is not None:
            model.complete = False
            model.gaps.append(0)
        self.file.models.append(model)
        return model

    def add_to_sequential(self, model: Model, item: Any, repeat: int | None = 1) -> None:
        if isinstance(item, Repeated):
            self.add_to_sequential(model, item.value, item.count)
            return
        if isinstance(item, Tensor) and len(item.producers) == 1:
            item = item.producers[0]  # keras.Input(...) as the first element
        if not isinstance(item, Layer):
            model.complete = False
            model.gaps.append(len(model.layers))
            return
        if repeat != 1:
            item.repeat = None if repeat is None or item.repeat is None else item.repeat * repeat
        if model.layers:
            model.edges.append((len(model.layers) - 1, len(model.layers)))
        model.layers.append(item)

    def functional(self, node: cst.Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Model:
        inputs = kwargs.get("inputs", args[0] if args else UNKNOWN)
        outputs = kwargs.get("outputs", args[1] if len(args) > 1 else UNKNOWN)
        model = Model(kind="functional", var=None, node=node, seq=self.next_seq())
        if self.function is None and self.file.first_build_seq is None:
            self.file.first_build_seq = model.seq
        out_layers = _producers(outputs)
        in_layers = _producers(inputs)
        if out_layers is None or in_layers is None:
            model.complete = False
            out_layers = out_layers or []
            in_layers = in_layers or []
        producers_of = self.producers_of
        seen: dict[int, Layer] = {}
        stack = list(out_layers)
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen[id(layer)] = layer
            stack.extend(producers_of.get(id(layer), []))
        ordered = sorted(seen.values(), key=lambda layer: self.call_order.get(id(layer), layer.seq))
        index = {id(layer): i for i, layer in enumerate(ordered)}
        model.layers = ordered
        edges = {
            (index[id(s)], index[id(d)])
            for d in ordered
            for s in producers_of.get(id(d), [])
            if id(s) in index
        }
        model.edges = sorted(edges)
        model.inputs = [index[id(layer)] for layer in in_layers if id(layer) in index]
        model.outputs = [index[id(layer)] for layer in out_layers if id(layer) in index]
        if any(layer.cls == UNKNOWN_LAYER for layer in ordered):
            model.complete = False
        self.file.models.append(model)
        return model

    def method_call(
        self,
        method: str,
        receiver: Any,
        node: cst.Call,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        star_kwargs: bool,
        seq: int,
    ) -> Any:
        if isinstance(receiver, Model):
            if method == "add" and args and receiver.kind == "sequential":
                item = args[0]
                if isinstance(item, Layer) and self.repeat != 1:
                    item.repeat = self.repeat
                if isinstance(item, Layer) and len(self.branch) > len(item.branch):
                    item.branch = self.branch
                self.add_to_sequential(receiver, item)
                return None
            if method == "compile":
                compile_ = self.compile_call(node, args, kwargs, star_kwargs, seq)
                receiver.compiles.append(compile_)
                return None
            if method in _FIT_METHODS:
                fit = self.fit_call(method, node, args, kwargs, star_kwargs, seq)
                receiver.fits.append(fit)
                return UNKNOWN
            return UNKNOWN
        if isinstance(receiver, list):
            _mutate_list(receiver, method, args)
            return None
        if method == "compile" and _looks_like_keras(receiver):
            self.compile_call(node, args, kwargs, star_kwargs, seq)
        elif method in _FIT_METHODS and _looks_like_keras(receiver):
            self.fit_call(method, node, args, kwargs, star_kwargs, seq)
        elif isinstance(receiver, Layer):
            return self.apply_layer(receiver, args, kwargs) if method == "__call__" else UNKNOWN
        return UNKNOWN

    def compile_call(
        self,
        node: cst.Call,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        star_kwargs: bool,
        seq: int,
    ) -> Compile:
        def get(name: str, pos: int) -> Any:
            if name in kwargs:
                return kwargs[name]
            if pos < len(args):
                return args[pos]
            return UNKNOWN if star_kwargs else None

        compile_ = Compile(
            optimizer=get("optimizer", 0),
            loss=get("loss", 1),
            loss_weights=get("loss_weights", 2),
            metrics=get("metrics", 3),
            kwargs=kwargs,
            node=node,
            seq=seq,
            star_kwargs=star_kwargs,
        )
        self.file.compile_calls.append(compile_)
        return compile_

    def fit_call(
        self,
        method: str,
        node: cst.Call,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        star_kwargs: bool,
        seq: int,
    ) -> Fit:
        validation_keys = ("validation_data", "validation_split", "validation_steps")
        given = [kwargs[k] for k in validation_keys if k in kwargs]
        has_validation: bool | None
        if any(v not in (None, 0, 0.0) for v in given):
            has_validation = True
        elif star_kwargs or len(args) > 6 or (method != "fit" and len(args) > 4):
            has_validation = None
        else:
            has_validation = False
        callbacks = kwargs.get("callbacks", args[5] if len(args) > 5 else None)
        if callbacks is None and star_kwargs:
            callbacks = UNKNOWN
        fit = Fit(
            method=method,
            kwargs=kwargs,
            node=node,
            callbacks=callbacks,
            has_validation=has_validation,
            seq=seq,
            star_kwargs=star_kwargs,
        )
        self.file.fit_calls.append(fit)
        self.file.trains = True
        if self.function is None and self.file.first_fit_seq is None:
            self.file.first_fit_seq = seq
        return fit


# Exceptions a compatibility shim catches when a name or argument is missing.
_COMPAT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "TypeError"})


# How the reader evaluates each kind of expression (functions, not bound methods: a reader
# holding its own methods would be a cycle keeping the checked tree alive).
_EVALUATORS: dict[type[cst.CSTNode], Callable[[_Reader, Any], Any]] = {
    cst.Call: _Reader.call,
    cst.Name: _Reader.name,
    cst.Attribute: _Reader.attribute,
    cst.SimpleString: _Reader.string,
    cst.Integer: lambda _reader, node: integer_value(node),
    cst.Float: lambda _reader, node: float_value(node),
    cst.List: _Reader.list_literal,
    cst.Tuple: _Reader.tuple_literal,
    cst.BinaryOperation: _Reader.binary,
    cst.UnaryOperation: _Reader.unary,
    cst.Dict: _Reader.dict_literal,
    cst.ConcatenatedString: _Reader.concatenated,
    cst.ListComp: _Reader.comprehension,
    cst.GeneratorExp: _Reader.comprehension,
}


def _home_function(home: ProjectModule, index: int, _reader: _Reader) -> Any:
    node = home.parsed.function(index)
    return _MISSING if node is None else UserFunction(node, 0, home=home)


def _as_imported(
    importer: str, depth: int, resolve: Callable[[_Reader], Any], reader: _Reader
) -> Any:
    saved = reader.importer, reader.project_depth
    reader.importer, reader.project_depth = importer, depth
    try:
        return resolve(reader)
    finally:
        reader.importer, reader.project_depth = saved


def _module_attribute(home: ProjectModule, parts: list[str], reader: _Reader) -> Any:
    """`models.build_model`, `nets.cnn.make`: a name of a project module (or of one it imports)."""
    value: Any = home
    for part in parts:
        if not isinstance(value, ProjectModule):
            return _MISSING
        value = value.scope.get(part, reader)
    return value


# The expressions a module-level constant of another module is read from: nothing they hold
# records a call, a layer or a seed.
_CONSTANT_NODES = (
    cst.Integer,
    cst.Float,
    cst.SimpleString,
    cst.Name,
    cst.UnaryOperation,
    cst.BinaryOperation,
    cst.Tuple,
    cst.List,
    cst.Element,
    cst.Comma,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.BaseUnaryOp,
    cst.BaseBinaryOp,
    cst.BaseParenthesizableWhitespace,
    cst.Comment,
    cst.EmptyLine,
    cst.Newline,
    cst.TrailingWhitespace,
    cst.ParenthesizedWhitespace,
    cst.SimpleWhitespace,
)


def _is_constant(node: cst.CSTNode) -> bool:
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if not of_kind(type(current), _CONSTANT_NODES):
            return False
        pending.extend(child_nodes(current))
    return True


def _catches_compat_errors(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    if handler.type is None:
        return True  # a bare except
    types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for item in types:
        value = item.value if isinstance(item, cst.Element) else item
        name = dotted_name(value) if isinstance(value, cst.BaseExpression) else None
        if name is not None and name.rsplit(".", 1)[-1] in _COMPAT_ERRORS:
            return True
    return False


def _is_version_test(test: cst.BaseExpression) -> bool:
    """`if hasattr(keras, "x")`, `if tf.__version__ >= "2"`, `if keras_2:`, `if LooseVersion(...)`."""
    # Through the expressions a test is made of, not libcst's `children` of every node.
    stack: list[cst.CSTNode] = [test]
    while stack:
        node = stack.pop()
        if type(node) is cst.Name:
            word = node.value.lower()
            if (
                word in ("hasattr", "getattr")
                or "version" in word
                or word.startswith(("keras_", "tf_", "tf1", "tf2"))
            ):
                return True
        elif type(node) is cst.Attribute:
            if "version" in node.attr.value.lower():
                return True
            stack.append(node.value)
        elif type(node) is cst.Call:
            stack.append(node.func)
            stack.extend(arg.value for arg in node.args)
        elif type(node) is cst.Comparison:
            stack.append(node.left)
            stack.extend(target.comparator for target in node.comparisons)
        elif type(node) is cst.BooleanOperation:
            stack.extend((node.left, node.right))
        elif type(node) is cst.UnaryOperation:
            stack.append(node.expression)
        elif type(node) is cst.Subscript:
            stack.append(node.value)
        elif type(node) is cst.Tuple or type(node) is cst.List:
            stack.extend(element.value for element in node.elements)
    return False


def _sets_self(fn: cst.FunctionDef) -> bool:
    """Whether a method assigns an attribute of `self` (`self.model = ...`) anywhere."""
    for statement in all_statements([fn.body]):
        if not isinstance(statement, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    name = (
                        dotted_name(target.target)
                        if isinstance(target.target, cst.Attribute)
                        else None
                    )
                    if name is not None and name.startswith("self."):
                        return True
    return False


def _flat_items(values: Iterable[Any]) -> Iterable[Any]:
    for value in values:
        if isinstance(value, list | tuple):
            yield from _flat_items(value)
        else:
            yield value


def _mutate_list(items: list[Any], method: str, args: tuple[Any, ...]) -> None:
    """`layers.append(Dense(8))` on a list the reader holds; other mutations make it unknown."""
    if method == "append" and len(args) == 1:
        items.append(args[0])
    elif method == "extend" and len(args) == 1 and isinstance(args[0], list | tuple):
        items.extend(args[0])
    elif method not in ("count", "index", "copy"):
        items.append(Repeated(UNKNOWN, None))


# Tokens and whitespace: nodes that never hold an expression (or a statement).

_NO_EXPRESSIONS = (
    cst.BaseStatement,
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.Comment,
    cst.Newline,
    cst.EmptyLine,
    cst.TrailingWhitespace,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Colon,
    cst.Comma,
    cst.Dot,
    cst.AssignEqual,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
)


# The fields of the rarer expressions that can hold another expression, in the order libcst
# visits them (source order): read directly, as libcst's `children` rebuilds the node to list
# them. Every field left out holds only tokens and whitespace (tests/test_reader_order.py
# compares these with `children`).
_SOURCE_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.IfExp: ("body", "test", "orelse"),
    cst.Lambda: ("params", "body"),
    cst.Parameters: (
        "posonly_params",
        "posonly_ind",
        "params",
        "star_arg",
        "kwonly_params",
        "star_kwarg",
    ),
    cst.Param: ("name", "annotation", "default"),
    cst.Annotation: ("annotation",),
    cst.DictComp: ("key", "value", "for_in"),
    cst.SetComp: ("elt", "for_in"),
    cst.ListComp: ("elt", "for_in"),
    cst.GeneratorExp: ("elt", "for_in"),
    cst.CompFor: ("asynchronous", "target", "iter", "ifs", "inner_for_in"),
    cst.CompIf: ("test",),
    cst.Dict: ("elements",),
    cst.DictElement: ("key", "value"),
    cst.StarredDictElement: ("value",),
    cst.Set: ("elements",),
    cst.Element: ("value",),
    cst.StarredElement: ("value",),
    cst.FormattedString: ("parts",),
    cst.FormattedStringText: (),
    cst.FormattedStringExpression: ("expression", "format_spec"),
    cst.Yield: ("value",),
    cst.From: ("item",),
    cst.Await: ("expression",),
    cst.NamedExpr: ("target", "value"),
    cst.Ellipsis: (),
    cst.Index: ("value",),
    cst.Slice: ("lower", "upper", "step"),
    cst.SubscriptElement: ("slice",),
}


def _suite(body: cst.BaseSuite) -> Iterable[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return []


def _producers(value: Any) -> list[Layer] | None:
    items = value if isinstance(value, list | tuple) else [value]
    out: list[Layer] = []
    for item in items:
        if isinstance(item, Tensor):
            out.extend(item.producers)
        else:
            return None
    return out


def _looks_like_keras(receiver: Any) -> bool:
    return isinstance(receiver, CallValue) and is_keras(receiver.callee)

    return UNKNOWN
