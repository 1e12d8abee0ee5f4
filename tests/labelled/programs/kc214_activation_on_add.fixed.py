import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(32, input_shape=(8,)))
model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
