import tensorflow as tf
sgd = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=sgd, loss="mse")
