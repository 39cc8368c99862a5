"""Reports of an evaluation against a rule pack, and fill-in templates for a pack.

>>> from shequkit.sample import SampleSpec, generate_sample
>>> from shequkit.standards import evaluate
>>> from shequkit.reports import REPORT_FIGURES
>>> evaluation = evaluate(generate_sample(SampleSpec(communities=5)), "national",
...                       figures=REPORT_FIGURES)
>>> evaluation.figure(evaluation.communities[0], "households") > 0
True

``write_report(evaluation, "report.xlsx")`` then writes the report with the
writer for the extension.

Writers come through the ``shequkit_reports`` hook (:class:`XlsxReportWriter`
with native Excel charts, :class:`HtmlReportWriter` as one self-contained
page, :class:`JsonReportWriter`); :func:`write_template` writes the empty
workbook a community fills in.
"""

from shequkit.reports._api import write_report
from shequkit.reports._figures import REPORT_FIGURES, SPACE_BUCKETS
from shequkit.reports._html import HtmlReportWriter
from shequkit.reports._json import JsonReportWriter
from shequkit.reports._needs import Need, rule_needs
from shequkit.reports._template import write_template
from shequkit.reports._xlsx import XlsxReportWriter

__all__ = [
    "REPORT_FIGURES",
    "SPACE_BUCKETS",
    "HtmlReportWriter",
    "JsonReportWriter",
    "Need",
    "XlsxReportWriter",
    "rule_needs",
    "write_report",
    "write_template",
]
