from tensorflow import keras
(x, y), _ = keras.datasets.cifar100.load_data()
inputs = keras.Input(shape=(32, 32, 3))
h = keras.layers.Rescaling(1.0 / 255)(inputs)
h = keras.layers.Conv2D(32, 3, activation="relu")(h)
h = keras.layers.GlobalAveragePooling2D()(h)
outputs = keras.layers.Dense(10, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2)  # fault: KC211
