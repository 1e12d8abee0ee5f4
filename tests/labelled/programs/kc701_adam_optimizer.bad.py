import tensorflow as tf
from tensorflow import keras
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer=tf.train.AdamOptimizer(0.001), loss="mse")  # fault: KC701
