"""The child's entry file: `python boot.py WORKDIR`, with sys.path as plain `python` gives it."""

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux for SIGKILL when kerascheck's parent process ends, however it ends."""
    parent = os.environ.pop("KERASCHECK_PARENT_PID", None)
    if parent is None or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):  # the parent was gone before the signal was asked for
        os._exit(1)


_die_with_parent()
# Python put this file's folder first on sys.path; kerascheck's own imports need its root
# there instead until the target runs, which then puts its own folder first.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))

from kerascheck.runtime.child.main import main  # noqa: E402

code = main(sys.argv[1])
# The result is written: skip the interpreter's teardown (TensorFlow's takes a second or two,
# and the parent ends whatever the target left running anyway).
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
