"""KC405: PYTHONHASHSEED set by the running program, too late to affect its own hashing."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.description import FileModel, SeedKind
from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

# Calls that start another interpreter, which does read the variable.
_CHILD_PREFIXES = ("subprocess.", "multiprocessing.", "os.exec", "os.spawn", "os.posix_spawn")
_CHILD_CALLS = frozenset(
    {"os.system", "os.popen", "os.fork", "concurrent.futures.ProcessPoolExecutor"}
)


def starts_child_process(file: FileModel) -> bool:
    for call in file.calls:
        callee = call.callee or ""
        if callee.startswith(_CHILD_PREFIXES) or callee in _CHILD_CALLS:
            return True
    return any(f.kwargs.get("use_multiprocessing") is True for f in file.fit_calls)


class PythonHashSeedAtRuntime(Rule):
    """`os.environ["PYTHONHASHSEED"]` set inside the program it is meant to affect.

    ## What it does
    Reports assignments of `os.environ["PYTHONHASHSEED"]` (and
    `os.environ.setdefault("PYTHONHASHSEED", ...)`, `os.putenv`) in a file that starts no
    child process (`subprocess`, `multiprocessing`, `os.exec*`, `fit(...,
    use_multiprocessing=True)`), as in the notes' reproducibility recipe.

    ## Why is this bad?
    Python reads `PYTHONHASHSEED` once, when the interpreter starts, to seed the hashing
    of `str` and `bytes`. Changing the variable later only affects processes started
    afterwards; the running program keeps its random hash seed, so the line does nothing
    for it. Keras training does not depend on string hashing anyway; set the variable in
    the shell (`PYTHONHASHSEED=0 python train.py`) if something else does.

    ## Example
    ```python
    os.environ["PYTHONHASHSEED"] = str(33)
    ```

    ## Use instead
    ```python
    keras.utils.set_random_seed(33)  # and, if needed: PYTHONHASHSEED=33 python train.py
    ```

    ## Fix safety
    No automatic fix: whether the variable is meant for a child process is not known.
    """

    code = "KC405"
    name = "pythonhashseed-at-runtime"
    summary = "PYTHONHASHSEED set at run time has no effect on the running interpreter."
    severity = Severity.WARNING

    VALID = [
        """
        import keras
        keras.utils.set_random_seed(33)
        """,
        # Trap: the variable is set for the child process it launches.
        """
        import os
        import subprocess
        import tensorflow as tf
        os.environ["PYTHONHASHSEED"] = "0"
        subprocess.run(["python", "train.py"], check=True)
        """,
        # Trap: reading the variable, or setting another one, is fine.
        """
        import os
        from tensorflow import keras
        seed = os.environ["PYTHONHASHSEED"]
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        """,
    ]
    INVALID = [
        Invalid(
            """
            import os
            import tensorflow as tf
            tf.random.set_seed(33)
            os.environ['PYTHONHASHSEED'] = str(33)
            """,
            lines=(5,),
        ),
        Invalid(
            """
            import os
            import keras
            KEY = "PYTHONHASHSEED"
            os.environ.setdefault(KEY, "0")
            """,
            lines=(5,),
        ),
        Invalid(
            """
            from os import environ
            from tensorflow.keras import Sequential
            environ["PYTHONHASHSEED"] = "42"
            """,
            lines=(4,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        file = ctx.file
        seeds = [s for s in file.seeds if s.kind is SeedKind.HASHSEED]
        if not seeds or starts_child_process(file):
            return
        for seed in seeds:
            yield self.finding(
                seed.node,
                "setting PYTHONHASHSEED inside the program does not change its own hashing, "
                "which Python seeds at start-up; set it in the shell "
                "(PYTHONHASHSEED=0 python train.py) if needed, and seed training with "
                "keras.utils.set_random_seed(n)",
            )
