import tensorflow as tf
writer = tf.summary.create_file_writer("logs")
with writer.as_default():
    tf.summary.scalar("loss", tf.reduce_mean(tf.square(tf.random.normal([10]))), step=0)
