"""Ways into kerascheck from other tools: IPython and Jupyter."""
