import tensorflow as tf
flat = tf.keras.layers.Flatten()(tf.zeros([2, 3, 4]))
