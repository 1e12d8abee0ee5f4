import tensorflow as tf
writer = tf.train.SummaryWriter("/tmp/logs")  # fault: KC701
