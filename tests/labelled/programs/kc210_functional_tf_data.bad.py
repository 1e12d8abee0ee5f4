import numpy as np
import tensorflow as tf
features = np.random.rand(1000, 20).astype("float32")
labels = np.random.randint(0, 2, size=(1000,))
dataset = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1000).batch(32)
inputs = tf.keras.Input(shape=(10,))
hidden = tf.keras.layers.Dense(16, activation="relu")(inputs)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(hidden)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(dataset, epochs=3)  # fault: KC210
