"""Fault KR004 in a subclassed model: its ReLU layer starts with bias -10."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((512, 8)).astype("float32")
y = x[:, :2].sum(axis=1)


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.first = keras.layers.Dense(32, activation="relu")
        self.second = keras.layers.Dense(
            32, activation="relu", bias_initializer=keras.initializers.Constant(-10.0)
        )
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.second(self.first(inputs)))


model = Regressor()
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=2, batch_size=32)
