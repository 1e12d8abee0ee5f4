import numpy as np
from keras.models import Sequential
from keras.layers import GRU, Dense
x = np.random.randn(64, 30, 3)
y = np.random.randn(64, 1)
model = Sequential()
model.add(GRU(8, batch_input_shape=(16, 30, 4)))
model.add(Dense(1))
model.compile(loss="mae", optimizer="rmsprop")
model.fit(x, y, batch_size=16)  # fault: KC210
