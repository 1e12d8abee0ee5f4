"""One run for `check`, `--fix` and `--diff`: collect files, check or fix them, report, exit code.

collect the files (config, excludes, .gitignore; stdin once)
  -> check each (cache, workers)           or fix each (apply edits, re-check; workers)
  -> report (the findings left; for fixes also the diff, the fixes not applied, a summary)
  -> exit code: 0 clean, 1 findings or unreadable files (or a diff), 2 internal error
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from dataclasses import dataclass, field

from kerascheck.engine.registry import known_codes
from kerascheck.model.results import FileResult, RunResult
from kerascheck.model.settings import Settings
from kerascheck.read.project import forget_files
from kerascheck.report.emit import emit
from kerascheck.report.source_lines import use_checked_bytes
from kerascheck.report.text import error_text
from kerascheck.run.config import Overrides, Resolver
from kerascheck.run.file_check import check_data, read_file
from kerascheck.run.files import collect
from kerascheck.run.fix_outcome import FileFix, FixRun, skipped_line, summary_line
from kerascheck.run.workers import check_files, default_jobs, map_jobs

STDIN = "-"


class MissingPaths(ValueError):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"path does not exist: {', '.join(paths)}")


@dataclass(frozen=True)
class FixMode:
    """`--fix` (write) or `--diff` (write nothing); `unsafe` for `--unsafe-fixes`."""

    unsafe: bool = False
    write: bool = True


@dataclass
class Request:
    """Everything a run needs to know; the CLI builds one from its options."""

    paths: tuple[str, ...]
    overrides: Overrides = field(default_factory=Overrides)
    config_file: str | None = None
    isolated: bool = False
    stdin_filename: str | None = None
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: str | None = None
    # None: check only.
    fix: FixMode | None = None
    # A check whose report shows no edits (every format but SARIF) skips turning fixes into them.
    fix_edits: bool = True


@dataclass
class Outcome:
    """What a run gave: the findings left and, when fixing, what fixing did."""

    result: RunResult
    fixes: FixRun | None = None
    # The fixed standard input, to be written to stdout (as formatters do).
    stdin_output: bytes | None = None
    fix_mode: FixMode | None = None


def resolver_for(request: Request) -> Resolver:
    """Raises kerascheck.run.config.ConfigError for a bad file."""
    return Resolver(request.overrides, request.config_file, request.isolated)


def run(request: Request, resolver: Resolver | None = None) -> Outcome:
    """Check (or fix) what the request names; raises MissingPaths and ConfigError."""
    forget_files()  # modules may have come or gone since the last run (`--watch`)
    resolver = resolver or resolver_for(request)
    files, missing = collect([p for p in request.paths if p != STDIN], resolver)
    if missing:
        raise MissingPaths(missing)
    jobs = [(path, resolver.for_path(path).settings_for(path)) for path in files]
    stdin = _read_stdin(request, resolver) if STDIN in request.paths else None
    if request.fix is None and not request.fix_edits:
        jobs = [(path, dataclasses.replace(s, fix_edits=False)) for path, s in jobs]
        if stdin is not None and stdin[2] is not None:
            stdin = (stdin[0], stdin[1], dataclasses.replace(stdin[2], fix_edits=False))
    workers = request.jobs if request.jobs is not None else default_jobs()
    if request.fix is None:
        results = check_all(jobs, request, workers)
        if stdin is not None and stdin[2] is not None:
            results.append(check_data(stdin[0], stdin[1], stdin[2]))
        results.sort(key=lambda r: r.path)
        return Outcome(RunResult(files=results))
    mode = request.fix
    tasks = [(path, settings, mode.unsafe, mode.write) for path, settings in jobs]
    fixes = FixRun(map_jobs(_fix_one, tasks, workers), unsafe=mode.unsafe)
    output = None
    if stdin is not None:
        data, name, settings = stdin
        output = data  # an excluded stdin goes back unchanged
        if settings is not None:
            # Imported here: fixing loads the fixer, which a check never needs.
            from kerascheck.run.fix_files import fix_data

            fixed = fix_data(data, name, settings, mode.unsafe)
            output = fixed.data if fixed.data is not None else data
            fixed.data = None
            fixes.files.append(fixed)
    fixes.files.sort(key=lambda f: f.path)
    return Outcome(fixes.result, fixes, output if mode.write else None, mode)


def _fix_one(job: tuple[str, Settings, bool, bool]) -> FileFix:
    """Fix one file (in a worker when there are many); what comes back holds no content."""
    # Imported here: fixing loads the fixer, which a check never needs.
    from kerascheck.run.fix_files import fix_file

    outcome = fix_file(*job)
    outcome.data = None
    return outcome


def check_all(jobs: list[tuple[str, Settings]], request: Request, workers: int) -> list[FileResult]:
    """Cached results where the content is unchanged; the rest checked, in parallel if many."""
    # One file: nothing to share and nothing to gain; skip hashing and worker start-up.
    if not request.use_cache or len(jobs) < 2:
        return check_files(jobs, workers)
    # Imported here to keep start-up fast: hashing is only needed for a cached run.
    from kerascheck.run.cache import Cache, cache_dir_for

    named = [p for p in request.paths if p != STDIN]
    cache = Cache(request.cache_dir or cache_dir_for(named))
    results: dict[int, FileResult] = {}
    misses: list[int] = []
    keys: dict[int, str] = {}
    for index, (path, settings) in enumerate(jobs):
        data = _read_small(path)
        if data is None:
            misses.append(index)
            continue
        keys[index] = key = cache.key(data, path, settings)
        cached = cache.get(key, path)
        if cached is None:
            misses.append(index)
        else:
            results[index] = cached
    checked = check_files([jobs[i] for i in misses], workers)
    for index, result in zip(misses, checked, strict=True):
        results[index] = result
        if index in keys:
            cache.put(keys[index], result)
    return [results[i] for i in range(len(jobs))]


def _read_small(path: str) -> bytes | None:
    """The file's bytes when it can be cached (readable, under the size limit)."""
    data = read_file(path)
    return None if isinstance(data, FileResult) else data


def _read_stdin(request: Request, resolver: Resolver) -> tuple[bytes, str, Settings | None]:
    """Standard input, named and configured as `--stdin-filename` says (no settings when
    `--force-exclude` excludes that name)."""
    name = request.stdin_filename or STDIN
    resolved = resolver.for_path(request.stdin_filename or os.getcwd())
    data = sys.stdin.buffer.read()
    # Code frames quote what was checked, not a file of that name on disk.
    use_checked_bytes(name, data)
    if (
        request.stdin_filename
        and resolved.force_exclude
        and resolved.excluder.excluded_with_parents(request.stdin_filename)
    ):
        return data, name, None
    settings = resolved.settings_for(name) if request.stdin_filename else resolved.settings
    return data, name, settings


# ---------------------------------------------------------------- report and exit code


@dataclass(frozen=True)
class ReportOptions:
    fmt: str = "text"
    output_file: str | None = None
    statistics: bool = False
    # `-q`: the findings without the summary; `--silent`: nothing but the exit code (and
    # fixed standard input, which is the output itself).
    quiet: bool = False
    silent: bool = False
    # `--show-fixes`: list what --fix fixed; `--fix-only`: report the fixes, not what is left.
    show_fixes: bool = False
    fix_only: bool = False


def report(outcome: Outcome, options: ReportOptions) -> None:
    """Write what the run found (and fixed) where it belongs.

    A check: the report. --fix: the findings left in the chosen format, then the fixes not
    applied and a summary. --diff: the diff on stdout, the rest on stderr. Fixed standard
    input: the fixed source on stdout, the rest on stderr.
    """
    result, fixes, mode = outcome.result, outcome.fixes, outcome.fix_mode
    if options.silent:
        if outcome.stdin_output is not None:
            sys.stdout.buffer.write(outcome.stdin_output)
            sys.stdout.flush()
        return
    if fixes is None or mode is None:
        emit(result, options.fmt, options.output_file, options.statistics, options.quiet)
        return
    lines = [*map(skipped_line, fixes.skipped)]
    if not options.quiet:
        lines.append(summary_line(fixes, mode.write))
    if options.show_fixes:
        lines += fixed_lines(fixes)
    notes = "".join(line + "\n" for line in lines)
    if not mode.write:
        sys.stdout.write(fixes.diff)
        sys.stdout.flush()  # the diff first when both streams go to one terminal
        _errors_to_stderr(result)
        sys.stderr.write(notes)
    elif outcome.stdin_output is not None:
        sys.stdout.buffer.write(outcome.stdin_output)
        sys.stdout.flush()
        _errors_to_stderr(result)
        sys.stderr.write(notes)
    elif options.fix_only:
        sys.stdout.write(notes)
    else:
        emit(result, options.fmt, options.output_file, options.statistics, options.quiet)
        # A machine-readable report on stdout must stay parseable.
        (sys.stdout if options.fmt in ("text", "concise") else sys.stderr).write(notes)
    sys.stdout.flush()


def fixed_lines(fixes: FixRun) -> list[str]:
    """ruff's `--show-fixes`: per file, how many findings of each rule were fixed."""
    names = known_codes()
    out: list[str] = []
    for fix in fixes.files:
        if fix.codes:
            out.append(f"- {fix.path}:")
            for code, count in sorted(Counter(fix.codes).items()):
                out.append(f"    {count} × {code} ({names.get(code, code)})")
    return out


def _errors_to_stderr(result: RunResult) -> None:
    for error in result.errors:
        sys.stderr.write(error_text(error) + "\n")


def exit_code(outcome: Outcome, exit_zero: bool = False, fix_only: bool = False) -> int:
    """2 for an internal error; else 0 with `exit_zero` or `--fix-only`; else 1 when
    something is left to do (findings, unreadable files; for --diff, a diff), 0 when clean."""
    result = outcome.result
    if any(e.internal for e in result.errors):
        return 2
    if exit_zero or fix_only:
        return 0
    if outcome.fixes is not None and outcome.fix_mode is not None and not outcome.fix_mode.write:
        return 1 if outcome.fixes.diff else 0
    return 1 if result.diagnostics or result.errors else 0
