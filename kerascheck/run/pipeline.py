"""One `kerascheck check` run: resolve config, collect files, use the cache and the workers."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from kerascheck.engine.check import check_bytes
from kerascheck.model.results import FileResult, RunResult
from kerascheck.model.settings import Settings
from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.run.config import Overrides, Resolved, Resolver
from kerascheck.run.files import collect

STDIN = "-"


class MissingPaths(ValueError):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"path does not exist: {', '.join(paths)}")


@dataclass
class Request:
    paths: tuple[str, ...]
    overrides: Overrides = field(default_factory=Overrides)
    config_file: str | None = None
    isolated: bool = False
    stdin_filename: str | None = None
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: str | None = None


def resolver_for(request: Request) -> Resolver:
    """Raises kerascheck.config.ConfigError for a bad file."""
    return Resolver(request.overrides, request.config_file, request.isolated)


def run(request: Request, resolver: Resolver | None = None) -> RunResult:
    resolver = resolver or resolver_for(request)
    paths = [p for p in request.paths if p != STDIN]
    files, missing = collect(paths, resolver)
    if missing:
        raise MissingPaths(missing)
    jobs = [(path, resolver.for_path(path).settings_for(path)) for path in files]
    results = check_all(jobs, request)
    if STDIN in request.paths:
        stdin_result = check_stdin(request, resolver)
        if stdin_result is not None:
            results.append(stdin_result)
    results.sort(key=lambda r: r.path)
    return RunResult(files=results)


def check_all(jobs: list[tuple[str, Settings]], request: Request) -> list[FileResult]:
    """Cached results where the content is unchanged; the rest checked, in parallel if many."""
    from kerascheck.run.workers import check_files, default_jobs

    workers = request.jobs if request.jobs is not None else default_jobs()
    # One file: nothing to share and nothing to gain; skip hashing and worker start-up.
    if not request.use_cache or len(jobs) < 2:
        return check_files(jobs, workers)
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
    try:
        return read_source(path)
    except (OSError, SourceUnreadable):
        return None


def check_stdin(request: Request, resolver: Resolver) -> FileResult | None:
    """Source from standard input, named and configured as `--stdin-filename` says."""
    name = request.stdin_filename or STDIN
    resolved: Resolved = resolver.for_path(request.stdin_filename or os.getcwd())
    if (
        request.stdin_filename
        and resolved.force_exclude
        and resolved.excluder.excluded_with_parents(request.stdin_filename)
    ):
        return None
    settings = (
        resolved.settings_for(request.stdin_filename)
        if request.stdin_filename
        else (resolved.settings)
    )
    data = sys.stdin.buffer.read()
    from kerascheck.report.source_lines import use_checked_bytes

    use_checked_bytes(name, data)
    if name.endswith(".ipynb"):
        from kerascheck.engine.notebook_check import check_notebook

        return check_notebook(data, name, settings)
    return check_bytes(data, name, settings)
