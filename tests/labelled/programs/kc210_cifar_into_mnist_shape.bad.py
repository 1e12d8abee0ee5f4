from tensorflow import keras
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
x_train = x_train / 255.0
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x_train, y_train, epochs=2)  # fault: KC210
