import numpy as np
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Conv2D, Flatten, Dense
(X_train, y_train), _ = mnist.load_data()
X_train = np.expand_dims(X_train, -1).astype("float32")
model = Sequential()
model.add(Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X_train, y_train)  # fault: KC312
