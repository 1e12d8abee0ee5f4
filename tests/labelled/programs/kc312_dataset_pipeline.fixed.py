import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.cifar100.load_data()
ds = tf.data.Dataset.from_tensor_slices((x_train / 255.0, y_train)).shuffle(10000).batch(64)
model = tf.keras.Sequential([
    tf.keras.Input((32, 32, 3)),
    tf.keras.layers.Conv2D(32, 3, activation="relu"),
    tf.keras.layers.GlobalMaxPooling2D(),
    tf.keras.layers.Dense(100, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(ds, epochs=5)
