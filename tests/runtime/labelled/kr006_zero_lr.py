"""Fault KR006: a learning rate of 0, so the loss never moves."""

import os

import keras
import numpy as np

SEED = int(os.environ.get("LABELLED_SEED", "0"))
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = rng.standard_normal((1024, 10)).astype("float32")
y = (x @ rng.standard_normal(10) + 0.5 * rng.standard_normal(1024)).astype("float32")
model = keras.Sequential(
    [keras.Input((10,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
model.fit(x, y, epochs=2, batch_size=32)
