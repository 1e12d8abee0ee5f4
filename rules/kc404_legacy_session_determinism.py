"""KC404: the TF1 session recipe for reproducibility, which TF2 / Keras 3 training ignores."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.description import CallSite
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

_SESSIONS = frozenset(
    {
        "tensorflow.compat.v1.Session",
        "tensorflow.compat.v1.InteractiveSession",
        "tensorflow.Session",
        "tensorflow.InteractiveSession",
    }
)
_CONFIGS = frozenset({"tensorflow.compat.v1.ConfigProto", "tensorflow.ConfigProto"})
_SET_SESSION = frozenset(
    {"tensorflow.compat.v1.keras.backend.set_session", "keras.backend.set_session"}
)
_THREAD_SETTINGS = ("intra_op_parallelism_threads", "inter_op_parallelism_threads")
# With these the program builds and runs TF1 graphs, where a session is real.
_GRAPH_MODE = frozenset(
    {
        "tensorflow.compat.v1.disable_eager_execution",
        "tensorflow.compat.v1.disable_v2_behavior",
        "tensorflow.Graph",
        "tensorflow.compat.v1.Graph",
        "tensorflow.compat.v1.placeholder",
        "tensorflow.compat.v1.global_variables_initializer",
    }
)

_INSTEAD = (
    "for reproducible training call keras.utils.set_random_seed(n) and "
    "tf.config.experimental.enable_op_determinism()"
)


def problem(call: CallSite) -> str | None:
    if call.callee in _SESSIONS:
        return f"{call.raw}() has no effect on TF2 eager / Keras 3 training, which never runs in it"
    if call.callee in _CONFIGS and any(key in call.kwargs for key in _THREAD_SETTINGS):
        return (
            f"thread settings in {call.raw}() only reach a TF1 session, which Keras 3 does not "
            "use; to limit threads call tf.config.threading.set_intra_op_parallelism_threads(1) "
            "and set_inter_op_parallelism_threads(1)"
        )
    if call.callee in _SET_SESSION:
        return (
            f"{call.raw}() is gone in Keras 3 (calling it raises AttributeError), and in "
            "Keras 2 it did not make eager training use the session"
        )
    return None


class LegacySessionDeterminism(Rule):
    """The TF1 session recipe for reproducibility, which does nothing in TF2 and Keras 3.

    ## What it does
    Reports `tf.compat.v1.Session(...)`, `tf.compat.v1.ConfigProto(...)` with
    `intra_op_parallelism_threads` / `inter_op_parallelism_threads`, and
    `tf.compat.v1.keras.backend.set_session(...)`: the reproducibility recipe of the notes
    (and of the old Keras FAQ). Files that build TF1 graphs (`disable_eager_execution()`,
    `disable_v2_behavior()`, `tf.Graph()`, `placeholder`) are not reported: there the
    session is real.

    ## Why is this bad?
    TF2 runs eagerly and Keras 3 never uses a TF1 session, so the session and its thread
    configuration change nothing about how the model trains (after the recipe,
    `tf.config.threading.get_intra_op_parallelism_threads()` still returns 0, the
    default), and with Keras 3 `tf.compat.v1.keras.backend.set_session` no longer exists:
    TF 2.21 raises `AttributeError` on it. The recipe
    gives a false sense of reproducibility, and the notes observe that it is "expensive"
    although it does nothing. What makes Keras 3 training repeat is
    `keras.utils.set_random_seed(n)` plus, for kernels that are not deterministic,
    `tf.config.experimental.enable_op_determinism()`.

    ## Example
    ```python
    session_conf = tf.compat.v1.ConfigProto(
        intra_op_parallelism_threads=1, inter_op_parallelism_threads=1
    )
    sess = tf.compat.v1.Session(graph=tf.compat.v1.get_default_graph(), config=session_conf)
    tf.compat.v1.keras.backend.set_session(sess)
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(33)
    tf.config.experimental.enable_op_determinism()
    ```

    ## Fix safety
    No automatic fix: the lines can be deleted, but what replaces them (seeding, op
    determinism, thread limits) is the author's choice.
    """

    code = "KC404"
    name = "legacy-session-determinism"
    summary = "TF1 Session/ConfigProto/set_session recipe that TF2 and Keras 3 ignore."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        import tensorflow as tf
        keras.utils.set_random_seed(33)
        tf.config.experimental.enable_op_determinism()
        """,
        # Trap: a program that runs TF1 graphs really uses its session.
        """
        import tensorflow as tf
        tf.compat.v1.disable_eager_execution()
        sess = tf.compat.v1.Session()
        tf.compat.v1.keras.backend.set_session(sess)
        """,
        # Trap: a session that runs an explicit graph is real.
        """
        import tensorflow as tf
        from tensorflow import keras
        graph = tf.Graph()
        with graph.as_default():
            x = tf.compat.v1.placeholder(tf.float32, shape=(None, 3))
            with tf.compat.v1.Session(graph=graph) as sess:
                sess.run(x, feed_dict={x: [[1, 2, 3]]})
        """,
        # Trap: a ConfigProto for GPU memory growth is not about threads.
        """
        from tensorflow.compat.v1 import ConfigProto
        from tensorflow import keras
        config = ConfigProto()
        config.gpu_options.allow_growth = True
        """,
    ]
    INVALID = [
        Invalid(
            """
            import tensorflow as tf
            session_conf = tf.compat.v1.ConfigProto(
                intra_op_parallelism_threads=1,
                inter_op_parallelism_threads=1)
            sess = tf.compat.v1.Session(
                graph=tf.compat.v1.get_default_graph(),
                config=session_conf)
            tf.compat.v1.keras.backend.set_session(sess)
            """,
            lines=(3, 6, 9),
        ),
        Invalid(
            """
            from keras import backend as K
            import tensorflow.compat.v1 as tf1
            K.set_session(tf1.Session())
            """,
            lines=(4,),
        ),
        Invalid(
            """
            from tensorflow.compat.v1.keras.backend import set_session
            from tensorflow.compat.v1 import Session
            with Session() as sess:
                set_session(sess)
            """,
            lines=(4, 5),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        calls = ctx.file.calls
        if any(call.callee in _GRAPH_MODE for call in calls):
            return
        for call in calls:
            reason = problem(call)
            if reason is not None:
                yield self.finding(call.node, f"{reason}; {_INSTEAD}")
