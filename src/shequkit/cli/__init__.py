"""The ``shequkit`` command line."""

# Importing a command module registers its commands on `cli`. Each imports its optional
# dependencies lazily, so `shequkit --help` works without the extras installed.
from shequkit.cli import (
    _demo,  # noqa: F401  (demo: the main job)
    _reports,  # noqa: F401  (report, template)
    _sandbox,  # noqa: F401  (sandbox)
    _standards,  # noqa: F401  (standards, evaluate)
    _sync,  # noqa: F401  (sync plan, push, pull, status)
)
from shequkit.cli._app import cli, main

__all__ = ["cli", "main"]
