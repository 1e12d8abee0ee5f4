"""Twin of kr007_onehot_sparse: one-hot labels with categorical_crossentropy."""

import keras
import numpy as np

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((512, 8)).astype("float32")
ids = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0).astype("int32")
y = keras.utils.to_categorical(ids, 3)
model = keras.Sequential(
    [
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=2, batch_size=32)
