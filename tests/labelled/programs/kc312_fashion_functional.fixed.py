import tensorflow as tf
(x, y), _ = tf.keras.datasets.fashion_mnist.load_data()
x = x.reshape(-1, 28, 28, 1)
x = x / 255.0
inputs = tf.keras.Input(shape=(28, 28, 1))
h = tf.keras.layers.Conv2D(16, 3, activation="relu")(inputs)
h = tf.keras.layers.GlobalAveragePooling2D()(h)
outputs = tf.keras.layers.Dense(10, activation="softmax")(h)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=3)
