import numpy as np
from keras.models import Sequential
from keras.layers import Embedding, Dense
tokens = np.random.randint(0, 5000, size=(256, 80))
sentiment = np.random.randint(0, 2, size=(256,))
model = Sequential()
model.add(Embedding(5000, 32, input_length=80))
model.add(Dense(1, activation="sigmoid"))  # fault: KC212
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(tokens, sentiment, epochs=3)
