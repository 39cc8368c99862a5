"""The ``shequkit`` command line."""

from shequkit.cli._app import cli, main

__all__ = ["cli", "main"]
