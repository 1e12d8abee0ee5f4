from keras.models import Sequential
from keras.layers import Conv2D, Flatten, Dense
model = Sequential()
model.add(Conv2D(64, (3, 3), activation="relu"), input_shape=(28, 28, 1))  # fault: KC214
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
