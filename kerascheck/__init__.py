"""kerascheck: catches the mistakes in Keras model code before the training runs."""

__version__ = "0.1.0"
