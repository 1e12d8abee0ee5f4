from tensorflow import keras
ds = keras.utils.image_dataset_from_directory("leaves", image_size=(96, 96), label_mode="categorical")
model = keras.Sequential([
    keras.Input(shape=(96, 96, 3)),
    keras.layers.Rescaling(1.0 / 255),
    keras.layers.Flatten(),
    keras.layers.Dense(6, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(ds, epochs=4)  # fault: KC310
