import tensorflow as tf
loss = tf.reduce_mean(tf.square(tf.random.normal([10])))
tf.summary.scalar("loss", loss)
merged = tf.merge_all_summaries()  # fault: KC701
