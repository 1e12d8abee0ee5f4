from tensorflow.keras import datasets, layers, models
(train_images, train_labels), _ = datasets.cifar10.load_data()
model = models.Sequential([
    layers.Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_images, train_labels, epochs=10)  # fault: KC312
