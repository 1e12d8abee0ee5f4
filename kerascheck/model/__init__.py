"""The vocabulary every layer shares: values, the model description, results, settings."""
