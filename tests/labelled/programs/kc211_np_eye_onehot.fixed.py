import numpy as np
import keras
labels = np.random.randint(0, 5, size=(400,))
onehot = np.eye(5)[labels]
data = np.random.rand(400, 12)
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(5, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(data, onehot)
