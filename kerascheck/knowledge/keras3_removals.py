"""The Keras 2 APIs that Keras 3 removed or renamed, as data for the KC5 rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FixKind = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class Removed:
    """One removed or renamed API: what replaces it and since which version it is gone.

    `replacement` is a keyword or dotted name when `fix` says it can be substituted as is;
    otherwise it is prose for the message ("" when the thing should just go). `fix` is None
    when no mechanical fix exists.
    """

    old: str
    replacement: str
    removed_in: str
    why: str
    fix: FixKind | None = None


# Arguments of every Keras optimizer (`keras.optimizers.Adam(lr=0.1)`).
OPTIMIZER_ARGUMENTS: dict[str, Removed] = {
    "lr": Removed(
        "lr",
        "learning_rate",
        "Keras 3.0",
        "Keras 3 optimizers raise `ValueError: Argument(s) not recognized` on it",
        fix="safe",
    ),
    "decay": Removed(
        "decay",
        "a schedule as `learning_rate`: Keras 2's `decay=d` is "
        "`keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`",
        "Keras 2.11",
        "Keras 3 warns and ignores it, so the learning rate never decays",
    ),
}

# Methods of keras.Model that Keras 2 had and Keras 3 does not.
MODEL_METHODS: dict[str, Removed] = {
    "predict_classes": Removed(
        "predict_classes",
        "`np.argmax(model.predict(x), axis=-1)` for a softmax output, "
        '`(model.predict(x) > 0.5).astype("int32")` for a single sigmoid unit',
        "Keras 2.6",
        "calling it raises AttributeError",
        fix="safe",
    ),
    "predict_proba": Removed(
        "predict_proba",
        "`model.predict(x)`, which already returns the probabilities",
        "Keras 2.6",
        "calling it raises AttributeError",
    ),
    "fit_generator": Removed(
        "fit_generator",
        "`model.fit(generator, ...)`, which accepts generators, PyDatasets and tf.data "
        "(`workers=`, `use_multiprocessing=` and `max_queue_size=` move to a PyDataset)",
        "Keras 3.0",
        "calling it raises AttributeError",
    ),
    "evaluate_generator": Removed(
        "evaluate_generator",
        "`model.evaluate(generator, ...)`",
        "Keras 3.0",
        "calling it raises AttributeError",
    ),
    "predict_generator": Removed(
        "predict_generator",
        "`model.predict(generator, ...)`",
        "Keras 3.0",
        "calling it raises AttributeError",
    ),
}

# Arguments removed from callbacks, by canonical class name.
CALLBACK_ARGUMENTS: dict[str, dict[str, Removed]] = {
    "keras.callbacks.ModelCheckpoint": {
        "period": Removed(
            "period",
            "save_freq",
            "Keras 3.0",
            "Keras 3's ModelCheckpoint raises TypeError on it, and its `save_freq` takes "
            '"epoch" or a number of batches, not epochs',
            fix="unsafe",
        ),
        "options": Removed(
            "options",
            "",
            "Keras 3.0",
            "Keras 3's ModelCheckpoint raises TypeError on it; remove it",
        ),
        "load_weights_on_restart": Removed(
            "load_weights_on_restart",
            "`keras.callbacks.BackupAndRestore` to resume interrupted training",
            "Keras 3.0",
            "Keras 3's ModelCheckpoint raises TypeError on it",
        ),
    },
    "keras.callbacks.ReduceLROnPlateau": {
        "epsilon": Removed(
            "epsilon",
            "min_delta",
            "Keras 3.0",
            "Keras 3 accepts it and silently ignores it, so the threshold is the default 1e-4",
            fix="unsafe",
        ),
    },
    "keras.callbacks.TensorBoard": {
        name: Removed(
            name,
            "",
            "Keras 3.0",
            "Keras 3's TensorBoard raises TypeError on it; TensorFlow 2 already ignored it, "
            "so remove it",
        )
        for name in ("batch_size", "write_grads", "embeddings_layer_names", "embeddings_data")
    },
}

# Arguments removed from Model.fit / evaluate / predict.
FIT_ARGUMENTS: dict[str, Removed] = {
    "nb_epoch": Removed(
        "nb_epoch",
        "epochs",
        "Keras 3.0 (renamed `epochs` in Keras 2.0)",
        "Keras 3's fit raises TypeError on it",
        fix="safe",
    ),
    **{
        name: Removed(
            name,
            "`super().__init__(workers=..., use_multiprocessing=..., max_queue_size=...)` in a "
            "`keras.utils.PyDataset` subclass",
            "Keras 3.0",
            "Keras 3's fit, evaluate and predict raise TypeError on it",
        )
        for name in ("workers", "use_multiprocessing", "max_queue_size")
    },
}
FIT_METHODS = frozenset({"fit", "evaluate", "predict"})

# Names under `keras.` that are gone, and what to use. Prefixes match whole components.
REMOVED_NAMES: dict[str, Removed] = {
    "keras.layers.CuDNNLSTM": Removed(
        "keras.layers.CuDNNLSTM",
        "`keras.layers.LSTM`",
        "tf.keras 2.0",
        "`LSTM` uses the cuDNN kernel by itself when its arguments allow",
    ),
    "keras.layers.CuDNNGRU": Removed(
        "keras.layers.CuDNNGRU",
        "`keras.layers.GRU`",
        "tf.keras 2.0",
        "`GRU` uses the cuDNN kernel by itself when its arguments allow",
    ),
    "keras.layers.experimental": Removed(
        "keras.layers.experimental",
        "the same layer directly under `keras.layers`",
        "Keras 3.0",
        "its preprocessing and experimental layers moved into `keras.layers`",
    ),
    "keras.utils.multi_gpu_model": Removed(
        "keras.utils.multi_gpu_model",
        "`tf.distribute.MirroredStrategy` (or `keras.distribution` on JAX)",
        "TensorFlow 2.4",
        "multi-GPU training moved to distribution strategies",
    ),
    "keras.wrappers.scikit_learn": Removed(
        "keras.wrappers.scikit_learn",
        "`keras.wrappers.SKLearnClassifier` / `SKLearnRegressor`, or the SciKeras package",
        "Keras 3.0",
        "the old scikit-learn wrappers are gone",
    ),
    "keras.preprocessing.image.ImageDataGenerator": Removed(
        "keras.preprocessing.image.ImageDataGenerator",
        "`keras.utils.image_dataset_from_directory` plus augmentation layers such as "
        "`keras.layers.RandomFlip`",
        "Keras 3.0",
        "only the tf.keras compatibility view still has it",
    ),
    "keras.preprocessing.text": Removed(
        "keras.preprocessing.text",
        "`keras.layers.TextVectorization`",
        "Keras 3.0",
        "only the tf.keras compatibility view still has it",
    ),
    "keras.layers.ThresholdedReLU": Removed(
        "keras.layers.ThresholdedReLU",
        "`keras.layers.ReLU(threshold=...)`",
        "Keras 3.0",
        "only the tf.keras compatibility view still has it",
    ),
    "keras.backend": Removed(
        "keras.backend",
        "`keras.ops`",
        "Keras 3.0",
        "Keras 3's `keras.backend` keeps only a few utilities; the tensor functions of "
        "Keras 2's backend live in `keras.ops`",
    ),
}

# Keras 3's native whole-model format and the weights-only file suffix it requires.
NATIVE_MODEL_SUFFIX = ".keras"
WEIGHTS_SUFFIX = ".weights.h5"
LEGACY_MODEL_SUFFIXES = (".h5", ".hdf5")


def removed_name(dotted: str) -> Removed | None:
    """The REMOVED_NAMES entry for `dotted` or its nearest listed parent."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        entry = REMOVED_NAMES.get(".".join(parts[:end]))
        if entry is not None:
            return entry
    return None
