import tensorflow as tf
w = tf.Variable(tf.zeros([784, 10]))

@tf.function
def predict(x):
    return tf.nn.softmax(tf.matmul(x, w))
