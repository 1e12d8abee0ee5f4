"""Parse source with libcst, building nodes without the checks its parser's own trees never fail."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from types import MemberDescriptorType
from typing import Any

import libcst as cst
from libcst import CSTNode

# Every node libcst builds runs `_validate()` from `CSTNode.__post_init__`: a check written
# for trees built by hand (a Name that is not an identifier, a missing space after `in`).
# For a tree its parser builds from source text, the grammar has already ensured nearly all
# of it (none of 2,300 real files differs), and it costs 10-14% of the parse. Concatenated
# strings are still checked: `"a" b"b"` parses, and only the check refuses it, as CPython
# does. The check is off only while our own parse runs, so a node built by a fix, or by
# other code in the same process (IPython), is validated as before.
_POST_INIT = CSTNode.__dict__.get("__post_init__")
_LOCK = threading.Lock()

# The parser builds each node by calling its class with keywords. A frozen dataclass's
# generated `__init__` sets each field through `object.__setattr__`, which looks the field
# up on the class again, then calls `__post_init__`. While our parse runs, the most common
# node classes are given a constructor that stores each field straight into its slot and
# validates nothing: 7% of the parse. These are the classes of 97% of the nodes of
# 2,500 public Keras files (whitespace alone is 42%): giving a class its constructor costs
# about 0.4 us a parse, more than a class met once a file saves. Compiling them takes
# about 2 ms, paid once a process has parsed enough source to win it back (a pre-commit
# run on one small file never does).
_FREQUENT = (
    "SimpleWhitespace",
    "Name",
    "Newline",
    "Arg",
    "TrailingWhitespace",
    "Comma",
    "Attribute",
    "Dot",
    "SimpleStatementLine",
    "Call",
    "EmptyLine",
    "Element",
    "Integer",
    "AssignTarget",
    "Assign",
    "AssignEqual",
    "SimpleString",
    "Comment",
    "Expr",
    "LeftSquareBracket",
    "RightSquareBracket",
    "ParenthesizedWhitespace",
    "Float",
    "IndentedBlock",
    "ImportAlias",
    "SubscriptElement",
    "Param",
    "Tuple",
    "Subscript",
    "LeftParen",
    "RightParen",
    "Index",
    "List",
    "BinaryOperation",
)
_WORTH_BUILDING = 50_000  # characters parsed
Constructor = Callable[..., None]


class _Constructors:
    """The fast constructor of each libcst node class, built once enough source is parsed."""

    def __init__(self) -> None:
        self.parsed = 0
        # (class, its own __init__, the fast one); None until built.
        self.table: list[tuple[type, Constructor, Constructor]] | None = None

    def for_parse(self, size: int) -> list[tuple[type, Constructor, Constructor]]:
        if self.table is None:
            self.parsed += size
            if self.parsed < _WORTH_BUILDING:
                return []
            try:
                self.table = build_constructors()
            except Exception:  # a libcst whose classes are built otherwise: parse as it does
                self.table = []
        return self.table


_CONSTRUCTORS = _Constructors()


def parse_source(text: str) -> cst.Module:
    """`libcst.parse_module(text)`, faster; raises what it raises."""
    if _POST_INIT is None or not _LOCK.acquire(blocking=False):
        return cst.parse_module(text)  # another libcst, or another thread is parsing
    swapped: list[tuple[type, Constructor, Constructor]] = []
    try:
        CSTNode.__post_init__ = _validate_strings_only  # type: ignore[method-assign]
        for entry in _CONSTRUCTORS.for_parse(len(text)):
            entry[0].__init__ = entry[2]  # type: ignore[misc]
            swapped.append(entry)
        return cst.parse_module(text)
    finally:
        for cls, own, _ in swapped:
            cls.__init__ = own  # type: ignore[misc]
        CSTNode.__post_init__ = _POST_INIT  # type: ignore[method-assign]
        _LOCK.release()


def _validate_strings_only(self: CSTNode) -> None:
    if type(self) is cst.ConcatenatedString:
        _POST_INIT(self)  # type: ignore[misc]


def build_constructors() -> list[tuple[type, Constructor, Constructor]]:
    """A constructor for each common node class whose generated `__init__` only sets its
    fields, doing the same without `object.__setattr__` and `__post_init__`. A class that
    does not fit that shape keeps its own (slower, still unvalidated)."""
    sources: list[str] = []
    namespace: dict[str, Any] = {}
    classes: list[tuple[type, Constructor]] = []
    for name in _FREQUENT:
        cls = getattr(cst, name, None)
        if not (isinstance(cls, type) and issubclass(cls, CSTNode)):
            continue
        own = cls.__dict__.get("__init__")
        source = _constructor_source(f"c{len(classes)}", cls, own, namespace) if own else None
        if source is not None and own is not None:
            sources.append(source)
            classes.append((cls, own))
    exec(compile("".join(sources), "<kerascheck constructors>", "exec"), namespace)
    table: list[tuple[type, Constructor, Constructor]] = []
    for i, (cls, own) in enumerate(classes):
        fast = namespace[f"c{i}"]
        fast.__defaults__ = own.__defaults__
        fast.__qualname__ = own.__qualname__
        table.append((cls, own, fast))
    return table


def _constructor_source(
    name: str, cls: type, own: Constructor, namespace: dict[str, Any]
) -> str | None:
    """The source of `cls`'s fast constructor, its slot setters and default factories put
    in `namespace`; None when `own` is not a dataclass `__init__` of the expected shape."""
    if not dataclasses.is_dataclass(cls) or not own.__code__.co_filename.startswith("<"):
        return None  # written by hand: it may do more than set fields
    fields = dataclasses.fields(cls)
    params = tuple(field.name for field in fields)
    code = own.__code__
    if (
        any(not field.init for field in fields)
        or code.co_kwonlyargcount
        or code.co_varnames[1 : code.co_argcount] != params
    ):
        return None
    defaults = own.__defaults__ or ()
    first_default = len(params) - len(defaults)
    lines = [f"def {name}(self, {', '.join(params)}):\n"]
    for i, field in enumerate(fields):
        slot = _slot(cls, field.name)
        if slot is None:
            return None
        setter = f"{name}_set_{field.name}"
        namespace[setter] = slot.__set__
        if field.default_factory is not dataclasses.MISSING and i >= first_default:
            # The generated __init__ takes a marker as the default and calls the factory.
            marker, factory = f"{name}_marker_{field.name}", f"{name}_factory_{field.name}"
            namespace[marker] = defaults[i - first_default]
            namespace[factory] = field.default_factory
            lines.append(f"    if {field.name} is {marker}:\n")
            lines.append(f"        {field.name} = {factory}()\n")
        lines.append(f"    {setter}(self, {field.name})\n")
    if not fields:
        lines.append("    pass\n")
    return "".join(lines)


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor that holds field `name` of `cls`; None when it is not a slot."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if found is not None:
            return found if isinstance(found, MemberDescriptorType) else None
    return None
