"""Check many files in worker processes; small runs stay in this process."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

from kerascheck.api import check_file
from kerascheck.model.results import Diagnostic, FileResult, Fix
from kerascheck.model.settings import Settings

# Below this many files, starting workers costs more than it saves.
MIN_FILES_FOR_POOL = 8


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def portable(d: Diagnostic) -> Diagnostic:
    """Without fix edits: they are syntax nodes of the worker's tree, meaningless here."""
    if d.fix is None or not d.fix.edits:
        return d
    fix = Fix(d.fix.applicability, d.fix.description, (), d.fix.imports)
    return dataclasses.replace(d, fix=fix)


def exit_with_parent(parent: int) -> None:
    """In a worker: stop when the parent is gone (killed), instead of waiting forever for
    work that will never come. A write in progress is atomic, so stopping is safe."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _check_one(job: tuple[str, Settings]) -> FileResult:
    result = check_file(*job)
    result.diagnostics = [portable(d) for d in result.diagnostics]
    result.suppressed = [portable(d) for d in result.suppressed]
    return result


def check_files(jobs: Sequence[tuple[str, Settings]], workers: int) -> list[FileResult]:
    """Results in the order of `jobs`, from `workers` processes when it pays off."""
    workers = min(workers, len(jobs))
    if workers <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        # Portable here too: an edit's node keeps its file's whole tree alive, so memory
        # would grow with the number of files instead of with the largest one.
        return [_check_one(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = balanced_chunks([path for path, _ in jobs], workers)
    results: list[FileResult | None] = [None] * len(jobs)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures = [pool.submit(_check_chunk, [jobs[i] for i in chunk]) for chunk in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                for i, result in zip(chunk, future.result(), strict=True):
                    results[i] = result
    except BrokenProcessPool:
        # A worker died (out of memory, killed): finish the run here rather than fail it.
        return [_check_one(job) for job in jobs]
    return [result for result in results if result is not None]


def _check_chunk(chunk: list[tuple[str, Settings]]) -> list[FileResult]:
    return [_check_one(job) for job in chunk]


# Chunks per worker: enough that the last ones to finish are short, few enough that handing
# them out (a pickled job list and results each way) costs little.
CHUNKS_PER_WORKER = 12


def balanced_chunks(paths: Sequence[str], workers: int) -> list[list[int]]:
    """Indices of `paths` in chunks of about equal bytes, the largest files first.

    Workers take chunks as they finish the last, so a long file starts early instead of
    ending the run late, and a folder of long files is not one worker's share.
    """
    sizes = [_size(path) for path in paths]
    target = max(1, sum(sizes) // (workers * CHUNKS_PER_WORKER))
    chunks: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i in sorted(range(len(paths)), key=lambda i: -sizes[i]):
        current.append(i)
        total += sizes[i]
        if total >= target:
            chunks.append(current)
            current, total = [], 0
    if current:
        chunks.append(current)
    return chunks


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
