from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
model = Sequential()
model.add(Dense(16, activation="relu", input_dim=8))
model.add(Dense(1, activation="tanh"))
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])  # fault: KC311
