"""TensorFlow 1 programs: the calls that show a file builds and runs TF1 graphs."""

from __future__ import annotations

from kerascheck.model.description import CallSite

SESSIONS = frozenset(
    {
        "tensorflow.compat.v1.Session",
        "tensorflow.compat.v1.InteractiveSession",
        "tensorflow.Session",
        "tensorflow.InteractiveSession",
    }
)
# With these the program builds and runs TF1 graphs, where a session is real.
_GRAPH_MODE = frozenset(
    {
        "tensorflow.compat.v1.disable_eager_execution",
        "tensorflow.compat.v1.disable_v2_behavior",
        "tensorflow.Graph",
        "tensorflow.compat.v1.Graph",
        "tensorflow.compat.v1.placeholder",
        "tensorflow.compat.v1.global_variables_initializer",
        "tensorflow.compat.v1.initialize_all_variables",
        "tensorflow.compat.v1.get_variable",
        "tensorflow.compat.v1.variable_scope",
        "tensorflow.compat.v1.train.Saver",
        # TF1's own spellings (gone from TF2): the program is a TF1 program.
        "tensorflow.Session",
        "tensorflow.InteractiveSession",
        "tensorflow.ConfigProto",
        "tensorflow.placeholder",
        "tensorflow.global_variables_initializer",
        "tensorflow.initialize_all_variables",
        "tensorflow.local_variables_initializer",
        "tensorflow.get_variable",
        "tensorflow.variable_scope",
        "tensorflow.train.Saver",
        "tensorflow.train.GradientDescentOptimizer",
        "tensorflow.train.AdamOptimizer",
        "tensorflow.train.RMSPropOptimizer",
        "tensorflow.train.MomentumOptimizer",
        "tensorflow.contrib",
    }
)


def graph_program(calls: list[CallSite]) -> bool:
    """The program builds and runs TF1 graphs (where a session is real)."""
    for call in calls:
        callee = call.callee or ""
        if callee in _GRAPH_MODE or callee.startswith("tensorflow.contrib."):
            return True
        if call.method == "run" and getattr(call.receiver, "callee", None) in SESSIONS:
            return True
    return False
