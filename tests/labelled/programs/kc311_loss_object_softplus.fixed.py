import keras
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3)])
model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
