import tensorflow as tf
noise = tf.random_normal([8, 8])  # fault: KC701
logs = tf.math.log(tf.abs(noise) + 1.0)
