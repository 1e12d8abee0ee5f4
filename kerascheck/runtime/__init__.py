"""The runtime checker: runs the user's model code in a child process and measures it."""
