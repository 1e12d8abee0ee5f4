import tensorflow as tf
noise = tf.random.normal([8, 8])
logs = tf.math.log(tf.abs(noise) + 1.0)
