import keras
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3, activation="softplus")])
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())  # fault: KC311
