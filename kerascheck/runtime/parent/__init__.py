"""The parent process side of `kerascheck run`: starts, watches and judges the child runs."""
