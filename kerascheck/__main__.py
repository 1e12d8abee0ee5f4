"""`python -m kerascheck`."""

from kerascheck.cli.main import main

main()
