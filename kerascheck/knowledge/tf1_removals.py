"""TF1-era `tf.*` names that TensorFlow 2 no longer has, and what replaces each."""

from __future__ import annotations

import functools
import os

# Names older than the installed TensorFlow's compat.v1 tree: TF 0.x spellings renamed in 1.0,
# and `tf.layers` functions whose compat.v1 home moved out of TensorFlow (to tf_keras).
OLDER: dict[str, str] = {
    "tf.merge_all_summaries": "tf.compat.v1.summary.merge_all",
    "tf.merge_summary": "tf.compat.v1.summary.merge",
    "tf.scalar_summary": "tf.summary.scalar",
    "tf.histogram_summary": "tf.summary.histogram",
    "tf.image_summary": "tf.summary.image",
    "tf.audio_summary": "tf.summary.audio",
    "tf.train.SummaryWriter": "tf.summary.create_file_writer",
    "tf.initialize_all_variables": "tf.compat.v1.global_variables_initializer",
    "tf.initialize_local_variables": "tf.compat.v1.local_variables_initializer",
    "tf.all_variables": "tf.compat.v1.global_variables",
    "tf.mul": "tf.multiply",
    "tf.sub": "tf.subtract",
    "tf.neg": "tf.negative",
    "tf.pack": "tf.stack",
    "tf.unpack": "tf.unstack",
    "tf.select": "tf.where",
    "tf.batch_matmul": "tf.linalg.matmul",
    "tf.layers.dense": "tf.keras.layers.Dense",
    "tf.layers.conv1d": "tf.keras.layers.Conv1D",
    "tf.layers.conv2d": "tf.keras.layers.Conv2D",
    "tf.layers.conv2d_transpose": "tf.keras.layers.Conv2DTranspose",
    "tf.layers.max_pooling2d": "tf.keras.layers.MaxPooling2D",
    "tf.layers.average_pooling2d": "tf.keras.layers.AveragePooling2D",
    "tf.layers.dropout": "tf.keras.layers.Dropout",
    "tf.layers.flatten": "tf.keras.layers.Flatten",
    "tf.layers.batch_normalization": "tf.keras.layers.BatchNormalization",
}

# The TF2 way for the names TF1 programs use most, where it is not a plain rename.
TF2_WAY: dict[str, str] = {
    "tf.placeholder": "a tf.keras.Input or a tf.function argument",
    "tf.Session": "eager execution (call the ops directly) or tf.function",
    "tf.InteractiveSession": "eager execution",
    "tf.global_variables_initializer": "nothing: TF2 variables are initialised when created",
    "tf.train.AdamOptimizer": "tf.keras.optimizers.Adam",
    "tf.train.GradientDescentOptimizer": "tf.keras.optimizers.SGD",
    "tf.train.RMSPropOptimizer": "tf.keras.optimizers.RMSprop",
    "tf.train.MomentumOptimizer": "tf.keras.optimizers.SGD(momentum=...)",
    "tf.train.AdagradOptimizer": "tf.keras.optimizers.Adagrad",
    "tf.train.Saver": "tf.train.Checkpoint",
    "tf.summary.FileWriter": "tf.summary.create_file_writer",
    "tf.get_variable": "tf.Variable",
    "tf.variable_scope": "tf.name_scope or Keras layers",
}


@functools.cache
def removed() -> dict[str, str]:
    """`tf.placeholder` -> `tf.compat.v1.placeholder`, from the generated data file."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "tf1_removed.txt")
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "\t" not in line:
                continue
            name, replacement = line.rstrip("\n").split("\t", 1)
            out[name] = replacement
    for name, replacement in OLDER.items():
        out.setdefault(name, replacement)
    return out


def replacement(name: str) -> str | None:
    """What to use instead of the TF1 name `tf.x.y`; None when TF2 still has it."""
    if name.startswith("tf.contrib."):
        return "no replacement in TensorFlow 2: tf.contrib was removed"
    found = removed().get(name)
    if found is None:
        return None
    way = TF2_WAY.get(name)
    return f"{way} (or {found})" if way else found
