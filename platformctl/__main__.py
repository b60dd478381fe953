"""`python -m platformctl` runs the CLI."""

from platformctl.cli.app import main

main()
