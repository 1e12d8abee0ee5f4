import numpy as np
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.utils import to_categorical
features = np.random.rand(150, 4)
species = np.random.randint(0, 3, size=(150,))
targets = to_categorical(species, num_classes=3)
model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(10, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(features, targets, epochs=50)  # fault: KC211
