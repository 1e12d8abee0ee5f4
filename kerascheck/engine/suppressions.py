"""Suppression comments (`# noqa: KC101`, `# kerascheck: ignore[...]`, file-ignore) and KC901."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from kerascheck.engine.registry import UnknownSelector, all_rules, expand
from kerascheck.model.results import Diagnostic, FileResult, Severity

UNUSED_CODE = "KC901"
UNUSED_NAME = "unused-suppression"

# Cheap gate (plain substring tests): most files hold no suppression, and are not tokenized.
_GATE = ("noqa", "NOQA", "NoQA", "Noqa", "kerascheck")
_NOQA = re.compile(r"#\s*noqa\b(?P<colon>\s*:\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.I)
_OURS = re.compile(
    r"#\s*kerascheck\s*:\s*(?P<kind>file-ignore|ignore)\b(?:\[(?P<codes>[^\]]*)\])?", re.I
)
_LOOKS_OURS = re.compile(r"K[CR]\d+\Z", re.I)


@dataclass
class Directive:
    """One suppression comment: where it is, what it names, and what it was used for."""

    kind: str  # "noqa", "ignore" or "file-ignore"
    line: int
    column: int  # 1-based
    end_column: int
    # Each named token with the codes it stands for; None means everything.
    tokens: dict[str, frozenset[str]] | None
    unknown: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    used_bare: bool = False

    def covers(self, code: str) -> bool:
        """Whether it suppresses `code`, recording which of its tokens did."""
        if self.tokens is None:
            self.used_bare = True
            return True
        hit = False
        for token, codes in self.tokens.items():
            if code in codes:
                self.used.add(token)
                hit = True
        return hit


@dataclass
class Scan:
    directives: list[Directive]
    # Physical line -> (first, last) line of its multi-line statement.
    statements: dict[int, tuple[int, int]]

    def by_line(self) -> dict[int, list[Directive]]:
        out: dict[int, list[Directive]] = {}
        for d in self.directives:
            if d.kind != "file-ignore":
                out.setdefault(d.line, []).append(d)
        return out


def _comments(text: str) -> tuple[list[tuple[int, int, str]], dict[int, tuple[int, int]]]:
    """(line, 0-based column, comment text) of every comment, and the multi-line statements."""
    comments: list[tuple[int, int, str]] = []
    statements: dict[int, tuple[int, int]] = {}
    start: int | None = None
    skip = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.start[0], tok.start[1], tok.string))
            elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if start is not None and tok.start[0] > start:
                    for line in range(start, tok.start[0] + 1):
                        statements[line] = (start, tok.start[0])
                start = None
            elif tok.type not in skip and start is None:
                start = tok.start[0]
    except (tokenize.TokenError, SyntaxError):
        # Text libcst parsed but tokenize refuses (rare): fall back to a per-line search.
        comments = [
            (number, line.index("#"), line[line.index("#") :])
            for number, line in enumerate(text.splitlines(), start=1)
            if "#" in line
        ]
    return comments, statements


def _tokens(raw: str, ours: bool) -> tuple[dict[str, frozenset[str]], list[str]]:
    known: dict[str, frozenset[str]] = {}
    unknown: list[str] = []
    for token in filter(None, re.split(r"[\s,]+", raw)):
        try:
            known[token] = frozenset(expand(token))
        except UnknownSelector:
            # Other tools' codes (E501) belong in a noqa; in our own comment they are typos.
            if ours or _LOOKS_OURS.match(token):
                unknown.append(token)
    return known, unknown


def scan(text: str) -> Scan | None:
    """The suppression comments of a source, or None when it has none (the common case)."""
    if not any(word in text for word in _GATE):
        return None
    comments, statements = _comments(text)
    directives: list[Directive] = []
    for line, column, comment in comments:
        for match in _NOQA.finditer(comment):
            codes = match.group("codes")
            tokens: dict[str, frozenset[str]] | None = None
            unknown: list[str] = []
            if codes is not None:
                tokens, unknown = _tokens(codes, ours=False)
                if not tokens and not unknown:
                    # A noqa naming only other tools' codes (E501) is not ours to apply.
                    continue
            start, end = column + match.start() + 1, column + match.end() + 1
            directives.append(Directive("noqa", line, start, end, tokens, unknown))
        for match in _OURS.finditer(comment):
            codes = match.group("codes")
            if codes is None or not codes.strip():
                tokens, unknown = None, []
            else:
                tokens, unknown = _tokens(codes, ours=True)
            start, end = column + match.start() + 1, column + match.end() + 1
            kind = match.group("kind").lower()
            directives.append(Directive(kind, line, start, end, tokens, unknown))
    return Scan(directives, statements) if directives else None


def _candidate_lines(d: Diagnostic, statements: dict[int, tuple[int, int]]) -> list[int]:
    """The reported lines, plus the first and last line of the statement it starts in."""
    lines = list(range(d.line, max(d.line, d.end_line) + 1))
    statement = statements.get(d.line)
    if statement is not None:
        lines.extend(statement)
    return lines


def apply(text: str, result: FileResult, enabled: frozenset[str], ignore_noqa: bool) -> None:
    """Move suppressed diagnostics to `result.suppressed`; add KC901 for unused directives."""
    if ignore_noqa or (not result.diagnostics and UNUSED_CODE not in enabled):
        return
    found = scan(text)
    if found is None:
        return
    by_line = found.by_line()
    file_level = [d for d in found.directives if d.kind == "file-ignore"]
    kept: list[Diagnostic] = []
    for diag in result.diagnostics:
        if _suppressed(diag, by_line, file_level, found.statements):
            result.suppressed.append(diag)
        else:
            kept.append(diag)
    if UNUSED_CODE in enabled:
        kept.extend(_unused(result.path, found.directives, enabled))
        kept.sort(key=Diagnostic.sort_key)
    result.diagnostics = kept


def _suppressed(
    diag: Diagnostic,
    by_line: dict[int, list[Directive]],
    file_level: list[Directive],
    statements: dict[int, tuple[int, int]],
) -> bool:
    for line in dict.fromkeys(_candidate_lines(diag, statements)):
        for directive in by_line.get(line, ()):
            if directive.covers(diag.code):
                return True
    return any(directive.covers(diag.code) for directive in file_level)


def _unused(path: str, directives: list[Directive], enabled: frozenset[str]) -> list[Diagnostic]:
    rule = all_rules().get(UNUSED_CODE)
    severity = rule.severity if rule is not None else Severity.INFO
    out: list[Diagnostic] = []
    for d in directives:
        problems: list[str] = []
        if d.tokens is None:
            # A bare noqa may serve flake8 or ruff; only our own bare comment is judged.
            if d.kind != "noqa" and not d.used_bare:
                problems.append("it suppresses nothing")
        else:
            # Codes of rules that did not run here are not judged: another config may run them.
            unused = [t for t, codes in d.tokens.items() if t not in d.used and codes & enabled]
            if unused:
                problems.append(f"nothing reported for {', '.join(unused)}")
        if d.unknown:
            problems.append(f"unknown code {', '.join(d.unknown)}")
        if problems:
            what = "file-level suppression" if d.kind == "file-ignore" else "suppression"
            out.append(
                Diagnostic(
                    path=path,
                    line=d.line,
                    column=d.column,
                    end_line=d.line,
                    end_column=d.end_column,
                    code=UNUSED_CODE,
                    name=UNUSED_NAME,
                    severity=severity,
                    message=f"unused {what}: {'; '.join(problems)}; remove it or fix the code",
                )
            )
    return out
