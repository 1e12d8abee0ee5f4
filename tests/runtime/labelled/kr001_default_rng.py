"""Fault KR001: seeded Keras, but the data order comes from an unseeded default_rng()."""

import keras
import numpy as np

keras.utils.set_random_seed(1)
x = np.linspace(-1, 1, 512 * 8, dtype="float32").reshape(512, 8)
y = (x.sum(axis=1) > 0).astype("float32")
order = np.random.default_rng().permutation(len(x))
x, y = x[order], y[order]
model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=2, batch_size=32, shuffle=False)
