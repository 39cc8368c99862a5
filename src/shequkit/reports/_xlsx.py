"""The XLSX report: summary, native Excel charts, one sheet per division level, communities, rules.

Written with xlsxwriter in constant-memory mode (rows go to disk as they are
written), atomically, through the same workbook helper as the XLSX codec. Text
is always written as text (``write_string``), and text that a spreadsheet
would take for a formula (``=``, ``+``, ``-``, ``@``, tab, CR) carries the
quote-prefix style, so a community called ``=HYPERLINK(...)`` stays a name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Final

from shequkit.formats._xlsx import (
    _FORMULA_LEADS,
    _SHEET_ROWS,
    _display_width,
    _new_workbook,
    _require,
)
from shequkit.reports._content import (
    LEVEL_TITLES,
    Chart,
    Heading,
    Table,
    charts,
    community_table,
    level_table,
    missed_targets_table,
    rules_table,
    summary_items,
    target_overview_table,
    targets_table,
)
from shequkit.standards import ROLLUP_SCOPES, Evaluation

__all__ = ["SHEET_NAMES", "XlsxReportWriter"]

SHEET_NAMES: Final = {
    "summary": "概况 Summary",
    "charts": "图表 Charts",
    **{scope.value: " ".join(LEVEL_TITLES[scope]) for scope in ROLLUP_SCOPES},
    "communities": "社区 Communities",
    "rules": "规则 Rules",
}
"""The sheets of the report, in order (communities past Excel's row limit continue on
``社区 Communities (2)`` ...)."""

_TITLE: Final = "社区建设评估报告 Community construction evaluation report"
_PROGRESS_EVERY: Final = 1000
_CHART_COLUMN: Final = 6  # charts sit right of their data block, from column G
_ROW_PIXELS: Final = 20


class XlsxReportWriter:
    """Writes an evaluation as an XLSX workbook with native Excel charts.

    Sheets: ``概况 Summary`` (pack, source, totals, share meeting the standard,
    targets met and missed with their gaps), ``图表 Charts`` (the data of the
    three charts and the charts themselves: share per street, facility
    coverage, service-space distribution), one sheet per division level
    (street, county, city, province), ``社区 Communities`` (every finding of
    every community, its grade and figures) and ``规则 Rules`` (every rule and
    target with the sentence it comes from).
    """

    name: ClassVar[str] = "xlsx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx",)

    def write(
        self,
        evaluation: Evaluation,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write the workbook to ``path`` atomically.

        Raises:
            UsageError: ``SQK-U112`` when xlsxwriter is not installed.
        """
        xlsxwriter = _require("xlsxwriter")
        path = Path(path)
        with _new_workbook(xlsxwriter, path) as workbook:
            _Book(workbook, evaluation, progress).write()


class _Book:
    """Writes the sheets of one report workbook in order, each row by row."""

    def __init__(
        self, workbook: Any, evaluation: Evaluation, progress: Callable[[int], None] | None
    ) -> None:
        self.workbook = workbook
        self.evaluation = evaluation
        self.progress = progress
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.block_title = add({"bold": True, "font_size": 12})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.heading = add(
            {
                "bold": True,
                "border": 1,
                "bg_color": "#DDEBF7",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.label = add({"bold": True})
        self.share = add({"num_format": "0.0%"})
        self.integer = add({"num_format": "#,##0"})
        self.quoted = add({"quote_prefix": True})

    def write(self) -> None:
        evaluation = self.evaluation
        self.summary_sheet()
        self.charts_sheet()
        for scope in ROLLUP_SCOPES:
            self.data_sheet(SHEET_NAMES[scope.value], level_table(evaluation, scope))
        self.communities_sheets()
        self.rules_sheet()

    # -- cells ---------------------------------------------------------------------

    def cell(self, sheet: Any, row: int, col: int, value: Any, kind: str = "text") -> None:
        """One cell: numbers as numbers (shares as percentages), everything else as inert text."""
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否")
            return
        if isinstance(value, int | float) and math.isfinite(value):
            style = self.share if kind == "share" else self.integer if kind == "int" else None
            sheet.write_number(row, col, value, style)
            return
        text = str(value)
        # write_string, never write(): text is never taken for a formula, number or URL.
        sheet.write_string(row, col, text, self.quoted if text.startswith(_FORMULA_LEADS) else None)

    def widths(self, sheet: Any, headings: Sequence[Heading], *, start: int = 0) -> None:
        for position, heading in enumerate(headings, start):
            wide = 60 if heading.en == "source sentence" else 12
            width = max(_display_width(heading.zh), _display_width(heading.en), wide)
            sheet.set_column(position, position, min(width + 2, 60))

    def block(self, sheet: Any, row: int, table: Table) -> tuple[int, int]:
        """A titled table from ``row``; returns the first and last data rows (0-based)."""
        sheet.write_string(row, 0, f"{table.title_zh} {table.title_en}", self.block_title)
        row += 1
        if table.note_zh:
            sheet.write_string(row, 0, f"{table.note_zh};{table.note_en}", self.note)
            row += 1
        for col, heading in enumerate(table.headings):
            sheet.write_string(row, col, heading.text, self.heading)
        first = row + 1
        for row_values in table.rows:
            row += 1
            for col, (value, heading) in enumerate(zip(row_values, table.headings, strict=True)):
                self.cell(sheet, row, col, value, heading.kind)
        return first, row

    # -- sheets --------------------------------------------------------------------

    def summary_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_NAMES["summary"])
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 34)
        sheet.set_column(2, 9, 16)
        sheet.write_string(0, 0, _TITLE, self.title)
        row = 2
        for heading, value in summary_items(self.evaluation):
            sheet.write_string(row, 0, heading.zh, self.label)
            sheet.write_string(row, 1, heading.en)
            self.cell(sheet, row, 2, value, heading.kind)
            row += 1
        _, row = self.block(sheet, row + 1, target_overview_table(self.evaluation))
        self.block(sheet, row + 2, missed_targets_table(self.evaluation))

    def charts_sheet(self) -> None:
        name = SHEET_NAMES["charts"]
        sheet = self.workbook.add_worksheet(name)
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, 4, 14)
        row = 0
        for chart in charts(self.evaluation):
            first, last = self.block(sheet, row, chart.table)
            height = row
            if last >= first:
                pixels = self.insert_chart(sheet, name, chart, first, last, row)
                height = row + math.ceil(pixels / _ROW_PIXELS)
            row = max(last, height) + 3

    def insert_chart(
        self, sheet: Any, name: str, chart: Chart, first: int, last: int, row: int
    ) -> int:
        """A native chart of ``chart``'s data block; returns its height in pixels."""
        bars = last - first + 1
        plot = self.workbook.add_chart({"type": "bar" if chart.horizontal else "column"})
        share = chart.table.headings[chart.values].kind == "share"
        series: dict[str, Any] = {
            "name": f"{chart.title_zh} {chart.title_en}",
            "categories": [name, first, chart.labels, last, chart.labels],
            "values": [name, first, chart.values, last, chart.values],
            "data_labels": {"value": True, "num_format": "0%" if share else "#,##0"},
        }
        if not chart.horizontal:
            series["gap"] = 20
        plot.add_series(series)
        plot.set_title({"name": f"{chart.title_zh} {chart.title_en}"})
        plot.set_legend({"none": True})
        value_axis: dict[str, Any] = {"num_format": "0%" if share else "#,##0", "min": 0}
        if share:
            value_axis["max"] = 1
        if chart.horizontal:
            plot.set_x_axis(value_axis)
            plot.set_y_axis({"reverse": True})  # first row on top, as in the table
            height = max(288, 22 * bars + 90)
        else:
            plot.set_y_axis(value_axis)
            height = 320
        plot.set_size({"width": 640, "height": height})
        sheet.insert_chart(row, _CHART_COLUMN, plot)
        return height

    def data_sheet(self, name: str, table: Table) -> Any:
        """A plain table: headings in row 1, one row per item, filter and frozen headings."""
        sheet = self.workbook.add_worksheet(name)
        self.widths(sheet, table.headings)
        for col, heading in enumerate(table.headings):
            sheet.write_string(0, col, heading.text, self.heading)
        row = 0
        for row_values in table.rows:
            row += 1
            for col, (value, heading) in enumerate(zip(row_values, table.headings, strict=True)):
                self.cell(sheet, row, col, value, heading.kind)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(row, 1), len(table.headings) - 1)
        return sheet

    def communities_sheets(self) -> None:
        table = community_table(self.evaluation)
        headings = table.headings
        rows = iter(table.rows)
        per_sheet = _SHEET_ROWS - 1
        written, part = 0, 0
        while True:
            part += 1
            name = SHEET_NAMES["communities"] + ("" if part == 1 else f" ({part})")
            sheet = self.workbook.add_worksheet(name)
            self.widths(sheet, headings)
            for col, heading in enumerate(headings):
                sheet.write_string(0, col, heading.text, self.heading)
            row = 0
            for row_values in rows:
                row += 1
                for col, (value, heading) in enumerate(zip(row_values, headings, strict=True)):
                    self.cell(sheet, row, col, value, heading.kind)
                written += 1
                if self.progress is not None and written % _PROGRESS_EVERY == 0:
                    self.progress(written)
                if row == per_sheet:
                    break
            sheet.freeze_panes(1, 2)
            sheet.autofilter(0, 0, max(row, 1), len(headings) - 1)
            if written >= table.total:
                break
        if self.progress is not None:
            self.progress(written)

    def rules_sheet(self) -> None:
        sheet = self.workbook.add_worksheet(SHEET_NAMES["rules"])
        rules = rules_table(self.evaluation)
        self.widths(sheet, rules.headings)
        _, row = self.block(sheet, 0, rules)
        self.block(sheet, row + 2, targets_table(self.evaluation))
