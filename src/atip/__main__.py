"""`python -m atip`."""

from atip.cli import main

main()
