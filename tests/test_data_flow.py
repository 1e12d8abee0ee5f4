"""What the data-provenance pass learns of the arrays passed to fit, and what it leaves unknown."""

from __future__ import annotations

import textwrap

import libcst as cst

from kerascheck.model.description import DataFacts
from kerascheck.read.reader import read_module


def fed(code: str) -> tuple[DataFacts | None, DataFacts | None]:
    file = read_module(cst.parse_module(textwrap.dedent(code)), "t.py")
    fit = file.fit_calls[-1]
    return fit.x, fit.y


HEAD = """
import numpy as np
import keras
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
"""


def test_dataset_reshape_slice_and_scale() -> None:
    x, y = fed(
        HEAD
        + """
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32")
model.fit(x_train[:1000], y_train[:1000])
"""
    )
    assert x is not None and y is not None
    assert x.shape == (1000, 28, 28, 1)
    assert x.scale == "0-255" and x.dtype == "float32"  # astype does not scale
    assert y.labels == "integer" and y.classes == 10 and y.shape == (1000,)


def test_division_and_augmented_division_scale() -> None:
    x, _ = fed(
        HEAD
        + """
(x, y), _ = keras.datasets.cifar10.load_data()
x = x.astype("float32")
x /= 255.0
model.fit(x, y)
"""
    )
    assert x is not None and x.scale == "scaled" and x.shape == (50000, 32, 32, 3)


def test_one_hot_spellings_and_class_counts() -> None:
    _, y = fed(
        HEAD
        + """
labels = np.random.randint(0, 7, size=(50,))
n = len(np.unique(labels))
model.fit(np.zeros((50, 4)), keras.utils.to_categorical(labels, n))
"""
    )
    assert y == DataFacts(shape=(50, 7), dtype="float", labels="onehot", classes=7)
    _, y = fed(HEAD + "model.fit(np.zeros((9, 4)), np.eye(3)[np.random.randint(0, 3, 9)])\n")
    assert y is not None and y.labels == "onehot" and y.classes == 3 and y.shape == (9, 3)


def test_expand_dims_newaxis_and_tf_data() -> None:
    x, _ = fed(HEAD + "model.fit(np.expand_dims(np.zeros((8, 5)), -1), None)\n")
    assert x is not None and x.shape == (8, 5, 1)
    x, _ = fed(HEAD + "model.fit(np.zeros((8, 5))[..., np.newaxis], None)\n")
    assert x is not None and x.shape == (8, 5, 1)
    x, y = fed(
        HEAD
        + """
import tensorflow as tf
d = tf.data.Dataset.from_tensor_slices((np.zeros((64, 6)), np.ones((64,)))).shuffle(64)
model.fit(d.batch(8))
"""
    )
    assert x is not None and x.shape == (None, 6)
    assert y is not None and y.shape == (None,)
    # Unbatched, a dataset feeds single samples: its shapes are not the model's.
    x, _ = fed(
        HEAD
        + """
import tensorflow as tf
model.fit(tf.data.Dataset.from_tensor_slices((np.zeros((64, 6)), np.ones((64,)))))
"""
    )
    assert x is None


def test_branches_and_unknown_calls_stay_unknown() -> None:
    x, _ = fed(
        HEAD
        + """
x = np.zeros((10, 4))
if flat:
    x = x.reshape(10, 2, 2)
model.fit(x, None)
"""
    )
    # The arms agree on what the array is, not on its shape.
    assert x is not None and x.shape is None and x.dtype == "float"
    x, _ = fed(
        HEAD
        + """
(x, y), _ = keras.datasets.mnist.load_data()
if channels_first:
    x = x.reshape(-1, 1, 28, 28)
else:
    x = x.reshape(-1, 28, 28, 1)
model.fit(x, y)
"""
    )
    assert x is not None and x.shape == (60000, None, 28, None) and x.scale == "0-255"
    x, _ = fed(HEAD + "x = load_my_data()\nmodel.fit(x, None)\n")
    assert x is None


def test_function_sees_only_globals_that_keep_one_value() -> None:
    x, _ = fed(
        HEAD
        + """
(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
def train():
    model.fit(x_train, y_train)
train()
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
"""
    )
    assert x is None
    x, _ = fed(
        HEAD
        + """
(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
def train():
    model.fit(x_train, y_train)
"""
    )
    assert x is not None and x.shape == (60000, 28, 28)


def test_scaler_and_split() -> None:
    x, y = fed(
        HEAD
        + """
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
X = np.random.rand(100, 4)
Y = np.random.randint(0, 2, size=(100,))
X_tr, X_te, y_tr, y_te = train_test_split(StandardScaler().fit_transform(X), Y)
model.fit(X_tr, y_tr)
"""
    )
    assert x is not None and x.scale == "scaled" and x.shape == (None, 4)
    assert y is not None and y.labels == "binary" and y.classes == 2


def test_image_directory_datasets() -> None:
    x, y = fed(
        HEAD
        + """
ds = keras.utils.image_dataset_from_directory("d", image_size=(64, 48), color_mode="grayscale")
model.fit(ds.prefetch(2))
"""
    )
    assert x is not None and x.shape == (None, 64, 48, 1) and x.scale == "0-255"
    assert y is not None and y.labels == "integer" and y.classes is None
    # A map() may scale the images: what comes out is not known.
    x, _ = fed(
        HEAD
        + """
ds = keras.utils.image_dataset_from_directory("d").map(lambda a, b: (a / 255.0, b))
model.fit(ds)
"""
    )
    assert x is None
