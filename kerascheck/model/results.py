"""What a check produces: findings, fixes, diagnostics, file errors, run results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kerascheck.model.description import SourceLocation

if TYPE_CHECKING:
    import libcst as cst


# ---------------------------------------------------------------- values


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace one node by another (libcst identity), the way rules express fixes."""

    node: cst.CSTNode
    # A FlattenSentinel replaces one statement by several (inserting a line after an import).
    replacement: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[Any]


@dataclass(frozen=True)
class Fix:
    """A rule's fix, on the nodes of the tree it was given; the engine turns it into a TextFix."""

    applicability: Applicability
    description: str
    edits: tuple[Edit, ...] = ()
    # Import statements the fix needs, as source lines (`import numpy as np`).
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextEdit:
    """Replace `text[start:end]` of the checked source by `content` (an insertion when
    start == end). Offsets count characters of the decoded text (of the joined cells for a
    notebook)."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class TextFix:
    """A fix as plain data, made from a rule's Fix where the positions are known: it travels
    through worker processes and the cache, and reports read it as it is."""

    applicability: Applicability
    description: str
    edits: tuple[TextEdit, ...] = ()
    # Why the fix cannot be applied (an import bound otherwise, code that would not parse);
    # the fixer reports it instead of applying it.
    problem: str | None = None


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a node (or a SourceLocation for live models), not yet a position."""

    node: cst.CSTNode | SourceLocation
    message: str
    fix: Fix | None = None


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str
    fix: TextFix | None = None
    cell: int | None = None
    # Extra data a runtime check attaches (statistics per layer).
    data: dict[str, Any] | None = None

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "cell": self.cell,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fix": None
            if self.fix is None
            else {
                "applicability": self.fix.applicability.value,
                "description": self.fix.description,
            },
        }


@dataclass(frozen=True)
class FileError:
    """A file kerascheck could not read or parse, or a rule that failed on it."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    cell: int | None = None
    # Internal errors (a rule raising) make the exit code 2; unreadable input makes it 1.
    internal: bool = False
    code: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
        }


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)
    parsed: bool = True
    # False when the file never mentions Keras or TensorFlow (or holds no Python): skipped
    # unparsed for speed, so it is neither clean nor broken.
    checked: bool = True
    # Other files of the project the result was read from, as (path, size, mtime_ns).
    used_files: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        out = [d for f in self.files for d in f.diagnostics]
        return sorted(out, key=Diagnostic.sort_key)

    @property
    def errors(self) -> list[FileError]:
        return [e for f in self.files for e in f.errors]

    @property
    def files_checked(self) -> int:
        return len(self.files)
