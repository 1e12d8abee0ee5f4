"""Trace the arrays that reach fit(): shapes, dtype, scale, label encoding, number of classes."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst

from kerascheck.model.description import DataFacts, FileModel, Fit
from kerascheck.model.values import UNKNOWN, is_unknown
from kerascheck.read.cst_fields import child_nodes
from kerascheck.read.literals import (
    arithmetic,
    float_value,
    integer_value,
    is_number,
    string_value,
)
from kerascheck.read.names import dotted_name
from kerascheck.read.shapes import propagate

# (x shape, x dtype, y shape, label encoding, classes) of each built-in dataset's train split;
# the test split has the same shape past the first dimension.
_IMAGES = {
    "mnist": ((60000, 28, 28), (10000, 28, 28), (60000,), (10000,), 10),
    "fashion_mnist": ((60000, 28, 28), (10000, 28, 28), (60000,), (10000,), 10),
    "cifar10": ((50000, 32, 32, 3), (10000, 32, 32, 3), (50000, 1), (10000, 1), 10),
    "cifar100": ((50000, 32, 32, 3), (10000, 32, 32, 3), (50000, 1), (10000, 1), 100),
}
_SEQUENCES = {"imdb": ("binary", 2, 25000, 25000), "reuters": ("integer", 46, None, None)}

# Transformers whose output is scaled or standardised features.
_SCALERS = frozenset(
    {
        "StandardScaler",
        "MinMaxScaler",
        "MaxAbsScaler",
        "RobustScaler",
        "Normalizer",
        "QuantileTransformer",
        "PowerTransformer",
    }
)
_SCALE_FUNCTIONS = frozenset({"scale", "minmax_scale", "normalize", "robust_scale", "maxabs_scale"})
_DATASET_KEEPS = frozenset(
    {"shuffle", "prefetch", "cache", "repeat", "take", "skip", "with_options", "unbatch"}
)


@dataclass(frozen=True)
class _Dataset:
    """A `tf.data.Dataset` of (x, y) pairs: the per-sample facts, batched or not."""

    x: Any
    y: Any
    batched: bool


@dataclass(frozen=True)
class _Transformer:
    """A scikit-learn transformer: "scaler", "onehot" or "label" encoder."""

    kind: str


@dataclass(frozen=True)
class _Eye:
    """`np.eye(n)`: indexing it with labels one-hot encodes them."""

    n: int


_NEWAXIS = object()

# A function body to read after the module, with the names bound where it was defined.
_Deferred = tuple[cst.FunctionDef, dict[str, Any]]


def trace_data(file: FileModel) -> None:
    """Fill `Fit.x`/`Fit.y` for every fit call, then seed shapes of models from their data."""
    if not file.fit_calls:
        return
    callees = {id(call.node): call.callee for call in file.calls if call.callee}
    tracer = _Tracer(callees, {id(fit.node): fit for fit in file.fit_calls})
    tracer.run(file.module)
    for model in file.models:
        if model.kind != "sequential" or not model.layers or model.gaps:
            continue
        if model.layers[0].input_shape is not None:
            continue
        shapes = {f.x.shape[1:] for f in model.fits if f.x is not None and f.x.shape}
        if len(shapes) == 1:
            propagate(model, (None, *shapes.pop()))


class _Tracer:
    def __init__(self, callees: dict[int, str], fits: dict[int, Fit]) -> None:
        self.callees = callees
        self.fits = fits
        self.env: dict[str, Any] = {}
        self.seen: set[int] = set()

    # ------------------------------------------------------------ statements

    def run(self, module: cst.Module) -> None:
        functions: list[tuple[cst.FunctionDef, dict[str, Any]]] = []
        self.block(module.body, functions)
        final = self.env
        while functions:
            fn, defined = functions.pop(0)
            # A function runs when called, which may be before or after later cells rebind
            # a global: only globals with one value from its definition to the end are known.
            self.env = {k: v for k, v in defined.items() if _same(final.get(k, UNKNOWN), v)}
            for param in [*fn.params.params, *fn.params.kwonly_params, *fn.params.posonly_params]:
                self.env[param.name.value] = UNKNOWN
            self.block(_body(fn.body), functions)

    def block(self, body: Sequence[cst.CSTNode], functions: list[_Deferred]) -> None:
        for stmt in body:
            self.statement(stmt, functions)

    def statement(self, stmt: cst.CSTNode, functions: list[_Deferred]) -> None:
        if type(stmt) is cst.SimpleStatementLine:
            for small in stmt.body:
                self.small(small)
        elif type(stmt) is cst.FunctionDef:
            functions.append((stmt, dict(self.env)))
            self.env.pop(stmt.name.value, None)
        elif type(stmt) is cst.ClassDef:
            for item in _body(stmt.body):
                if type(item) is cst.FunctionDef:
                    functions.append((item, dict(self.env)))
        elif type(stmt) is cst.If:
            self.expr(stmt.test)
            arms: list[Sequence[cst.CSTNode]] = [_body(stmt.body)]
            orelse: Any = stmt.orelse
            while isinstance(orelse, cst.If):
                self.expr(orelse.test)
                arms.append(_body(orelse.body))
                orelse = orelse.orelse
            arms.append(_body(orelse.body) if type(orelse) is cst.Else else [])
            self.alternatives(arms, functions)
        elif type(stmt) is cst.For or type(stmt) is cst.While:
            if isinstance(stmt, cst.For):
                self.expr(stmt.iter)
                self.bind(stmt.target, UNKNOWN)
            else:
                self.expr(stmt.test)
            # The body may run zero, one or many times.
            before = dict(self.env)
            self.block(_body(stmt.body), functions)
            self.block(_body(stmt.body), functions)
            self.env = _join([before, self.env])
            if stmt.orelse is not None:
                self.block(_body(stmt.orelse.body), functions)
        elif type(stmt) is cst.With:
            for item in stmt.items:
                self.expr(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, UNKNOWN)
            self.block(_body(stmt.body), functions)
        elif type(stmt) is cst.Try or type(stmt) is cst.TryStar:
            self.block(_body(stmt.body), functions)
            if stmt.handlers:
                arms = [[], *(_body(h.body) for h in stmt.handlers)]
                self.alternatives(arms, functions)
            if stmt.orelse is not None:
                self.block(_body(stmt.orelse.body), functions)
            if stmt.finalbody is not None:
                self.block(_body(stmt.finalbody.body), functions)
        elif isinstance(stmt, cst.BaseCompoundStatement):
            self.block(_body(stmt.body), functions)

    def alternatives(self, arms: list[Sequence[cst.CSTNode]], functions: list[_Deferred]) -> None:
        before = self.env
        ends = []
        for arm in arms:
            self.env = dict(before)
            self.block(arm, functions)
            ends.append(self.env)
        self.env = _join(ends)

    def small(self, stmt: cst.BaseSmallStatement) -> None:
        if type(stmt) is cst.Assign:
            value = self.expr(stmt.value)
            for target in stmt.targets:
                self.bind(target.target, value)
        elif type(stmt) is cst.AnnAssign:
            self.bind(stmt.target, self.expr(stmt.value) if stmt.value is not None else UNKNOWN)
        elif type(stmt) is cst.AugAssign:
            operation = cst.BinaryOperation(
                left=stmt.target, operator=_binary_operator(stmt.operator), right=stmt.value
            )
            self.bind(stmt.target, self.binary(operation))
        elif type(stmt) is cst.Expr:
            self.expr(stmt.value)
        elif type(stmt) is cst.Import or type(stmt) is cst.ImportFrom:
            names = stmt.names if isinstance(stmt.names, Sequence) else []
            for alias in names:
                local = alias.evaluated_alias or alias.evaluated_name.split(".", 1)[0]
                self.env.pop(local, None)
        elif isinstance(stmt, cst.Return | cst.Del | cst.Raise | cst.Assert):
            for child in child_nodes(stmt):
                if isinstance(child, cst.BaseExpression):
                    self.expr(child)

    def bind(self, target: cst.BaseExpression, value: Any) -> None:
        if type(target) is cst.Name:
            self.env[target.value] = value
        elif type(target) is cst.Attribute:
            name = dotted_name(target)
            if name is not None:
                self.env[name] = value
        elif type(target) is cst.Tuple or type(target) is cst.List:
            elements = [e.value for e in target.elements]
            starred = any(isinstance(e, cst.StarredElement) for e in target.elements)
            if isinstance(value, tuple | list) and len(value) == len(elements) and not starred:
                for element, item in zip(elements, value, strict=True):
                    self.bind(element, item)
            else:
                for element in elements:
                    self.bind(element, UNKNOWN)
        elif type(target) is cst.Subscript:
            # `x[mask] = 0` changes values in place: what the array holds is no longer known.
            name = dotted_name(target.value)
            if name is not None and isinstance(self.env.get(name), DataFacts):
                old = self.env[name]
                self.env[name] = DataFacts(shape=old.shape, source=old.source)

    # ------------------------------------------------------------ expressions

    def expr(self, node: cst.CSTNode | None) -> Any:
        if node is None:
            return None
        # By exact type: isinstance against libcst's classes goes through ABCMeta in Python.
        evaluate = _EVALUATORS.get(type(node))
        if evaluate is not None:
            return evaluate(self, node)
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.expr(child)
        return UNKNOWN

    def name(self, node: cst.Name) -> Any:
        if node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        return self.env.get(node.value, UNKNOWN)

    def string(self, node: cst.SimpleString) -> Any:
        value = string_value(node.value)
        return value if isinstance(value, str) else UNKNOWN

    def sequence(self, node: cst.Tuple | cst.List) -> Any:
        items = [self.expr(e.value) for e in node.elements]
        if any(type(e) is cst.StarredElement for e in node.elements):
            return UNKNOWN
        return tuple(items) if type(node) is cst.Tuple else items

    def unary(self, node: cst.UnaryOperation) -> Any:
        value = self.expr(node.expression)
        if type(node.operator) is cst.Minus and is_number(value):
            return -value
        return UNKNOWN

    def comparison(self, node: cst.Comparison) -> Any:
        left = self.expr(node.left)
        for target in node.comparisons:
            self.expr(target.comparator)
        if isinstance(left, DataFacts) and len(node.comparisons) == 1:
            return DataFacts(shape=left.shape, dtype="bool", labels="binary", classes=2)
        return UNKNOWN

    def attribute(self, node: cst.Attribute) -> Any:
        name = dotted_name(node)
        if name is not None and name in self.env:
            return self.env[name]
        if node.attr.value == "newaxis":
            return _NEWAXIS
        base = self.expr(node.value)
        if isinstance(base, DataFacts):
            if node.attr.value == "shape" and base.shape is not None:
                return tuple(UNKNOWN if d is None else d for d in base.shape)
            if node.attr.value == "T":
                return DataFacts(dtype=base.dtype, scale=base.scale, source=base.source)
            if node.attr.value == "values":  # a pandas frame's array: the same facts
                return base
        return UNKNOWN

    def binary(self, node: cst.BinaryOperation) -> Any:
        left, right = self.expr(node.left), self.expr(node.right)
        op = node.operator
        if is_number(left) and is_number(right):
            return arithmetic(op, left, right)
        array = left if isinstance(left, DataFacts) else right
        if not isinstance(array, DataFacts):
            return UNKNOWN
        other = right if array is left else left
        shape = array.shape
        if isinstance(other, DataFacts) and other.shape != shape:
            shape = None
        dividing = isinstance(op, cst.Divide) and array is left
        shrinking = isinstance(op, cst.Multiply) and is_number(other) and abs(other) < 1
        scale = "scaled" if dividing or shrinking else None
        if array.scale == "scaled" and isinstance(op, cst.Add | cst.Subtract) and is_number(other):
            scale = "scaled"  # `x / 127.5 - 1`
        dtype = "float" if dividing or shrinking else None
        return DataFacts(shape=shape, dtype=dtype, scale=scale, source=array.source)

    def subscript(self, node: cst.Subscript) -> Any:
        base = self.expr(node.value)
        parts: list[Any] = []
        for element in node.slice:
            part = element.slice
            if isinstance(part, cst.Index):
                value = self.expr(part.value)
                if isinstance(part.value, cst.Name) and part.value.value == "None":
                    value = _NEWAXIS
                if isinstance(part.value, cst.Ellipsis):
                    value = Ellipsis
                parts.append(value)
            elif isinstance(part, cst.Slice):
                bounds = (self.expr(part.lower), self.expr(part.upper), self.expr(part.step))
                known = all(b is None or _int(b) for b in bounds)
                parts.append(slice(*bounds) if known else slice(UNKNOWN))
        if isinstance(base, _Eye) and len(parts) == 1 and isinstance(parts[0], DataFacts):
            labels = parts[0]
            shape = None if labels.shape is None else (*_label_rows(labels.shape), base.n)
            return DataFacts(
                shape=shape, dtype="float", labels="onehot", classes=base.n, source=labels.source
            )
        if isinstance(base, tuple | list) and len(parts) == 1:
            index = parts[0]
            if _int(index) and -len(base) <= index < len(base):
                return base[index]
            if isinstance(index, slice) and not is_unknown(index.stop):
                return base[index]
            return UNKNOWN
        if isinstance(base, DataFacts):
            return _index(base, parts)
        return UNKNOWN

    # ------------------------------------------------------------ calls

    def call(self, node: cst.Call) -> Any:
        func = node.func
        args = [self.expr(a.value) for a in node.args if a.keyword is None and not a.star]
        kwargs = {a.keyword.value: self.expr(a.value) for a in node.args if a.keyword is not None}
        starred = any(a.star for a in node.args)
        callee = self.callees.get(id(node))
        if id(node) in self.fits:
            self.fit(self.fits[id(node)], args, kwargs, starred)
            return UNKNOWN
        if callee is not None:
            return self.function(callee, args, kwargs, starred)
        if isinstance(func, cst.Attribute):
            receiver = self.expr(func.value)
            return self.method(receiver, func.attr.value, args, kwargs)
        if isinstance(func, cst.Name):
            return self.builtin(func.value, args)
        self.expr(func)
        return UNKNOWN

    def builtin(self, name: str, args: list[Any]) -> Any:
        if name in self.env:
            return UNKNOWN
        if name == "len" and len(args) == 1:
            if isinstance(args[0], DataFacts) and args[0].shape and args[0].shape[0] is not None:
                return args[0].shape[0]
            if isinstance(args[0], _Unique) and args[0].classes is not None:
                return args[0].classes
            if isinstance(args[0], tuple | list):
                return len(args[0])
        if name == "int" and len(args) == 1 and is_number(args[0]):
            return int(args[0])
        if name in ("list", "tuple") and len(args) == 1 and isinstance(args[0], tuple | list):
            return args[0]
        return UNKNOWN

    def function(self, callee: str, args: list[Any], kwargs: dict[str, Any], starred: bool) -> Any:
        last = callee.rsplit(".", 1)[-1]
        module = callee.rsplit(".", 1)[0] if "." in callee else ""
        if starred:
            return UNKNOWN
        if callee.startswith("keras.datasets.") and last == "load_data":
            return _dataset(module.rsplit(".", 1)[-1], kwargs)
        if last == "to_categorical":
            return _one_hot(_arg(args, kwargs, "y", 0), _arg(args, kwargs, "num_classes", 1))
        if callee in ("tensorflow.one_hot", "keras.ops.one_hot"):
            return _one_hot(_arg(args, kwargs, "indices", 0), _arg(args, kwargs, "depth", 1))
        if callee == "pandas.get_dummies":
            return DataFacts(labels="onehot", source="pd.get_dummies()")
        if last == "pad_sequences" and callee.startswith("keras."):
            seqs, maxlen = _arg(args, kwargs, "sequences", 0), kwargs.get("maxlen")
            if isinstance(seqs, DataFacts) and seqs.shape and _int(maxlen):
                return DataFacts(shape=(seqs.shape[0], maxlen), dtype="int32", source=seqs.source)
            return UNKNOWN
        if last in ("image_dataset_from_directory", "image_dataset") and callee.startswith(
            "keras."
        ):
            return _image_directory(kwargs)
        if callee.startswith("tensorflow.data.Dataset.") and last == "from_tensor_slices":
            return _from_slices(_arg(args, kwargs, "tensors", 0))
        if callee.startswith("sklearn."):
            return self.sklearn(callee, last, args, kwargs)
        if callee.startswith(("numpy.", "tensorflow.")):
            return self.numpy(callee.split(".", 1)[1], args, kwargs)
        return UNKNOWN

    def sklearn(self, callee: str, last: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if last in _SCALERS:
            return _Transformer("scaler")
        if last == "OneHotEncoder":
            return _Transformer("onehot")
        if last in ("LabelEncoder", "OrdinalEncoder"):
            return _Transformer("label")
        if last == "LabelBinarizer":
            # One-hot rows for three classes or more, but one 0/1 column for two.
            return _Transformer("binarizer")
        if last in _SCALE_FUNCTIONS and args and isinstance(args[0], DataFacts):
            return DataFacts(shape=args[0].shape, dtype="float", scale="scaled")
        if last == "train_test_split":
            arrays = [a for a in args if isinstance(a, DataFacts) or is_unknown(a)]
            if len(arrays) != len(args):
                return UNKNOWN
            out: list[Any] = []
            for array in arrays:
                if isinstance(array, DataFacts):
                    rows = None if array.shape is None else (None, *array.shape[1:])
                    array = dataclasses.replace(array, shape=rows)
                out.extend([array, array])
            return tuple(out)
        return UNKNOWN

    def numpy(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        first = args[0] if args else UNKNOWN
        if name in ("zeros", "ones", "empty", "full"):
            shape = _shape(_arg(args, kwargs, "shape", 0))
            dtype = kwargs.get("dtype", args[1] if len(args) > 1 and name != "full" else "float")
            return DataFacts(shape=shape, dtype=_dtype(dtype), source=f"np.{name}()")
        if name in ("random.rand", "random.randn"):
            if args and all(_int(a) for a in args):
                return DataFacts(shape=tuple(args), dtype="float", labels="continuous")
            return UNKNOWN
        if name in ("random.random", "random.uniform", "random.normal", "random.random_sample"):
            size = kwargs.get(
                "size",
                args[0]
                if name in ("random.random", "random.random_sample") and args
                else args[2]
                if len(args) > 2
                else UNKNOWN,
            )
            return DataFacts(shape=_shape(size), dtype="float", labels="continuous")
        if name == "random.randint":
            low, high = _arg(args, kwargs, "low", 0), _arg(args, kwargs, "high", 1)
            shape = _shape(_arg(args, kwargs, "size", 2))
            if high is None and _int(low):
                low, high = 0, low
            classes = high - low if _int(low) and _int(high) and low == 0 else None
            labels = "binary" if classes == 2 else "integer" if classes else None
            return DataFacts(shape=shape, dtype="int", labels=labels, classes=classes)
        if name == "eye" and args and _int(args[0]):
            return _Eye(args[0])
        if name in ("array", "asarray", "convert_to_tensor", "constant") and isinstance(
            first, DataFacts
        ):
            dtype = kwargs.get("dtype")
            return first if dtype is None else dataclasses.replace(first, dtype=_dtype(dtype))
        if name in ("reshape",) and isinstance(first, DataFacts):
            return _reshape(first, _shape(_arg(args, kwargs, "newshape", 1)))
        if name == "expand_dims" and isinstance(first, DataFacts):
            return _expand(first, _arg(args, kwargs, "axis", 1))
        if name in ("squeeze",) and isinstance(first, DataFacts):
            return DataFacts(dtype=first.dtype, scale=first.scale, source=first.source)
        if name == "cast" and isinstance(first, DataFacts):
            return dataclasses.replace(first, dtype=_dtype(_arg(args, kwargs, "dtype", 1)))
        if name == "unique" and isinstance(first, DataFacts):
            return _Unique(first.classes if first.labels in ("integer", "binary") else None)
        if name in ("argmax",) and isinstance(first, DataFacts) and first.labels == "onehot":
            rows = None if first.shape is None else first.shape[:1]
            return DataFacts(shape=rows, dtype="int", labels="integer", classes=first.classes)
        return UNKNOWN

    def method(self, receiver: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(receiver, DataFacts):
            if name == "reshape":
                shape = _shape(args[0] if len(args) == 1 else tuple(args) if args else UNKNOWN)
                return _reshape(receiver, shape)
            if name == "astype" and args:
                return dataclasses.replace(receiver, dtype=_dtype(args[0]))
            if name in ("copy", "to_numpy"):
                return receiver
            if name in ("flatten", "ravel"):
                total = _product(receiver.shape)
                return dataclasses.replace(receiver, shape=None if total is None else (total,))
            if name == "argmax" and receiver.labels == "onehot":
                rows = None if receiver.shape is None else receiver.shape[:1]
                return DataFacts(
                    shape=rows, dtype="int", labels="integer", classes=receiver.classes
                )
            if name in ("max", "min", "mean", "std", "sum"):
                return UNKNOWN
            return UNKNOWN
        if isinstance(receiver, _Dataset):
            if name == "batch":
                return dataclasses.replace(receiver, batched=True)
            if name in _DATASET_KEEPS:
                return (
                    receiver if name != "unbatch" else dataclasses.replace(receiver, batched=False)
                )
            return UNKNOWN
        if isinstance(receiver, _Transformer):
            if name == "fit":
                return receiver
            if name in ("fit_transform", "transform") and args and isinstance(args[0], DataFacts):
                data = args[0]
                if receiver.kind == "scaler":
                    return DataFacts(shape=data.shape, dtype="float", scale="scaled")
                if receiver.kind == "onehot":
                    return DataFacts(labels="onehot", source=data.source)
                if receiver.kind == "binarizer":
                    return DataFacts(source=data.source)
                if receiver.kind == "label":
                    rows = None if data.shape is None else data.shape[:1]
                    return DataFacts(shape=rows, dtype="int", labels="integer")
            return UNKNOWN
        if isinstance(receiver, _Unique):
            return UNKNOWN
        return UNKNOWN

    def fit(self, fit: Fit, args: list[Any], kwargs: dict[str, Any], starred: bool) -> None:
        if starred:
            return
        x = kwargs.get("x", args[0] if args else UNKNOWN)
        y = kwargs.get("y", args[1] if len(args) > 1 else UNKNOWN)
        if isinstance(x, _Dataset):
            x, y = (x.x, x.y) if x.batched and is_unknown(y) else (UNKNOWN, UNKNOWN)
        facts_x = x if isinstance(x, DataFacts) else None
        facts_y = y if isinstance(y, DataFacts) else None
        if id(fit.node) in self.seen:
            # Read again (a loop, a function): keep only what every reading agrees on.
            facts_x = facts_x if facts_x == fit.x else None
            facts_y = facts_y if facts_y == fit.y else None
        self.seen.add(id(fit.node))
        fit.x, fit.y = facts_x, facts_y


@dataclass(frozen=True)
class _Unique:
    """`np.unique(y)`: its length is the number of classes when y's is known."""

    classes: int | None


# ---------------------------------------------------------------- helpers


# How the tracer evaluates each kind of expression (functions, not bound methods, so a
# tracer is not a cycle left to the collector).
_EVALUATORS: dict[type[cst.CSTNode], Callable[[_Tracer, Any], Any]] = {
    cst.Name: _Tracer.name,
    cst.Call: _Tracer.call,
    cst.Attribute: _Tracer.attribute,
    cst.Integer: lambda _tracer, node: integer_value(node),
    cst.Float: lambda _tracer, node: float_value(node),
    cst.SimpleString: _Tracer.string,
    cst.Tuple: _Tracer.sequence,
    cst.List: _Tracer.sequence,
    cst.UnaryOperation: _Tracer.unary,
    cst.BinaryOperation: _Tracer.binary,
    cst.Comparison: _Tracer.comparison,
    cst.Subscript: _Tracer.subscript,
}


def _body(body: Any) -> Sequence[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock | cst.SimpleStatementSuite):
        return body.body
    return []


def _join(envs: list[dict[str, Any]]) -> dict[str, Any]:
    """After alternative arms: a name keeps its value only where every arm agrees."""
    names = set().union(*envs)
    out: dict[str, Any] = {}
    for name in names:
        values = [env.get(name, UNKNOWN) for env in envs]
        first = values[0]
        if all(_same(first, v) for v in values[1:]):
            out[name] = first
        elif all(isinstance(v, DataFacts) for v in values):
            out[name] = _common(values)
        else:
            out[name] = UNKNOWN
    return out


def _common(values: list[DataFacts]) -> DataFacts:
    """What every arm's facts of one array agree on: a dimension or field known in all."""
    first = values[0]
    shapes = [v.shape for v in values]
    shape: tuple[int | None, ...] | None = None
    if all(s is not None and len(s) == len(shapes[0] or ()) for s in shapes):
        columns = zip(*(s for s in shapes if s is not None), strict=True)
        shape = tuple(c[0] if len(set(c)) == 1 else None for c in columns)

    def agreed(name: str) -> Any:
        value = getattr(first, name)
        return value if all(getattr(v, name) == value for v in values[1:]) else None

    return DataFacts(
        shape=shape,
        dtype=agreed("dtype"),
        scale=agreed("scale"),
        labels=agreed("labels"),
        classes=agreed("classes"),
        source=agreed("source") or "",
    )


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(type(a) is type(b) and a == b)
    except Exception:
        return False


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _arg(args: list[Any], kwargs: dict[str, Any], name: str, position: int) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[position] if position < len(args) else None


def _binary_operator(op: cst.BaseAugOp) -> cst.BaseBinaryOp:
    table: dict[type, type] = {
        cst.AddAssign: cst.Add,
        cst.SubtractAssign: cst.Subtract,
        cst.MultiplyAssign: cst.Multiply,
        cst.DivideAssign: cst.Divide,
        cst.FloorDivideAssign: cst.FloorDivide,
    }
    return table.get(type(op), cst.Modulo)()  # type: ignore[no-any-return]


def _dtype(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    return None


def _shape(value: Any) -> tuple[int | None, ...] | None:
    if _int(value):
        return (value,)
    if isinstance(value, tuple | list) and all(_int(v) or is_unknown(v) for v in value):
        return tuple(None if is_unknown(v) else v for v in value)
    return None


def _product(shape: tuple[int | None, ...] | None) -> int | None:
    if shape is None or any(d is None for d in shape):
        return None
    return math.prod(d for d in shape if d is not None)


def _reshape(array: DataFacts, target: tuple[int | None, ...] | None) -> DataFacts:
    if target is None or any(d is None for d in target) or target.count(-1) > 1:
        # The rank stays known even when a dimension is not.
        shape = None if target is None else tuple(None if d in (None, -1) else d for d in target)
        return dataclasses.replace(array, shape=shape)
    if -1 in target:
        total = _product(array.shape)
        rest = math.prod(d for d in target if d not in (None, -1))
        value = total // rest if total is not None and rest and total % rest == 0 else None
        target = tuple(value if d == -1 else d for d in target)
    return dataclasses.replace(array, shape=target)


def _expand(array: DataFacts, axis: Any) -> DataFacts:
    if array.shape is None or not _int(axis):
        return dataclasses.replace(array, shape=None)
    rank = len(array.shape) + 1
    position = axis + rank if axis < 0 else axis
    if not 0 <= position < rank:
        return dataclasses.replace(array, shape=None)
    shape = list(array.shape)
    shape.insert(position, 1)
    return dataclasses.replace(array, shape=tuple(shape))


def _index(array: DataFacts, parts: list[Any]) -> DataFacts:
    """`x[:1000]`, `x[..., None]`, `x[:, 0]`, `x[idx]`: the shape after indexing."""
    if array.shape is None:
        return dataclasses.replace(array, shape=None)
    real = [p for p in parts if p is not _NEWAXIS and p is not Ellipsis]
    if parts.count(Ellipsis) > 1 or len(real) > len(array.shape):
        return dataclasses.replace(array, shape=None)
    if Ellipsis in parts:
        at = parts.index(Ellipsis)
        fill = [slice(None)] * (len(array.shape) - len(real))
        parts = [*parts[:at], *fill, *parts[at + 1 :]]
    dims = list(array.shape)
    out: list[int | None] = []
    position = 0
    for part in parts:
        if part is _NEWAXIS:
            out.append(1)
            continue
        dim = dims[position]
        position += 1
        if isinstance(part, slice):
            if is_unknown(part.stop) or is_unknown(part.start):
                out.append(None)
            else:
                out.append(_sliced(dim, part))
        elif _int(part):
            continue  # an integer index drops the dimension
        else:
            out.append(None)  # fancy indexing: the rows kept are not known
    out.extend(dims[position:])
    return dataclasses.replace(array, shape=tuple(out))


def _sliced(dim: int | None, part: slice) -> int | None:
    if dim is None:
        return None
    try:
        return len(range(dim)[part])
    except (ValueError, TypeError):  # a zero step, or bounds that are not ints
        return None


def _label_rows(shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
    # Labels of shape (n, 1) become one-hot rows of shape (n, classes).
    return shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape


def _one_hot(labels: Any, classes: Any) -> DataFacts:
    count = classes if _int(classes) else None
    source = labels.source if isinstance(labels, DataFacts) else ""
    if isinstance(labels, DataFacts):
        if count is None and labels.labels in ("integer", "binary"):
            count = labels.classes
        if labels.shape is not None:
            return DataFacts(
                shape=(*_label_rows(labels.shape), count),
                dtype="float",
                labels="onehot",
                classes=count,
                source=source,
            )
    return DataFacts(dtype="float", labels="onehot", classes=count, source=source)


def _from_slices(tensors: Any) -> Any:
    if isinstance(tensors, tuple) and len(tensors) == 2:
        x, y = (
            dataclasses.replace(t, shape=None if t.shape is None else (None, *t.shape[1:]))
            if isinstance(t, DataFacts)
            else UNKNOWN
            for t in tensors
        )
        return _Dataset(x, y, batched=False)
    return UNKNOWN


_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
_LABEL_MODES = {"int": "integer", "categorical": "onehot", "binary": "binary"}


def _image_directory(kwargs: dict[str, Any]) -> Any:
    """`image_dataset_from_directory(...)`: batches of float 0..255 images and their labels."""
    size = kwargs.get("image_size", (256, 256))
    channels = _CHANNELS.get(kwargs.get("color_mode", "rgb"))
    shape: tuple[int | None, ...] | None = None
    if isinstance(size, tuple | list) and len(size) == 2 and all(_int(d) for d in size):
        shape = (None, size[0], size[1], channels)
    source = "image_dataset_from_directory()"
    images = DataFacts(shape=shape, dtype="float32", scale="0-255", source=source)
    mode = kwargs.get("label_mode", "int")
    labels: Any = UNKNOWN
    if mode in _LABEL_MODES:
        encoding = _LABEL_MODES[mode]
        rank = (None,) if encoding != "onehot" else (None, None)
        labels = DataFacts(shape=rank, labels=encoding, classes=2 if mode == "binary" else None)
    # A batch_size of None gives single images, which fit() cannot take as batches.
    batched = kwargs.get("batch_size", 32) is not None
    if "validation_split" in kwargs and "subset" in kwargs and kwargs["subset"] == "both":
        return UNKNOWN
    return _Dataset(images, labels, batched=batched)


def _dataset(name: str, kwargs: dict[str, Any]) -> Any:
    source = f"keras.datasets.{name}.load_data()"
    if name in _IMAGES:
        x_train, x_test, y_train, y_test, classes = _IMAGES[name]
        if name == "cifar100" and kwargs.get("label_mode") == "coarse":
            classes = 20
        elif name == "cifar100" and "label_mode" in kwargs and kwargs["label_mode"] != "fine":
            classes = None  # type: ignore[assignment]

        def pair(x: tuple[int, ...], y: tuple[int, ...]) -> tuple[DataFacts, DataFacts]:
            images = DataFacts(shape=x, dtype="uint8", scale="0-255", source=source)
            labels = DataFacts(
                shape=y, dtype="uint8", labels="integer", classes=classes, source=source
            )
            return images, labels

        return (pair(x_train, y_train), pair(x_test, y_test))
    if name in _SEQUENCES:
        encoding, classes, train, test = _SEQUENCES[name]

        def split(n: int | None) -> tuple[DataFacts, DataFacts]:
            sequences = DataFacts(shape=(n,), dtype="object", source=source)
            labels = DataFacts(
                shape=(n,), dtype="int", labels=encoding, classes=classes, source=source
            )
            return sequences, labels

        return (split(train), split(test))
    if name == "boston_housing":
        features = DataFacts(shape=(None, 13), dtype="float64", source=source)
        prices = DataFacts(shape=(None,), dtype="float64", labels="continuous", source=source)
        return ((features, prices), (features, prices))
    return UNKNOWN
