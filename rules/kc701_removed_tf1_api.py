"""KC701: a TF1-era `tf.*` API that TensorFlow 2 removed, outside a `tf.compat.v1` program."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.knowledge import tf1_removals
from kerascheck.model.description import FileModel
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

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
    spellings), once a name and file, with the replacement where there is one. Programs
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
            x = tf.placeholder(tf.float32, [None, 784])
            merged = tf.merge_all_summaries()
            writer = tf.train.SummaryWriter("logs")
            other = tf.placeholder(tf.int32)
            """,
            lines=(3, 4, 5),
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
        seen: set[str] = set()
        for call in file.calls:
            callee = call.callee
            if callee is None or not callee.startswith("tensorflow."):
                continue
            name = "tf." + callee[len("tensorflow.") :]
            # tf.contrib went as a whole: one finding a contrib module, not one a name.
            key = ".".join(name.split(".")[:3]) if name.startswith("tf.contrib.") else name
            if key in seen:
                continue
            replacement = tf1_removals.replacement(name)
            if replacement is None:
                continue
            seen.add(key)
            if key != name:
                message = (
                    f"`{key}` (here `{call.raw or name}`) was removed in TensorFlow 2 with all "
                    "of tf.contrib; it has no replacement there"
                )
            else:
                message = f"`{call.raw or name}` was removed in TensorFlow 2; use {replacement}"
            yield self.finding(call.node.func, message)
