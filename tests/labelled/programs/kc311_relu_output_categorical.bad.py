import keras
model = keras.Sequential([
    keras.Input(shape=(20,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10, activation="relu"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")  # fault: KC311
