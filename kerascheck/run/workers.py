"""Check (or fix) many files in worker processes; small runs stay in this process."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from kerascheck.model.results import FileResult
from kerascheck.model.settings import Settings
from kerascheck.run.file_check import check_file

# Below this many files, starting workers costs more than it saves.
MIN_FILES_FOR_POOL = 8

Job = TypeVar("Job")
Out = TypeVar("Out")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def exit_with_parent(parent: int) -> None:
    """In a worker: stop when the parent is gone (killed), instead of waiting forever for
    work that will never come. A write in progress is atomic, so stopping is safe."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def map_jobs(
    work: Callable[[Job], Out],
    jobs: Sequence[Job],
    workers: int,
    sizes: Sequence[int] | None = None,
    groups: Sequence[str] | None = None,
) -> list[Out]:
    """`work` on every job, results in the order of `jobs`, from `workers` processes when it
    pays off. `work` and its results travel between processes: plain data only. `sizes`
    (bytes, say) balance the workers' shares; without them every job counts the same. Jobs
    of one group (files of one folder) share chunks where sizes allow."""
    workers = min(workers, len(jobs))
    if workers <= 1 or len(jobs) < MIN_FILES_FOR_POOL:
        return [work(job) for job in jobs]
    # Imported here to keep start-up fast: a run of a few files never starts a pool.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = balanced_chunks(sizes if sizes is not None else [1] * len(jobs), workers, groups)
    results: list[Out | None] = [None] * len(jobs)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),)
        ) as pool:
            futures = [pool.submit(_run_chunk, work, [jobs[i] for i in c]) for c in chunks]
            for chunk, future in zip(chunks, futures, strict=True):
                for i, result in zip(chunk, future.result(), strict=True):
                    results[i] = result
    except BrokenProcessPool:
        # A worker died (out of memory, killed): finish the run here rather than fail it.
        # Fixing is idempotent, so files a dead worker already fixed are fixed again as no-ops.
        return [work(job) for job in jobs]
    return results  # type: ignore[return-value]  # every index was filled


def _run_chunk(work: Callable[[Job], Out], chunk: list[Job]) -> list[Out]:
    return [work(job) for job in chunk]


# Chunks per worker: enough that the last ones to finish are short, few enough that handing
# them out (a pickled job list and results each way) costs little.
CHUNKS_PER_WORKER = 12
# Files per chunk at most. Bytes are a poor measure of work for a notebook (its outputs,
# images above all, can be most of its bytes): without a cap the last chunks, of the many
# small files, held as much work as the first and ran alone at the end (on real code, one
# worker idled a tenth of the run). With it, a chunk of small files is short.
MAX_CHUNK_FILES = 16


def balanced_chunks(
    sizes: Sequence[int], workers: int, groups: Sequence[str] | None = None
) -> list[list[int]]:
    """Indices of jobs in chunks of about equal total size (and at most MAX_CHUNK_FILES
    jobs), the largest chunks first, each chunk from one group.

    Workers take chunks as they finish the last, so a long file starts early instead of
    ending the run late, and a folder of long files is not one worker's share. A chunk holds
    files of one folder: they import the same modules of their project, which a worker then
    reads once (files of a folder spread over both workers had each module read twice).
    """
    target = max(1, sum(sizes) // (workers * CHUNKS_PER_WORKER))
    members: dict[str, list[int]] = {}
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        members.setdefault(groups[i] if groups is not None else "", []).append(i)
    chunks: list[list[int]] = []
    for group in members.values():
        current: list[int] = []
        total = 0
        for i in group:
            current.append(i)
            total += sizes[i]
            if total >= target or len(current) >= MAX_CHUNK_FILES:
                chunks.append(current)
                current, total = [], 0
        if current:
            chunks.append(current)
    chunks.sort(key=lambda chunk: -sum(sizes[i] for i in chunk))
    return chunks


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _check_one(job: tuple[str, Settings]) -> FileResult:
    return check_file(*job)


def check_files(jobs: Sequence[tuple[str, Settings]], workers: int) -> list[FileResult]:
    """Results in the order of `jobs`, from `workers` processes when it pays off."""
    sizes = [file_size(path) for path, _ in jobs]
    return map_jobs(_check_one, jobs, workers, sizes, [os.path.dirname(path) for path, _ in jobs])
