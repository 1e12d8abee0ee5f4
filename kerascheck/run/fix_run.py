"""`kerascheck check --fix / --unsafe-fixes / --diff`: fix the collected files and report."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kerascheck.model.results import RunResult
from kerascheck.model.settings import Settings
from kerascheck.run.fix_files import FileFix, FixRun, fix_file, skipped_line, summary_line
from kerascheck.run.workers import exit_with_parent

if TYPE_CHECKING:
    from kerascheck.run.config import Resolver
    from kerascheck.run.pipeline import Request


@dataclass
class FixOptions:
    """What the user asked for; `outcome` is filled in by the run."""

    unsafe: bool
    # False for --diff: compute the fixes, print them, write nothing.
    write: bool
    outcome: FixRun | None = None
    stdin: bool = False


def fix_run(request: Request, resolver: Resolver, options: FixOptions) -> RunResult:
    """Like runner.run, but each file is fixed first; returns the findings left."""
    from kerascheck.run.files import collect
    from kerascheck.run.pipeline import STDIN, MissingPaths

    files, missing = collect([p for p in request.paths if p != STDIN], resolver)
    if missing:
        raise MissingPaths(missing)
    jobs = [(path, resolver.for_path(path).settings_for(path)) for path in files]
    run = FixRun(fix_all(jobs, options, request.jobs), unsafe=options.unsafe)
    if STDIN in request.paths:
        options.stdin = True
        run.files.append(_fix_stdin(request, resolver, options))
    run.files.sort(key=lambda f: f.path)
    options.outcome = run
    return run.result


def _fix_one(job: tuple[str, Settings, bool, bool]) -> FileFix:
    """In a worker: fix one file; what comes back holds no file content."""
    path, settings, unsafe, write = job
    outcome = fix_file(path, settings, unsafe, write)
    outcome.data = None
    return outcome


def fix_all(
    jobs: list[tuple[str, Settings]], options: FixOptions, workers: int | None
) -> list[FileFix]:
    """Each file fixed on its own, in worker processes when there are many."""
    from kerascheck.run.workers import MIN_FILES_FOR_POOL, default_jobs

    workers = min(workers if workers is not None else default_jobs(), len(jobs))
    if workers <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        return [fix_file(path, s, options.unsafe, options.write) for path, s in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    tasks = [(path, s, options.unsafe, options.write) for path, s in jobs]
    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),)
        ) as pool:
            return list(pool.map(_fix_one, tasks, chunksize=max(1, len(jobs) // (workers * 4))))
    except BrokenProcessPool:
        # A worker died: finish here. Files it already fixed are left as they are (fixing is
        # idempotent), so only the count of fixes is lost for them.
        return [fix_file(path, s, options.unsafe, options.write) for path, s in jobs]


def _fix_stdin(request: Request, resolver: Resolver, options: FixOptions) -> FileFix:
    """Standard input is fixed to standard output (as formatters do), never to a file."""
    from kerascheck.run.fix_files import fix_python
    from kerascheck.run.pipeline import STDIN

    name = request.stdin_filename or STDIN
    resolved = resolver.for_path(request.stdin_filename or os.getcwd())
    settings = resolved.settings_for(name) if request.stdin_filename else resolved.settings
    data = sys.stdin.buffer.read()
    if name.endswith(".ipynb"):
        from kerascheck.run.notebook_fix import fix_notebook

        outcome = fix_notebook(data, name, settings, options.unsafe)
    else:
        outcome = fix_python(data, name, settings, options.unsafe)
    if options.write:
        sys.stdout.buffer.write(outcome.data if outcome.data is not None else data)
        sys.stdout.flush()
    return outcome


def finish(
    options: FixOptions,
    result: RunResult,
    fmt: str,
    exit_zero: bool,
    emit: Callable[[RunResult], None],
) -> int:
    """Print what fixing did and return the exit code.

    --fix: the findings left (in the chosen format), the fixes not applied and the summary;
    exit 1 when findings are left. --diff: the diff on stdout, the rest on stderr; exit 1
    when there is a diff. Internal errors exit 2 either way.
    """
    run = options.outcome
    assert run is not None
    notes = "".join(
        line + "\n"
        for line in [*(skipped_line(s) for s in run.skipped), summary_line(run, options.write)]
    )
    if not options.write:
        sys.stdout.write(run.diff)
        sys.stdout.flush()  # the diff first when both streams go to one terminal
        _errors_to_stderr(result)
        sys.stderr.write(notes)
    elif options.stdin:
        # stdout holds the fixed source: everything else goes to stderr.
        _errors_to_stderr(result)
        sys.stderr.write(notes)
    else:
        emit(result)
        # A machine-readable report on stdout must stay parseable.
        (sys.stdout if fmt in ("text", "concise") else sys.stderr).write(notes)
    sys.stdout.flush()
    if any(e.internal for e in result.errors):
        return 2
    if exit_zero:
        return 0
    if not options.write:
        return 1 if run.diff else 0
    return 1 if result.diagnostics or result.errors else 0


def _errors_to_stderr(result: RunResult) -> None:
    from kerascheck.report.text import error_text

    for error in result.errors:
        sys.stderr.write(error_text(error) + "\n")
