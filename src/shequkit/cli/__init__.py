"""The ``shequkit`` command line."""

# Importing a command module registers its commands on `cli`. Each imports its optional
# dependencies lazily, so `shequkit --help` works without the extras installed.
from shequkit.cli import _standards  # noqa: F401  (standards, evaluate)
from shequkit.cli._app import cli, main

__all__ = ["cli", "main"]
