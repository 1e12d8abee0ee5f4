"""`--add-noqa`: write `# noqa: CODE` on the line of every current finding, as teams adopt a
linter on an old codebase."""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field

from kerascheck.engine.check import decode
from kerascheck.engine.suppressions import UNUSED_CODE
from kerascheck.model.results import RunResult
from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.run.fix_files import refuse_to_write, write_atomic

_NOQA = re.compile(r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.I)
_ENDING = re.compile(r"(\r\n|\r|\n)\Z")


@dataclass
class NoqaRun:
    added: int = 0
    files: int = 0
    # (path, why) for files that had findings but were not changed.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _statement_ends(text: str) -> dict[int, int]:
    """Each physical line -> the line where a comment for it can go: itself, or for a line
    inside a triple-quoted string or ending in a backslash, the line where that ends."""
    ends: dict[int, int] = {}
    start = 1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                last = token.start[0]
                for line in range(start, last + 1):
                    ends[line] = last
                start = last + 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return ends


def with_noqa(line: str, codes: set[str]) -> str:
    """The line with `codes` in its `# noqa:` comment (added, or merged into one there)."""
    ending = _ENDING.search(line)
    body = line[: ending.start()] if ending else line
    tail = ending.group(0) if ending else ""
    found = _NOQA.search(body)
    if found is not None and found.group("codes") is None:
        return line  # a bare noqa comment already covers everything
    if found is not None:
        have = re.split(r"[\s,]+", found.group("codes").strip())
        merged = ", ".join(dict.fromkeys([*have, *sorted(codes - set(have))]))
        return body[: found.start()] + f"# noqa: {merged}" + body[found.end() :] + tail
    return f"{body.rstrip()}  # noqa: {', '.join(sorted(codes))}{tail}"


def add_noqa_text(text: str, by_line: dict[int, set[str]]) -> tuple[str, int]:
    """The text with the directives added, and how many lines got one."""
    lines = text.splitlines(keepends=True)
    ends = _statement_ends(text)
    targets: dict[int, set[str]] = defaultdict(set)
    for line, codes in by_line.items():
        targets[ends.get(line, line)] |= codes
    added = 0
    for line, codes in targets.items():
        if 1 <= line <= len(lines):
            new = with_noqa(lines[line - 1], codes)
            if new != lines[line - 1]:
                lines[line - 1] = new
                added += 1
    return "".join(lines), added


def add_noqa(result: RunResult) -> NoqaRun:
    """Write the directives into the files of `result`'s findings (Python files only)."""
    run = NoqaRun()
    by_path: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for d in result.diagnostics:
        if d.code != UNUSED_CODE and not d.code.startswith("KR"):
            by_path[d.path][d.line].add(d.code)
    for path, by_line in sorted(by_path.items()):
        if path.endswith(".ipynb") or path == "-":
            run.skipped.append((path, "notebooks and standard input are not changed"))
            continue
        reason = refuse_to_write(path)
        if reason is not None:
            run.skipped.append((path, reason))
            continue
        try:
            data = read_source(path)
            text = decode(data)
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            new, added = add_noqa_text(text, by_line)
            if added:
                # `utf-8-sig` (a BOM) writes the BOM back; line endings are kept by splitlines.
                write_atomic(path, new.encode(encoding))
                run.added += added
                run.files += 1
        except (OSError, SourceUnreadable, SyntaxError, UnicodeError, LookupError) as exc:
            run.skipped.append((path, f"could not write: {exc}"))
    return run
