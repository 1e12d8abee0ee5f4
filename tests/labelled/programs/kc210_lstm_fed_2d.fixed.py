import numpy as np
import tensorflow as tf
series = np.random.rand(500, 12)
target = np.random.rand(500, 1)
series = series.reshape(500, 4, 3)
model = tf.keras.Sequential([
    tf.keras.layers.LSTM(32, input_shape=(4, 3)),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
model.fit(series, target, epochs=10)
