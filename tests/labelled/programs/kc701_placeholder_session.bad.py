import tensorflow as tf
x = tf.placeholder(tf.float32, shape=[None, 784])  # fault: KC701
w = tf.Variable(tf.zeros([784, 10]))
y = tf.nn.softmax(tf.matmul(x, w))
