from tensorflow.keras import layers, Input, Model
inputs = Input((32, 32, 3))
x = layers.Conv2D(16, 3)(inputs)
x = layers.SpatialDropout2D(0.2)(x)  # fault: KC213
x = layers.BatchNormalization()(x)
outputs = layers.Dense(1)(layers.Flatten()(x))
model = Model(inputs, outputs)
