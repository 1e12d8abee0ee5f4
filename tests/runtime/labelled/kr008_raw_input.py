"""Fault KR008: a SELU stack fed raw features (mean 5, std 3), no standardization."""

import os

import keras
import numpy as np

SEED = int(os.environ.get("LABELLED_SEED", "0"))
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = (5 + 3 * rng.standard_normal((1024, 32))).astype("float32")
y = (x[:, :4].sum(axis=1) > 20).astype("int32")

model = keras.Sequential([keras.Input((32,))])
for _ in range(8):
    model.add(keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal"))
model.add(keras.layers.Dense(2, activation="softmax"))
model.compile(optimizer=keras.optimizers.SGD(0.001), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
