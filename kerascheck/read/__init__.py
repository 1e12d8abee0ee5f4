"""Read source into the model description: names, the Keras model reader, notebooks."""
