import numpy as np
from keras.models import Sequential
from keras.layers import Dense
x_batch = np.random.rand(32, 16)
y_batch = np.random.randint(0, 6, size=(32,))
model = Sequential([Dense(6, activation="softmax", input_shape=(16,))])
model.compile(optimizer="sgd", loss="categorical_crossentropy")
model.train_on_batch(x_batch, y_batch)  # fault: KC310
