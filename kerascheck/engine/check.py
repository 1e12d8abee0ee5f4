"""Check one source: parse once, read the models, run every selected rule, place findings."""

from __future__ import annotations

import dataclasses
import gc
import io
import tokenize
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import libcst as cst

from kerascheck.engine import suppressions
from kerascheck.engine.positions import Locator
from kerascheck.model.description import FileModel
from kerascheck.model.results import Diagnostic, FileError, FileResult, Finding, Span, TextFix
from kerascheck.model.rule import RuleContext
from kerascheck.model.settings import Settings
from kerascheck.read.parsing import parse_source
from kerascheck.read.project import imports_project_module
from kerascheck.read.reader import read_module

if TYPE_CHECKING:
    from kerascheck.engine.text_edits import Converter

KEYWORDS = (b"keras", b"tensorflow")


def decode(data: bytes) -> str:
    """Source bytes to text, honouring a BOM and a PEP 263 coding line."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    if b"coding" not in (data if second < 0 else data[:second]) and data[:1] != b"\xef":
        return data.decode("utf-8")  # no coding line and no BOM: UTF-8, as tokenize finds
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


# What parsing can raise on bad input. CSTValidationError: code CPython accepts but libcst
# cannot represent (`for x in*a:`), which must be reported, not crash the run.
PARSE_ERRORS: tuple[type[Exception], ...] = (
    cst.ParserSyntaxError,
    cst.CSTValidationError,
    SyntaxError,
    RecursionError,
    ValueError,
)


def parse(text: str) -> cst.Module:
    return parse_source(text)


def syntax_error(path: str, exc: Exception, python_accepts: bool = False) -> FileError:
    if isinstance(exc, cst.ParserSyntaxError):
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        first = lines[0] if lines else "syntax error"
        if python_accepts:
            # libcst's tokenizer is stricter than CPython's (tabs and spaces mixed across
            # blocks, for one): its position is then meaningless, its reason is not.
            reason = next((line for line in lines[1:] if "error" in line), first)
            if "dedent" in reason or "indent" in reason:
                reason += " (tabs and spaces mixed in the indentation?)"
            message = (
                f"could not parse: Python accepts this, libcst (kerascheck's parser) not: {reason}"
            )
            return FileError(path, message)
        return FileError(path, f"could not parse: {first}", exc.raw_line, exc.raw_column + 1)
    if isinstance(exc, cst.CSTValidationError):
        message = f"could not parse: Python accepts this, libcst (kerascheck's parser) not: {exc}"
        return FileError(path, message)
    if isinstance(exc, SyntaxError):
        return FileError(path, f"could not parse: {exc.msg}", exc.lineno, exc.offset)
    return FileError(path, f"could not read: {exc}")


def _python_verdict(text: str) -> SyntaxError | bool:
    """CPython's own error (more precise than libcst's), or whether CPython accepts the text."""
    # Imported here: only files that fail to parse pay for it.
    import ast

    try:
        ast.parse(text)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError):
        return False
    return True


def mentions_keras(data: bytes, path: str = "") -> bool:
    """Whether the source names Keras or TensorFlow, itself or (given its path) in a module
    of its project that it imports (a training script importing its model from models.py)."""
    if any(word in data for word in KEYWORDS):
        return True
    return bool(path) and imports_project_module(data, path, KEYWORDS)


def check_text(text: str, path: str, settings: Settings) -> FileResult:
    """Check Python source text (a .py file or the joined cells of a notebook)."""
    with gc_paused():
        # The tree is freed inside: the collector, back on with the tree alive, would scan it.
        return _analyse_text(text, path, settings)[1]


def analyse_text(text: str, path: str, settings: Settings) -> tuple[cst.Module | None, FileResult]:
    """Like check_text, also returning the parsed module its fixes' nodes belong to."""
    with gc_paused():
        return _analyse_text(text, path, settings)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while one file is checked, back on (and owed its pass) after.

    A parse makes a tree of up to millions of nodes without cycles; every full pass of the
    collector over it finds nothing, and those passes cost 30-40% of checking a large file.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def analyse_module(module: cst.Module, text: str, path: str, settings: Settings) -> FileResult:
    """Check a module already parsed from `text` (the fixer parses each new text once)."""
    with gc_paused():
        return _analyse_module(module, text, path, settings)[1]


def _analyse_text(text: str, path: str, settings: Settings) -> tuple[cst.Module | None, FileResult]:
    try:
        module = parse(text)
    except PARSE_ERRORS as exc:
        return None, unparsed(text, path, exc)
    return _analyse_module(module, text, path, settings)


def unparsed(text: str, path: str, exc: Exception) -> FileResult:
    """The result for source that does not parse: one error, at CPython's line if it can."""
    verdict = _python_verdict(text)
    if isinstance(verdict, SyntaxError):
        error = syntax_error(path, verdict)
    else:
        error = syntax_error(path, exc, python_accepts=verdict)
    return FileResult(path=path, errors=[error], parsed=False)


def _analyse_module(
    module: cst.Module, text: str, path: str, settings: Settings
) -> tuple[cst.Module | None, FileResult]:
    result = FileResult(path=path)
    try:
        file = read_module(module, path)
    except RecursionError:
        # Thousands of chained operators or nested calls: parsed, but too deep to follow.
        result.errors.append(FileError(path, "could not read: expressions nested too deeply"))
        result.parsed = False
        return None, result
    locator = Locator(module, text, file.anchors)
    run_rules(file, settings, locator, result)
    result.used_files = list(file.used_files)
    # A rule that does not apply to the target version is not "enabled": its noqa is not unused.
    enabled = frozenset(
        rule.code for rule in settings.rules if rule.applies_to(settings.target_version)
    )
    suppressions.apply(text, result, enabled, settings.ignore_noqa)
    return module, result


def check_bytes(data: bytes, path: str, settings: Settings) -> FileResult:
    if not mentions_keras(data, path):
        return FileResult(path=path, checked=False)
    try:
        text = decode(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return FileResult(path=path, errors=[decode_error(path, data, exc)], parsed=False)
    if "\x00" in text:
        line, column = _line_column(text, text.index("\x00"))
        error = FileError(path, "could not parse: null byte in source", line, column)
        return FileResult(path=path, errors=[error], parsed=False)
    return check_text(text, path, settings)


def decode_error(path: str, data: bytes, exc: Exception) -> FileError:
    """Where the undecodable byte is (a Latin-1 file without a coding line, a binary file)."""
    if isinstance(exc, SyntaxError):
        # tokenize's "invalid or missing encoding declaration": find the byte itself.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as inner:
            exc = inner
    if isinstance(exc, UnicodeDecodeError):
        line, column = _line_column(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        message = f"could not decode: byte 0x{bad} is not {exc.encoding} (no coding line?)"
        return FileError(path, message, line, column)
    return FileError(path, f"could not decode: {exc}", 1, 1)


def _line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    newline = "\n" if isinstance(text, str) else b"\n"
    line_start = text.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return text.count(newline, 0, offset) + 1, offset - line_start + 1  # type: ignore[arg-type]


def _without_other_files(finding: Finding, file: FileModel) -> Finding:
    """The finding without its fix when the fix would edit another file."""
    fix = finding.fix
    if fix is None or not any(file.in_other_file(edit.node) for edit in fix.edits):
        return finding
    return dataclasses.replace(finding, fix=None)


def run_rules(file: FileModel, settings: Settings, locator: Locator, result: FileResult) -> None:
    """Run the rules on a model description and place their findings; a failing rule is isolated."""
    seen: set[tuple[str, Span, str]] = set()
    converter: Converter | None = None
    target = settings.target_version
    # Most rules have no options: they share one context (a file meets 40 rules).
    plain = RuleContext(file=file, options={}, target_version=target)
    for rule_cls in settings.rules:
        if not rule_cls.applies_to(target):
            continue
        given = settings.rule_options.get(rule_cls.code)
        ctx = plain
        if rule_cls.options or given:
            options = {**rule_cls.options, **(given or {})}
            ctx = RuleContext(file=file, options=options, target_version=target)
        try:
            findings: Iterable[Finding] = list(rule_cls().check(ctx))
            if not findings:
                continue
            if file.other_nodes:
                # What lies in another module read through an import is reported by that
                # module's own check, at its own place, and never fixed from here.
                findings = [_without_other_files(f, file) for f in findings]
                findings = [f for f in findings if not file.in_other_file(f.node)]
            placed = list(zip(findings, locator.spans([f.node for f in findings]), strict=True))
        except RecursionError:
            # Positions of a 5,000-link attribute chain: the input is too deep, not the rule wrong.
            result.errors.append(
                FileError(file.path, f"{rule_cls.code} gave up: code nested too deeply")
            )
            continue
        except Exception as exc:
            detail = traceback.format_exc() if settings.verbose else f"{type(exc).__name__}: {exc}"
            result.errors.append(
                FileError(
                    file.path,
                    f"internal error in rule {rule_cls.code} ({rule_cls.name}): {detail}",
                    internal=True,
                    code=rule_cls.code,
                )
            )
            continue
        for finding, span in placed:
            key = (rule_cls.code, span, finding.message)
            if key in seen:
                continue
            seen.add(key)
            fix = None
            if settings.fixable is not None and rule_cls.code not in settings.fixable:
                # `--unfixable` / `--fixable`: the fix is not offered, so no report counts it.
                pass
            elif finding.fix is not None and not settings.fix_edits:
                fix = TextFix(finding.fix.applicability, finding.fix.description)
            elif finding.fix is not None:
                if converter is None:
                    # Imported here: only --fix, --diff and SARIF need edits, and a check of a
                    # few files (pre-commit) pays for every module it imports.
                    from kerascheck.engine.text_edits import Converter

                    converter = Converter(
                        locator.module, locator.source, file.anchors, locator.statement_lines
                    )
                fix = converter.convert(finding.fix, finding.node)
            result.diagnostics.append(
                Diagnostic(
                    path=file.path,
                    line=span.line,
                    column=span.column,
                    end_line=span.end_line,
                    end_column=span.end_column,
                    code=rule_cls.code,
                    name=rule_cls.name,
                    severity=rule_cls.severity,
                    message=finding.message,
                    fix=fix,
                )
            )
    result.diagnostics.sort(key=Diagnostic.sort_key)
