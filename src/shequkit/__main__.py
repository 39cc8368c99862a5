"""``python -m shequkit`` runs the command line."""

from shequkit.cli import main

main()
