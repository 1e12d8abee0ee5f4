"""The child's entry file: `python boot.py WORKDIR`, with sys.path as plain `python` gives it."""

import os
import sys

# Python put this file's folder first on sys.path; kerascheck's own imports need its root
# there instead until the target runs, which then puts its own folder first.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))

from kerascheck.runtime.child.main import main  # noqa: E402

sys.exit(main(sys.argv[1]))
