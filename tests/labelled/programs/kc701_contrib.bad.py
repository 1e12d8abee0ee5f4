import tensorflow as tf
flat = tf.contrib.layers.flatten(tf.zeros([2, 3, 4]))  # fault: KC701
