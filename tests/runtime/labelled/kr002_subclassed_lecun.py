"""Twin of kr002_subclassed_he: the subclassed SELU model uses lecun_normal."""

import os

import keras
import numpy as np

SEED = int(os.environ.get("LABELLED_SEED", "0"))
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
x = rng.standard_normal((1024, 64)).astype("float32")
y = (x[:, :8].sum(axis=1) > 0).astype("int32")


class Deep(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = [
            keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")
            for _ in range(16)
        ]
        self.out = keras.layers.Dense(2, activation="softmax")

    def call(self, inputs):
        h = inputs
        for layer in self.hidden:
            h = layer(h)
        return self.out(h)


model = Deep()
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
