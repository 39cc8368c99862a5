"""What a report shows, computed from an :class:`~shequkit.standards.Evaluation`.

The XLSX and HTML writers lay out the same tables from here, so the two
always agree with each other and with the evaluation: the summary, the
targets, one table per division level, one row per community, the rules, and
the data behind the three charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import attrs

from shequkit.reports._figures import (
    FACILITY_PREFIX,
    facility_coverage,
    space_distribution,
)
from shequkit.standards import (
    ROLLUP_SCOPES,
    CommunityResult,
    Evaluation,
    Outcome,
    Scope,
    TargetResult,
    UnitRollup,
)
from shequkit.validate import Severity

__all__ = [
    "LEVEL_TITLES",
    "MAX_CHART_BARS",
    "Chart",
    "Heading",
    "Table",
    "charts",
    "community_table",
    "level_table",
    "missed_targets_table",
    "rules_table",
    "share_text",
    "summary_items",
    "target_overview_table",
    "targets_table",
]

MAX_CHART_BARS: Final = 50
"""Most streets the per-street chart shows; with more, it shows those with the lowest share."""

LEVEL_TITLES: Final = {
    Scope.STREET: ("街道", "Streets"),
    Scope.COUNTY: ("县区", "Counties"),
    Scope.CITY: ("地市", "Cities"),
    Scope.PROVINCE: ("省份", "Provinces"),
}
"""Short bilingual names of the division levels, for sheet names and headings."""

_SEVERITY: Final = {
    Severity.ERROR: "必备 required",
    Severity.WARNING: "建议 recommended",
    Severity.INFO: "参考 info",
}

Cell = str | int | float | None
"""A table cell: text, a count, a number, a share (0–1) or empty."""


@attrs.frozen
class Heading:
    """One column of a table: Chinese and English heading, and what its cells hold.

    ``kind`` is ``text``, ``int``, ``number`` (any number or text, as found) or
    ``share`` (a number between 0 and 1, shown as a percentage).
    """

    zh: str
    en: str
    kind: str = "text"

    @property
    def text(self) -> str:
        """The heading as written: ``达标率 share``."""
        return f"{self.zh} {self.en}"


@attrs.frozen
class Table:
    """A titled table: headings and rows (``rows`` may be a one-shot iterator)."""

    key: str
    title_zh: str
    title_en: str
    headings: tuple[Heading, ...]
    rows: Iterable[Sequence[Cell]]
    total: int
    note_zh: str = ""
    note_en: str = ""


@attrs.frozen
class Chart:
    """The data of one chart: a table and which of its columns are the labels and the values."""

    key: str
    title_zh: str
    title_en: str
    table: Table
    labels: int
    values: int
    horizontal: bool = True


def _share(passed: int, assessed: int) -> float | None:
    return passed / assessed if assessed else None


def summary_items(evaluation: Evaluation) -> list[tuple[Heading, Cell]]:
    """The summary: pack, source, totals and the share meeting the standard."""
    pack = evaluation.pack
    total = len(evaluation.communities)
    meeting = evaluation.meeting_standard
    return [
        (Heading("规则包", "rule pack"), f"{pack.name} {pack.version}"),
        (Heading("标准", "standard"), f"{pack.title_zh} / {pack.title_en}"),
        (Heading("数据来源", "source"), evaluation.source or "—"),
        (Heading("社区数", "communities", "int"), total),
        (Heading("达标社区数", "communities meeting the standard", "int"), meeting),
        (Heading("达标率", "share meeting the standard", "share"), _share(meeting, total)),
        (Heading("规则数", "rules", "int"), len(pack.rules)),
        (Heading("目标数", "targets", "int"), len(pack.targets)),
        (Heading("数据错误", "data errors", "int"), evaluation.data_errors),
        (
            Heading("结果说明", "outcomes"),
            "; ".join(f"{outcome.label_zh} {outcome.value}" for outcome in Outcome),
        ),
    ]


def _all_target_results(evaluation: Evaluation) -> Iterator[tuple[UnitRollup, TargetResult]]:
    for scope in ROLLUP_SCOPES:
        for unit in evaluation.rollups.get(scope, ()):
            for result in unit.targets:
                yield unit, result


def target_overview_table(evaluation: Evaluation) -> Table:
    """Per target: how many divisions met it, missed it, and the communities still needed."""
    headings = (
        Heading("编号", "id"),
        Heading("目标", "target"),
        Heading("目标(英文)", "target (English)"),
        Heading("层级", "level"),
        Heading("要求", "required", "share"),
        Heading("评估单位数", "divisions assessed", "int"),
        Heading("达成", "met", "int"),
        Heading("未达成", "missed", "int"),
        Heading("尚需社区合计", "communities needed", "int"),
        Heading("最大差距", "largest gap", "share"),
    )
    rows: list[list[Cell]] = []
    results = list(_all_target_results(evaluation))
    for target in evaluation.pack.targets:
        mine = [result for _, result in results if result.target.id == target.id]
        assessed = [r for r in mine if r.finding.outcome is not Outcome.NOT_APPLICABLE]
        missed = [r for r in assessed if r.finding.outcome is Outcome.FAIL]
        rows.append(
            [
                target.id,
                target.title_zh,
                target.title_en,
                target.scope.label_zh,
                target.minimum_share,
                len(assessed),
                len(assessed) - len(missed),
                len(missed),
                sum(r.needed for r in missed),
                max((r.gap for r in missed), default=0.0),
            ]
        )
    return Table("targets", "目标达成情况", "Targets met and missed", headings, rows, len(rows))


def missed_targets_table(evaluation: Evaluation) -> Table:
    """Every division that missed a target, with its share, the gap and the communities needed."""
    headings = (
        Heading("目标", "target"),
        Heading("层级", "level"),
        Heading("代码", "code"),
        Heading("名称", "name"),
        Heading("实际", "actual", "share"),
        Heading("要求", "required", "share"),
        Heading("差距", "gap", "share"),
        Heading("尚需社区", "communities needed", "int"),
    )
    rows: list[list[Cell]] = [
        [
            result.target.id,
            unit.scope.label_zh,
            unit.code,
            unit.name or "",
            _number(result.finding.actual),
            result.target.minimum_share,
            result.gap,
            result.needed,
        ]
        for unit, result in _all_target_results(evaluation)
        if result.finding.outcome is Outcome.FAIL
    ]
    return Table(
        "missed", "未达成目标的单位", "Divisions missing a target", headings, rows, len(rows)
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def level_table(
    evaluation: Evaluation, scope: Scope, units: Sequence[UnitRollup] | None = None
) -> Table:
    """One row per division of ``scope``: counts, shares per rule, each target with its gap.

    ``units`` chooses and orders the divisions shown (all, by code, by default).
    """
    zh, en = LEVEL_TITLES[scope]
    rules = evaluation.pack.rules
    targets = [target for target in evaluation.pack.targets if target.scope is scope]
    headings = [
        Heading("代码", "code"),
        Heading("名称", "name"),
        Heading("社区数", "communities", "int"),
        Heading("达标社区", "meeting", "int"),
        Heading("达标率", "share", "share"),
        *(Heading(f"{rule.id} 达标率", "share", "share") for rule in rules),
    ]
    for target in targets:
        headings += [
            Heading(f"{target.id} 实际", "actual", "share"),
            Heading(f"{target.id} 结果", "outcome"),
            Heading(f"{target.id} 差距", "gap", "share"),
            Heading(f"{target.id} 尚需社区", "needed", "int"),
        ]
    every = evaluation.rollups.get(scope, ())
    units = every if units is None else units

    def rows() -> Iterator[list[Cell]]:
        for unit in units:
            row: list[Cell] = [
                unit.code,
                unit.name or "",
                unit.communities,
                unit.meeting_standard,
                unit.share(),
                *(unit.share(rule.id) for rule in rules),
            ]
            by_id = {result.target.id: result for result in unit.targets}
            for target in targets:
                result = by_id.get(target.id)
                if result is None:
                    row += [None, "", None, None]
                    continue
                row += [
                    _number(result.finding.actual),
                    result.finding.outcome.label_zh,
                    result.gap,
                    result.needed,
                ]
            yield row

    return Table(
        scope.value,
        f"{scope.label_zh}汇总",
        f"By {scope.value}",
        tuple(headings),
        rows(),
        len(every),
        f"共 {len(every)} 个{zh}",
        f"{len(every)} {en.lower()}",
    )


def _community_figures(evaluation: Evaluation) -> list[tuple[int, Heading]]:
    """The figures shown per community: all but the facility counts (those go to a chart)."""
    return [
        (position, Heading(metric.label_zh, metric.label_en + _unit(metric.unit), "number"))
        for position, (name, metric) in enumerate(evaluation.figures.items())
        if not name.startswith(FACILITY_PREFIX)
    ]


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def community_table(
    evaluation: Evaluation,
    results: Iterable[CommunityResult] | None = None,
    *,
    combined: bool = False,
) -> Table:
    """One row per community: whether it meets the standard, its grade, figures, every finding.

    Each rule gets two columns (outcome, value found) or, ``combined``, one
    (``未达标 (250)``).
    """
    rules = evaluation.pack.rules
    figures = _community_figures(evaluation)
    headings = [
        Heading("编号", "id"),
        Heading("社区名称", "name"),
        Heading("统计用区划代码", "division code"),
        Heading("达标", "meets standard"),
        Heading("等级", "grade"),
        *(heading for _, heading in figures),
    ]
    for rule in rules:
        if combined:
            headings.append(Heading(rule.id, rule.expected))
        else:
            headings += [
                Heading(f"{rule.id} 结果", "outcome"),
                Heading(f"{rule.id} 实际", "actual", "number"),
            ]
    chosen = evaluation.communities if results is None else results

    def rows() -> Iterator[list[Cell]]:
        for result in chosen:
            row: list[Cell] = [
                result.community_id,
                result.name,
                result.division_code,
                "是" if result.meets_standard else "否",
                result.grade.label if result.grade is not None else "",
                *(result.figures[position] for position, _ in figures),
            ]
            for finding in result.findings:
                label = finding.outcome.label_zh
                if combined:
                    shown = _shown(finding.actual)
                    row.append(f"{label} ({shown})" if shown else label)
                else:
                    row += [label, finding.actual]
            yield row

    total = len(evaluation.communities)
    return Table(
        "communities",
        "社区评估结果",
        "Communities",
        tuple(headings),
        rows(),
        total,
    )


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def rules_table(evaluation: Evaluation) -> Table:
    """Every rule with its requirement and the sentence of the document it comes from."""
    headings = (
        Heading("编号", "id"),
        Heading("要求", "requirement"),
        Heading("要求(英文)", "requirement (English)"),
        Heading("标准值", "expected"),
        Heading("性质", "severity"),
        Heading("文件", "document"),
        Heading("条款", "clause"),
        Heading("原文", "source sentence"),
    )
    rows: list[list[Cell]] = [
        [
            rule.id,
            rule.title_zh,
            rule.title_en,
            rule.expected,
            _SEVERITY[rule.severity],
            rule.citation.document,
            rule.citation.clause,
            rule.citation.text,
        ]
        for rule in evaluation.pack.rules
    ]
    return Table("rules", "规则", "Rules", headings, rows, len(rows))


def targets_table(evaluation: Evaluation) -> Table:
    """Every target of the pack with its level, share and source."""
    headings = (
        Heading("编号", "id"),
        Heading("目标", "target"),
        Heading("目标(英文)", "target (English)"),
        Heading("层级", "level"),
        Heading("要求", "required", "share"),
        Heading("规则", "rule"),
        Heading("文件", "document"),
        Heading("条款", "clause"),
        Heading("原文", "source sentence"),
    )
    rows: list[list[Cell]] = [
        [
            target.id,
            target.title_zh,
            target.title_en,
            target.scope.label_zh,
            target.minimum_share,
            target.rule_id or "达标(全部必备规则) standard",
            target.citation.document,
            target.citation.clause,
            target.citation.text,
        ]
        for target in evaluation.pack.targets
    ]
    return Table("target-rules", "目标", "Targets", headings, rows, len(rows))


def charts(evaluation: Evaluation) -> list[Chart]:
    """The data of the charts: share per street, facility coverage, service-space distribution.

    The last two need the figures of ``REPORT_FIGURES``; they are left out when
    the evaluation did not read them.
    """
    found = [_street_chart(evaluation)]
    facilities = _facility_chart(evaluation)
    if facilities is not None:
        found.append(facilities)
    space = _space_chart(evaluation)
    if space is not None:
        found.append(space)
    return found


def _street_chart(evaluation: Evaluation) -> Chart:
    units = list(evaluation.rollups.get(Scope.STREET, ()))
    note_zh = note_en = ""
    if len(units) > MAX_CHART_BARS:
        units = sorted(units, key=lambda unit: (unit.share() or 0.0, unit.code))[:MAX_CHART_BARS]
        note_zh = f"街道较多,只列出达标率最低的 {MAX_CHART_BARS} 个"
        note_en = f"the {MAX_CHART_BARS} streets with the lowest share"
    headings = (
        Heading("街道", "street"),
        Heading("代码", "code"),
        Heading("社区数", "communities", "int"),
        Heading("达标率", "share", "share"),
    )
    rows: list[list[Cell]] = [
        [unit.name or unit.code, unit.code, unit.communities, unit.share()] for unit in units
    ]
    title = ("各街道达标率", "Share meeting the standard per street")
    table = Table("chart-streets", *title, headings, rows, len(rows), note_zh, note_en)
    return Chart("streets", *title, table, labels=0, values=3)


def _facility_chart(evaluation: Evaluation) -> Chart | None:
    coverage = facility_coverage(evaluation)
    if coverage is None:
        return None
    total = len(evaluation.communities)
    headings = (
        Heading("设施类型", "facility type"),
        Heading("类型(英文)", "type (English)"),
        Heading("有此设施的社区", "communities with one", "int"),
        Heading("覆盖率", "coverage", "share"),
    )
    rows: list[list[Cell]] = [
        [member.label_zh, member.label_en, count, _share(count, total)]
        for member, count in coverage
    ]
    title = ("设施覆盖率", "Facility coverage")
    table = Table("chart-facilities", *title, headings, rows, len(rows))
    return Chart("facilities", *title, table, labels=0, values=3)


def _space_chart(evaluation: Evaluation) -> Chart | None:
    distribution = space_distribution(evaluation)
    if distribution is None:
        return None
    buckets, missing = distribution
    headings = (
        Heading("办公和服务用房面积(平方米)", "service space (m²)"),
        Heading("社区数", "communities", "int"),
    )
    rows: list[list[Cell]] = [[bucket.label, bucket.count] for bucket in buckets]
    title = ("办公和服务用房面积分布", "Service-space distribution")
    table = Table(
        "chart-space",
        *title,
        headings,
        rows,
        len(rows),
        f"未填报面积的社区:{missing}",
        f"communities without the figure: {missing}",
    )
    return Chart("space", *title, table, labels=0, values=1, horizontal=False)


def share_text(value: object) -> str:
    """A share as people read it (``61.5%``), ``—`` when there is none."""
    return f"{value:.1%}" if isinstance(value, int | float) else "—"
