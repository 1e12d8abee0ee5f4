import keras
from keras import layers
train_ds = keras.utils.image_dataset_from_directory("photos/train", image_size=(128, 128), batch_size=32)
model = keras.Sequential([
    keras.Input(shape=(128, 128, 3)),
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(32, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.GlobalAveragePooling2D(),
    layers.Dense(4, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=10)
