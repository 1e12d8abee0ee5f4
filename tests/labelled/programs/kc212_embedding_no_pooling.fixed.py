import numpy as np
from keras.layers import Dense, Embedding, GlobalAveragePooling1D
from keras.models import Sequential

tokens = np.random.randint(0, 5000, size=(256, 80))
sentiment = np.random.randint(0, 2, size=(256,))
model = Sequential()
model.add(Embedding(5000, 32, input_length=80))
model.add(GlobalAveragePooling1D())
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(tokens, sentiment, epochs=3)
