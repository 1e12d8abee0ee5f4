import numpy as np
import tensorflow as tf
x = np.random.rand(128, 25, 6)
y = np.random.randint(0, 2, size=(128,))
model = tf.keras.Sequential()
model.add(tf.keras.layers.LSTM(64, return_sequences=True, input_shape=(25, 6)))
model.add(tf.keras.layers.Dense(1, activation="sigmoid"))  # fault: KC212
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=5)
