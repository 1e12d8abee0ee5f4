import keras
from keras import layers
(x, y), _ = keras.datasets.fashion_mnist.load_data()
x = x[..., None] / 255.0
y = keras.utils.to_categorical(y)
inputs = keras.Input(shape=(28, 28, 1))
h = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
h = layers.MaxPooling2D()(h)
outputs = layers.Dense(10, activation="softmax")(h)  # fault: KC212
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
