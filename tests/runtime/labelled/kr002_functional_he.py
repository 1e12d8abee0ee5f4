"""Fault KR002: a deep functional SELU stack with he_normal drifts out of the band."""

import os

import keras
import numpy as np

SEED = int(os.environ.get("LABELLED_SEED", "0"))
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = rng.standard_normal((1024, 64)).astype("float32")
y = (x[:, :8].sum(axis=1) > 0).astype("int32")

inputs = keras.Input((64,))
h = inputs
for _ in range(16):
    h = keras.layers.Dense(64, activation="selu", kernel_initializer="he_normal")(h)
outputs = keras.layers.Dense(2, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
