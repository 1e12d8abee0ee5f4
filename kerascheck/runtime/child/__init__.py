"""The child process side of `kerascheck run`: runs the target with Keras instrumented."""
