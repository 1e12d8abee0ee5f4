from keras import Sequential, layers
model = Sequential()
model.add(layers.Dense(64, input_dim=12, kernel_initializer="he_normal"))
