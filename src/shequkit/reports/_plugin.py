"""Registers the report writers shipped with shequkit, through the same hook plugins use."""

from __future__ import annotations

from collections.abc import Sequence

from shequkit._hookspecs import ReportWriter, hookimpl
from shequkit.reports._html import HtmlReportWriter
from shequkit.reports._json import JsonReportWriter
from shequkit.reports._xlsx import XlsxReportWriter


@hookimpl
def shequkit_reports() -> Sequence[ReportWriter]:
    """The XLSX, HTML and JSON report writers."""
    return [XlsxReportWriter(), HtmlReportWriter(), JsonReportWriter()]
