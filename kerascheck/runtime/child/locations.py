"""Where the user's code is on the stack: the frames that belong to the user, not to libraries."""

from __future__ import annotations

import os
import sys
import sysconfig
import traceback
from types import FrameType, TracebackType

from kerascheck.runtime.protocol import FrameInfo, Location

CELL_PREFIX = "<kerascheck-cell-"

_LIBRARY_DIRS: tuple[str, ...] = tuple(
    sorted(
        {
            os.path.realpath(p)
            for key in ("stdlib", "platstdlib", "purelib", "platlib")
            if (p := sysconfig.get_paths().get(key))
        }
        | {os.path.realpath(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))},
        key=len,
        reverse=True,
    )
)

# The notebook whose cells were compiled as `<kerascheck-cell-N>` files.
notebook_path: str | None = None


def cell_filename(index: int) -> str:
    return f"{CELL_PREFIX}{index}>"


def is_user_file(filename: str) -> bool:
    """A file the user wrote: a cell, or a real file outside the libraries and kerascheck."""
    if filename.startswith(CELL_PREFIX):
        return True
    if filename.startswith("<"):
        return False
    real = os.path.realpath(filename)
    return not any(real.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def location(filename: str, line: int) -> Location:
    """A JSON location; cells map back to the notebook path and the cell number."""
    if filename.startswith(CELL_PREFIX):
        cell = int(filename[len(CELL_PREFIX) : -1])
        return {"path": notebook_path or filename, "line": line, "cell": cell}
    return {"path": os.path.abspath(filename), "line": line, "cell": None}


def user_caller(skip: int = 2) -> Location | None:
    """The innermost user frame on the current stack (where a layer or call was written)."""
    frame: FrameType | None = sys._getframe(skip)
    while frame is not None:
        if is_user_file(frame.f_code.co_filename):
            return location(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def user_frames(tb: TracebackType | None) -> list[FrameInfo]:
    """The traceback entries in the user's own files, outermost first."""
    frames: list[FrameInfo] = []
    for entry in traceback.extract_tb(tb):
        if is_user_file(entry.filename):
            loc = location(entry.filename, entry.lineno or 0)
            frames.append(
                FrameInfo(
                    path=loc["path"],
                    line=loc["line"],
                    cell=loc["cell"],
                    function=entry.name,
                    code=(entry.line or "").strip(),
                )
            )
    return frames
