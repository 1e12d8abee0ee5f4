import tensorflow as tf
writer = tf.summary.create_file_writer("/tmp/logs")
