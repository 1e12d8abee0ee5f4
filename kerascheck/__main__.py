"""`python -m kerascheck`."""

from kerascheck.cli import main

main()
