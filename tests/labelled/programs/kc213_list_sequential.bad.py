import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(128, activation="relu", input_shape=(10,)),
    tf.keras.layers.Dropout(0.3),  # fault: KC213
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(1),
])
