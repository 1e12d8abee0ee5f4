import numpy as np
from keras import layers, models
signals = np.zeros((256, 200))
labels = np.random.randint(0, 2, size=(256,))
model = models.Sequential([
    layers.Input(shape=(100, 2)),
    layers.Conv1D(16, 5, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(signals.reshape(256, 100, 2), labels, epochs=4)
