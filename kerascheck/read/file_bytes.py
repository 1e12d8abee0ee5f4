"""Read a source file safely: regular files only, and never more than a fixed number of bytes."""

from __future__ import annotations

import os
import stat

# Files larger than this are skipped with a message: generated code, not models.
MAX_FILE_BYTES = 5 * 1024 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class SourceUnreadable(Exception):
    """Why a file was not read; the message completes `skipped: ...` or `could not read: ...`."""

    def __init__(self, message: str, skipped: bool) -> None:
        super().__init__(message)
        self.message = message
        self.skipped = skipped

    def report(self) -> str:
        return f"{'skipped' if self.skipped else 'could not read'}: {self.message}"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _too_big(size: int, limit: int) -> SourceUnreadable:
    return SourceUnreadable(f"{size // 1024} KiB is over the {limit // 1024} KiB limit", True)


def read_source(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes. Raises SourceUnreadable for a file that is not a regular file or is
    over `limit` bytes, OSError when it cannot be opened.

    The size is counted while reading, not trusted from the file system: `getsize` says 0
    for a FIFO and for /dev/zero, and a FIFO opened without O_NONBLOCK waits for a writer.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceUnreadable(f"not a regular file ({_kind(info.st_mode)})", True)
        if info.st_size > limit:
            raise _too_big(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _too_big(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)
