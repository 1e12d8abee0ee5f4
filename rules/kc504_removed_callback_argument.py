"""KC504: callback and fit arguments Keras 3 removed (`ModelCheckpoint(period=...)`, `nb_epoch=`)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from kerascheck.knowledge.keras3_removals import (
    CALLBACK_ARGUMENTS,
    FIT_ARGUMENTS,
    FIT_METHODS,
    Removed,
)
from kerascheck.model.results import Applicability, Edit, Finding, Fix, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext

from ._lib.calls import KerasCall, keras_calls, method_sites, model_receiver
from ._lib.edits import rename_keyword


class RemovedCallbackArgument(Rule):
    """A callback or `fit` argument that Keras 2 took and Keras 3 does not.

    ## What it does
    Reports the removed arguments listed in kerascheck's Keras 2 table:
    `ModelCheckpoint(period=...)`, `options=` and `load_weights_on_restart=`;
    `ReduceLROnPlateau(epsilon=...)`; TensorBoard's `batch_size=`, `write_grads=`,
    `embeddings_layer_names=` and `embeddings_data=`; and `nb_epoch=`, `workers=`,
    `use_multiprocessing=` and `max_queue_size=` given to a model's `fit`, `evaluate` or
    `predict`.

    ## Why is this bad?
    Keras 3's `ModelCheckpoint`, `TensorBoard` and `fit` have fixed signatures, so these
    raise `TypeError` before training starts. `ReduceLROnPlateau` is worse: it swallows
    unknown keywords, so `epsilon=` (Keras 2's old name for `min_delta`) is silently ignored.
    The notes list `period=1` among ModelCheckpoint's options; in Keras 3 the interval is
    `save_freq`, which takes `"epoch"` or a number of *batches*.

    ## Example
    ```python
    checkpoint = keras.callbacks.ModelCheckpoint("best.keras", period=5)
    model.fit(X, y, nb_epoch=10)
    ```

    ## Use instead
    ```python
    checkpoint = keras.callbacks.ModelCheckpoint("best.keras", save_freq="epoch")
    model.fit(X, y, epochs=10)
    ```

    ## Fix safety
    `nb_epoch=` to `epochs=` is safe (a plain rename). `period=N` to `save_freq="epoch"` is
    unsafe: it saves every epoch instead of every N epochs (every N epochs is
    `save_freq=N * steps_per_epoch`, which kerascheck cannot know). `epsilon=` to `min_delta=`
    is unsafe: Keras 3 ignored the value, so honouring it changes when the learning rate drops.
    The other arguments have no fix.
    """

    code = "KC504"
    name = "removed-callback-argument"
    summary = "A callback or fit argument Keras 3 removed (ModelCheckpoint period=, nb_epoch=)."
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    VALID = [
        """
        import keras
        checkpoint = keras.callbacks.ModelCheckpoint("best.keras", save_freq="epoch")
        lr = keras.callbacks.ReduceLROnPlateau(min_delta=1e-3)
        model.fit(X, y, epochs=10, callbacks=[checkpoint, lr])
        """,
        # Trap: a period argument of something that is not a Keras callback.
        """
        import tensorflow as tf
        sched = make_schedule(period=5, epsilon=0.1)
        clf = search.best_estimator_
        clf.fit(X, y, workers=2)
        """,
        # Trap: a PyDataset takes workers in Keras 3.
        """
        from keras.utils import PyDataset
        class Batches(PyDataset):
            def __init__(self, x, **kwargs):
                super().__init__(workers=4, use_multiprocessing=True, **kwargs)
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            checkpoint = keras.callbacks.ModelCheckpoint(filepath="best.keras", period=1)
            """,
            lines=(3,),
            fixed="""
            import keras
            checkpoint = keras.callbacks.ModelCheckpoint(filepath="best.keras", save_freq="epoch")
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.fit(X, y, nb_epoch=10, workers=4, use_multiprocessing=True)
            """,
            lines=(4,),
            fixed="""
            import tensorflow as tf
            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.fit(X, y, epochs=10, workers=4, use_multiprocessing=True)
            """,
        ),
        Invalid(
            """
            from tensorflow.keras.callbacks import ReduceLROnPlateau, TensorBoard
            lr = ReduceLROnPlateau(factor=0.5, epsilon=1e-4)
            tb = TensorBoard(log_dir="logs",
                             write_grads=True)
            """,
            lines=(3, 5),
            fixed="""
            from tensorflow.keras.callbacks import ReduceLROnPlateau, TensorBoard
            lr = ReduceLROnPlateau(factor=0.5, min_delta=1e-4)
            tb = TensorBoard(log_dir="logs",
                             write_grads=True)
            """,
        ),
        # period=N with save_freq already given: reported, nothing to rename into.
        Invalid(
            """
            from keras import callbacks
            EVERY = 5
            ckpt = callbacks.ModelCheckpoint("m.keras", period=EVERY, save_freq="epoch")
            """,
            lines=(4,),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in keras_calls(ctx.file, CALLBACK_ARGUMENTS.__contains__):
            short = call.callee.rsplit(".", 1)[-1]
            for name, entry in CALLBACK_ARGUMENTS[call.callee].items():
                arg = call.keyword(name)
                if arg is not None:
                    yield self.report(short, arg, entry, self.callback_fix(call, arg, entry))
        for site in method_sites(ctx.file, FIT_METHODS):
            call = KerasCall(site.method or "", site.node, site.args, site.kwargs, False)
            known_model = model_receiver(site.receiver) == "model"
            for name, entry in FIT_ARGUMENTS.items():
                arg = call.keyword(name)
                # `workers=` is a common word: only on a value known to be a Keras model.
                if arg is None or (name != "nb_epoch" and not known_model):
                    continue
                fix = None
                # fit(x, y, batch_size, epochs): a fourth positional argument is `epochs`.
                free = call.keyword(entry.replacement) is None and len(site.args) < 4
                if entry.fix == "safe" and free:
                    fix = Fix(
                        Applicability.SAFE,
                        f"rename `{name}=` to `{entry.replacement}=`",
                        (rename_keyword(arg, entry.replacement),),
                    )
                yield self.report(f"{site.method}", arg, entry, fix)

    def report(self, where: str, arg: cst.Arg, entry: Removed, fix: Fix | None) -> Finding:
        if not entry.replacement:
            use = ""
        elif entry.fix is not None:
            use = f"; use `{entry.replacement}=`"
        else:
            use = f"; use {entry.replacement}"
        return self.finding(
            arg,
            f"`{where}({entry.old}=...)` was removed in {entry.removed_in}: {entry.why}{use}",
            fix,
        )

    def callback_fix(self, call: KerasCall, arg: cst.Arg, entry: Removed) -> Fix | None:
        if entry.fix is None or call.keyword(entry.replacement) is not None:
            return None
        if entry.old == "period":
            every = call.kwargs.get("period")
            new = arg.with_changes(keyword=cst.Name("save_freq"), value=cst.SimpleString('"epoch"'))
            note = "" if every == 1 else f" (every epoch, not every {every})"
            return Fix(
                Applicability.UNSAFE,
                f'replace `period=` with `save_freq="epoch"`{note}',
                (Edit(arg, new),),
            )
        return Fix(
            Applicability.UNSAFE,
            f"rename `{entry.old}=` to `{entry.replacement}=`",
            (rename_keyword(arg, entry.replacement),),
        )
