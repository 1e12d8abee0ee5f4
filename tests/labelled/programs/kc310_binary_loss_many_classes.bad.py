import numpy as np
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense
X = np.random.rand(500, 10)
y = np.random.randint(0, 4, size=(500,))
model = Sequential([Dense(32, activation="relu", input_shape=(10,)), Dense(4, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(X, y, epochs=10)  # fault: KC310
