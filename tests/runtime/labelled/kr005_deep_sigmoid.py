"""Fault KR005: 20 sigmoid layers; the first layer's gradient vanishes."""

import os

import keras
import numpy as np

SEED = int(os.environ.get("LABELLED_SEED", "0"))
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = rng.standard_normal((512, 16)).astype("float32")
y = (x[:, :4].sum(axis=1) > 0).astype("float32")
model = keras.Sequential([keras.Input((16,))])
for _ in range(20):
    model.add(keras.layers.Dense(32, activation="sigmoid"))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
