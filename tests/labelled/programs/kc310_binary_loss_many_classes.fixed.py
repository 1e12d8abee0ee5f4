import numpy as np
from tensorflow.keras import Sequential
from tensorflow.keras.layers import Dense
X = np.random.rand(500, 10)
y = np.random.randint(0, 4, size=(500,))
model = Sequential([Dense(32, activation="relu", input_shape=(10,)), Dense(4, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(X, y, epochs=10)
