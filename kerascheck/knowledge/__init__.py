"""What Keras names mean, which names Keras 3 has, and what it removed."""
