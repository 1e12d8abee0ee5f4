import tensorflow as tf
v = tf.Variable(1.0)
init = tf.initialize_all_variables()  # fault: KC701
