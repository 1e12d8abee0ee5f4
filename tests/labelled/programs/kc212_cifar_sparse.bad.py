from tensorflow.keras import datasets, layers, models
(train_images, train_labels), _ = datasets.cifar10.load_data()
train_images = train_images / 255.0
model = models.Sequential([
    layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),  # fault: KC212
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=10)
