import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("data/train", image_size=(180, 180))
model = tf.keras.Sequential([
    tf.keras.Input(shape=(180, 180, 3)),
    tf.keras.layers.Rescaling(1.0 / 255),
    tf.keras.layers.Conv2D(16, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
