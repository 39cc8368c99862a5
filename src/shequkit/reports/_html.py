"""The HTML report: one self-contained file, the same content as the XLSX report.

Nothing in the page refers to anything outside it: the styles are inline, the
charts are inline SVG drawn by :mod:`shequkit.reports._svg`, there is no
script, font, image or URL, and a Content-Security-Policy forbids loading any.
Every piece of text from the data or the rule pack goes through
:func:`html.escape`.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, ClassVar, Final

from shequkit._atomic import atomic_write
from shequkit._version import __version__
from shequkit.reports._content import (
    LEVEL_TITLES,
    Cell,
    Chart,
    Heading,
    Table,
    charts,
    community_table,
    level_table,
    missed_targets_table,
    rules_table,
    share_text,
    summary_items,
    target_overview_table,
    targets_table,
)
from shequkit.reports._svg import bar_chart, column_chart
from shequkit.standards import ROLLUP_SCOPES, CommunityResult, Evaluation, Scope, UnitRollup

__all__ = ["MAX_ROWS", "HtmlReportWriter"]

MAX_ROWS: Final = 1000
"""Most rows a table of the HTML report lists (the XLSX and JSON reports list all)."""

_PROGRESS_EVERY: Final = 1000
_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE: Final = """
body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:0;color:#1f2328;background:#fff;line-height:1.5}
header{background:#0b3d6b;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:22px}
nav a{color:#cfe3ff;margin-right:14px;text-decoration:none;font-size:14px}
main{padding:8px 24px 40px}
h2{border-bottom:2px solid #0b3d6b;padding-bottom:4px;margin-top:32px}
h3{margin-top:24px}
.en{font-weight:normal;color:#57606a;font-size:.85em}
header .en{color:#cfe3ff}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;vertical-align:top}
th{background:#ddebf7;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff1f0}
dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px}
dt{font-weight:bold}
.note{color:#57606a;font-style:italic}
.scroll{overflow-x:auto}
figure{margin:16px 0}
figcaption{font-weight:bold;margin-bottom:4px}
footer{color:#57606a;font-size:12px;padding:16px 24px;border-top:1px solid #d0d7de}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _heading(zh: str, en: str) -> str:
    return f'{_e(zh)} <span class="en" lang="en">{_e(en)}</span>'


def _cell(value: Cell, kind: str) -> str:
    if value is None:
        return "<td></td>"
    if kind == "share" and isinstance(value, int | float):
        return f'<td class="n">{share_text(value)}</td>'
    if isinstance(value, bool):
        return f"<td>{'是' if value else '否'}</td>"
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    if isinstance(value, float):
        return f'<td class="n">{value:g}</td>'
    return f"<td>{_e(value)}</td>"


class HtmlReportWriter:
    """Writes an evaluation as one self-contained HTML page with inline SVG charts.

    Sections (each with a Chinese and English heading): summary and targets,
    the three charts with their data, one table per division level, the
    communities, the rules. A table longer than ``max_rows`` lists the rows
    that need attention first (communities not meeting the standard; the
    divisions with the lowest share) and says how many it left out; the XLSX
    and JSON reports always list every row.

    Args:
        max_rows: most rows per table.
    """

    name: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    extensions: ClassVar[tuple[str, ...]] = (".html", ".htm")

    def __init__(self, *, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows

    def write(
        self,
        evaluation: Evaluation,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write the page to ``path`` atomically (UTF-8)."""
        with atomic_write(path) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
            try:
                _Page(text, evaluation, self.max_rows, progress).write()
                text.flush()
            finally:
                text.detach()  # atomic_write closes the file itself


class _Page:
    def __init__(
        self,
        out: IO[str],
        evaluation: Evaluation,
        max_rows: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.out = out
        self.evaluation = evaluation
        self.max_rows = max_rows
        self.progress = progress

    def w(self, text: str) -> None:
        self.out.write(text)

    def write(self) -> None:
        evaluation = self.evaluation
        pack = evaluation.pack
        sections = [
            ("summary", "概况", "Summary"),
            ("charts", "图表", "Charts"),
            *((scope.value, *LEVEL_TITLES[scope]) for scope in ROLLUP_SCOPES),
            ("communities", "社区", "Communities"),
            ("rules", "规则", "Rules"),
        ]
        self.w(
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            f"<title>社区建设评估报告 {_e(pack.title_zh)} {_e(pack.name)}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<header>\n"
            f"<h1>{_heading('社区建设评估报告', 'Community construction evaluation report')}</h1>\n"
            f"<p>{_e(pack.title_zh)} / {_e(pack.title_en)}</p>\n<nav>"
        )
        for anchor, zh, en in sections:
            self.w(f'<a href="#{anchor}">{_e(zh)} {_e(en)}</a>')
        self.w("</nav>\n</header>\n<main>\n")
        self.summary()
        self.charts()
        for scope in ROLLUP_SCOPES:
            self.level(scope)
        self.communities()
        self.rules()
        self.w(
            f"</main>\n<footer>shequkit {_e(__version__)} · "
            f"{_e(pack.name)} {_e(pack.version)}</footer>\n</body>\n</html>\n"
        )

    # -- building blocks -----------------------------------------------------------

    def table(self, table: Table, *, level: int = 3, title: bool = True, note: str = "") -> None:
        if title:
            self.w(f"<h{level}>{_heading(table.title_zh, table.title_en)}</h{level}>\n")
        notes = [f"{table.note_zh};{table.note_en}"] if table.note_zh else []
        if note:
            notes.append(note)
        for text in notes:
            self.w(f'<p class="note">{_e(text)}</p>\n')
        self.w('<div class="scroll"><table>\n<thead><tr>')
        for heading in table.headings:
            self.w(
                f'<th>{_e(heading.zh)}<br><span class="en" lang="en">{_e(heading.en)}</span></th>'
            )
        self.w("</tr></thead>\n<tbody>\n")
        counting = self.progress is not None and table.key == "communities"
        for shown, row in enumerate(table.rows, 1):
            self.row(row, table.headings)
            if counting and shown % _PROGRESS_EVERY == 0 and self.progress is not None:
                self.progress(shown)
        self.w("</tbody>\n</table></div>\n")

    def row(self, row: Sequence[Cell], headings: Sequence[Heading]) -> None:
        failing = len(row) > 3 and row[3] == "否" and headings[3].en == "meets standard"
        self.w('<tr class="fail">' if failing else "<tr>")
        for value, heading in zip(row, headings, strict=True):
            self.w(_cell(value, heading.kind))
        self.w("</tr>\n")

    def left_out(self, total: int, shown: int, zh: str, en: str) -> str:
        if total <= shown:
            return ""
        return (
            f"共 {total:,} 行,此处列出 {shown:,} 行({zh});完整数据见 XLSX 或 JSON 报告。"
            f" {total:,} rows, {shown:,} listed here ({en}); the XLSX and JSON reports list all."
        )

    # -- sections ------------------------------------------------------------------

    def summary(self) -> None:
        self.w(f'<section id="summary">\n<h2>{_heading("概况", "Summary")}</h2>\n<dl>\n')
        for heading, value in summary_items(self.evaluation):
            shown = share_text(value) if heading.kind == "share" else value
            if isinstance(shown, int):
                shown = f"{shown:,}"
            self.w(f"<dt>{_heading(heading.zh, heading.en)}</dt><dd>{_e(shown)}</dd>\n")
        self.w("</dl>\n")
        self.table(target_overview_table(self.evaluation))
        missed = missed_targets_table(self.evaluation)
        rows = list(missed.rows)
        rows.sort(key=lambda row: -(row[6] if isinstance(row[6], float) else 0.0))
        kept = rows[: self.max_rows]
        note = self.left_out(len(rows), len(kept), "差距最大的在前", "largest gaps first")
        self.table(_with_rows(missed, kept), note=note)
        self.w("</section>\n")

    def charts(self) -> None:
        self.w(f'<section id="charts">\n<h2>{_heading("图表", "Charts")}</h2>\n')
        for chart in charts(self.evaluation):
            self.chart(chart)
        self.w("</section>\n")

    def chart(self, chart: Chart) -> None:
        rows = list(chart.table.rows)
        title = f"{chart.title_zh} {chart.title_en}"
        self.w(f"<figure>\n<figcaption>{_heading(chart.title_zh, chart.title_en)}</figcaption>\n")
        if chart.table.note_zh:
            self.w(f'<p class="note">{_e(chart.table.note_zh)};{_e(chart.table.note_en)}</p>\n')
        labels = [str(row[chart.labels]) for row in rows]
        values = [row[chart.values] for row in rows]
        if chart.horizontal:
            share = chart.table.headings[chart.values].kind == "share"
            numbers = [value if isinstance(value, int | float) else None for value in values]
            self.w(bar_chart(title, labels, numbers, share=share))
        else:
            self.w(column_chart(title, labels, [v if isinstance(v, int) else 0 for v in values]))
        self.w("\n</figure>\n<details><summary>数据 data</summary>\n")
        self.table(_with_rows(chart.table, rows, notes=False), title=False)
        self.w("</details>\n")

    def level(self, scope: Scope) -> None:
        zh, en = LEVEL_TITLES[scope]
        every = self.evaluation.rollups.get(scope, ())
        units: Sequence[UnitRollup] = every
        note = ""
        if len(every) > self.max_rows:
            units = sorted(every, key=lambda unit: (unit.share() or 0.0, unit.code))
            units = units[: self.max_rows]
            note = self.left_out(len(every), len(units), "达标率最低的在前", "lowest share first")
        self.w(f'<section id="{scope.value}">\n<h2>{_heading(zh, en)}</h2>\n')
        self.table(level_table(self.evaluation, scope, units), title=False, note=note)
        self.w("</section>\n")

    def communities(self) -> None:
        every = self.evaluation.communities
        chosen: Iterable[CommunityResult] = every
        note = ""
        if len(every) > self.max_rows:
            failing = [result for result in every if not result.meets_standard]
            passing = [result for result in every if result.meets_standard]
            chosen = (failing + passing)[: self.max_rows]
            note = self.left_out(
                len(every), self.max_rows, "未达标的社区在前", "communities not meeting it first"
            )
        self.w(f'<section id="communities">\n<h2>{_heading("社区", "Communities")}</h2>\n')
        self.table(community_table(self.evaluation, chosen, combined=True), title=False, note=note)
        self.w("</section>\n")
        if self.progress is not None:
            self.progress(min(len(every), self.max_rows))

    def rules(self) -> None:
        self.w(f'<section id="rules">\n<h2>{_heading("规则", "Rules")}</h2>\n')
        self.table(rules_table(self.evaluation), title=False)
        if self.evaluation.pack.targets:
            self.table(targets_table(self.evaluation))
        self.w("</section>\n")


def _with_rows(table: Table, rows: Sequence[Sequence[Cell]], *, notes: bool = True) -> Table:
    return Table(
        table.key,
        table.title_zh,
        table.title_en,
        table.headings,
        rows,
        table.total,
        table.note_zh if notes else "",
        table.note_en if notes else "",
    )
