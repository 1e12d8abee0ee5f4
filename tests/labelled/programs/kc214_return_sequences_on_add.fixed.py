import keras
model = keras.Sequential()
model.add(keras.Input((20, 4)))
model.add(keras.layers.LSTM(16, return_sequences=True))
model.add(keras.layers.LSTM(8))
