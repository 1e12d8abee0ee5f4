"""Fault KR009: tanh units with kernel std 5 saturate from the first step."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((512, 16)).astype("float32")
y = x[:, :2].sum(axis=1)
model = keras.Sequential(
    [
        keras.Input((16,)),
        keras.layers.Dense(
            32, activation="tanh", kernel_initializer=keras.initializers.RandomNormal(stddev=5.0)
        ),
        keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=2, batch_size=32)
