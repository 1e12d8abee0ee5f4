import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
v = tf.Variable(1.0)
init = tf.global_variables_initializer()
