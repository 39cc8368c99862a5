"""Layered validation: structural, semantic (and standards) checks producing a :class:`Report`."""

from shequkit.validate._catalogue import CATALOGUE, IssueType, Layer, Severity, issue_type
from shequkit.validate._report import Issue, Report
from shequkit.validate._validate import Source, Validator, validate

__all__ = [
    "CATALOGUE",
    "Issue",
    "IssueType",
    "Layer",
    "Report",
    "Severity",
    "Source",
    "Validator",
    "issue_type",
    "validate",
]
