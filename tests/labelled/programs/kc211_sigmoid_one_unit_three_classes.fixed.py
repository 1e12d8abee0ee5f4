import numpy as np
import keras
x = np.random.rand(300, 4)
y = keras.utils.to_categorical(np.random.randint(0, 3, size=(300,)), 3)
model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=20)
