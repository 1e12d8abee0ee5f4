import numpy as np
import tensorflow as tf
onehot = tf.keras.utils.to_categorical(np.random.randint(0, 4, size=(80,)), 4)
labels = onehot.argmax(axis=1)
data = np.random.rand(80, 3)
model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(data, labels)  # fault: KC310
