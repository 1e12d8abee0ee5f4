import numpy as np
import keras
y_int = np.random.randint(0, 3, size=(90,))
y = np.eye(3)[y_int]
x = np.random.rand(90, 5)
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
model.fit(x, y)  # fault: KC310
