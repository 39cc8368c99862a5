"""Shared pytest configuration: fixture modules registered for every test file."""

pytest_plugins = ["sync_fixtures"]
