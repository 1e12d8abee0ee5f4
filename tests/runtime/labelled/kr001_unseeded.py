"""Fault KR001: no seed at all, so two runs start from different weights."""

import keras
import numpy as np

x = np.linspace(-1, 1, 512 * 8, dtype="float32").reshape(512, 8)
y = (x.sum(axis=1) > 0).astype("float32")
model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
