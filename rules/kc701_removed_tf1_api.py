"""KC701: a TF1-era `tf.*` API that TensorFlow 2 removed, outside a `tf.compat.v1` program."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import tf1_removals
from kerascheck.model.description import CallSite, FileModel
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.tf1 import graph_program

_V1_MARKERS = ("tensorflow.compat.v1", "tensorflow.disable_v2_behavior")


def compat_program(file: FileModel) -> bool:
    """Whether the program runs TF1 code through `tf.compat.v1` (it keeps its TF1 names)."""
    return any(c.callee is not None and c.callee.startswith(_V1_MARKERS) for c in file.calls)


class RemovedTf1Api(Rule):
    """A TF1-era `tf.*` API that TensorFlow 2 removed.

    ## What it does
    Reports calls of `tf.*` names that TensorFlow 1 had and TensorFlow 2 does not:
    `tf.placeholder`, `tf.Session`, `tf.train.AdamOptimizer`, `tf.merge_all_summaries`,
    `tf.train.SummaryWriter`, `tf.contrib.*`, ... (the list is generated from the
    installed TensorFlow's API tree by `scripts/gen_tf1_removals.py`, plus the TF 0.x
    spellings), once a name and file, with the replacement where there is one. A whole
    TF1 program (sessions, placeholders, TF1 optimizers) gets one finding, at its first
    removed call, that says how to run or port it. Programs
    that use `tf.compat.v1` (`import tensorflow.compat.v1 as tf`,
    `tf.compat.v1.disable_v2_behavior()`) are not reported: they keep their TF1 APIs on
    purpose.

    ## Why is this bad?
    Under TensorFlow 2 the first such call raises `AttributeError: module 'tensorflow' has
    no attribute 'placeholder'`. The fix is rarely a rename alone: sessions and
    placeholders give way to eager code and `tf.function`, optimizers to `tf.keras`'s.

    ## Example
    ```python
    x = tf.placeholder(tf.float32, [None, 784])
    merged = tf.merge_all_summaries()
    ```

    ## Use instead
    ```python
    inputs = tf.keras.Input(shape=(784,))
    writer = tf.summary.create_file_writer("logs")
    ```

    ## Fix safety
    No automatic fix: the TF2 form usually changes the program's structure.
    """

    code = "KC701"
    name = "removed-tf1-api"
    summary = "TF1 `tf.*` API removed in TensorFlow 2 (tf.placeholder, tf.Session, ...)."
    severity = Severity.ERROR

    VALID = [
        """
        import tensorflow as tf
        x = tf.random.normal([4, 3])
        opt = tf.keras.optimizers.Adam()
        """,
        # Trap: a tf.compat.v1 program keeps its TF1 APIs.
        """
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        x = tf.placeholder(tf.float32, [None, 784])
        sess = tf.Session()
        """,
        """
        import tensorflow as tf
        tf.compat.v1.disable_eager_execution()
        x = tf.placeholder(tf.float32, [None, 784])
        """,
    ]
    INVALID = [
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            merged = tf.merge_all_summaries()
            writer = tf.train.SummaryWriter("logs")
            again = tf.merge_all_summaries()
            """,
            lines=(4, 5),
        ),
        # A TF1 graph program: one finding for the program, at its first removed API.
        Invalid(
            """
            import tensorflow as tf
            x = tf.placeholder(tf.float32, [None, 784])
            w = tf.get_variable("w", [784, 10])
            train = tf.train.AdamOptimizer(0.001).minimize(tf.reduce_sum(w))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
            """,
            lines=(3,),
        ),
        Invalid(
            """
            from tensorflow.contrib import keras
            model = keras.models.Sequential()
            model.add(keras.layers.Dense(1))
            """,
            lines=(3,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        if compat_program(file):
            return
        removed: dict[str, tuple[CallSite, str, str]] = {}
        for call in file.calls:
            callee = call.callee
            if callee is None or not callee.startswith("tensorflow."):
                continue
            name = "tf." + callee[len("tensorflow.") :]
            # tf.contrib went as a whole: one finding a contrib module, not one a name.
            key = ".".join(name.split(".")[:3]) if name.startswith("tf.contrib.") else name
            replacement = tf1_removals.replacement(name)
            if replacement is not None and key not in removed:
                removed[key] = (call, name, replacement)
        if not removed:
            return
        if graph_program(file.calls):
            # A whole TF1 program: one finding says what to do with it, not one per API.
            first, _, _ = next(iter(removed.values()))
            names = [f"`{key}`" for key in removed]
            listed = ", ".join(names[:3]) + (
                f" and {len(names) - 3} more" if len(names) > 3 else ""
            )
            yield self.finding(
                first.node.func,
                f"this is a TensorFlow 1 program ({listed}, removed in TensorFlow 2); run it on "
                "TensorFlow 1.x or with `import tensorflow.compat.v1 as tf` and "
                "`tf.disable_v2_behavior()`, or port it to TF2",
            )
            return
        for key, (call, name, replacement) in removed.items():
            if key != name:
                message = (
                    f"`{key}` (here `{call.raw or name}`) was removed in TensorFlow 2 with all "
                    "of tf.contrib; it has no replacement there"
                )
            else:
                message = f"`{call.raw or name}` was removed in TensorFlow 2; use {replacement}"
            yield self.finding(call.node.func, message)
