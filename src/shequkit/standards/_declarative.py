"""Declarative rules: thresholds, ratios and lists of things a community must have.

Most requirements in policy documents are one of a few shapes: a number at
least or at most a threshold ("service items 15 or more"), one of something per
so many households ("one committee member per 300 households, at least 5"), or
a set of things that must all be present ("the eight volunteer teams"). These
helpers build a :class:`~shequkit.standards.Rule` from a :class:`Metric` and the
threshold, so a rule pack reads like the document it encodes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from shequkit.codes import ServiceCategory, TargetGroup
from shequkit.model._fields import UNIT, ZH
from shequkit.model._records import Community, Service
from shequkit.standards._rules import Citation, Finding, Outcome, Rule
from shequkit.standards._view import CommunityView, _matches
from shequkit.validate._catalogue import Severity

__all__ = [
    "Metric",
    "at_least",
    "at_most",
    "between",
    "community_field",
    "count_latest",
    "count_of",
    "covers_all",
    "has",
    "is_true",
    "one_per",
    "requires",
    "services_for",
    "total_of",
]

Number = float | int


@attrs.frozen
class Metric:
    """A number read from a community: a field, a count of records, a sum.

    ``read`` returns ``None`` when the data needed is missing, which makes a
    rule's outcome *missing data* rather than a failure.
    """

    label_zh: str
    label_en: str
    unit: str
    read: Callable[[CommunityView], Number | None] = attrs.field(eq=False, repr=False)

    def __call__(self, view: CommunityView) -> Number | None:
        """The metric's value for one community."""
        return self.read(view)


def community_field(name: str) -> Metric:
    """The community's own field ``name`` (labels and unit from the model's metadata)."""
    attribute = attrs.fields_dict(Community)[name]
    label_zh = attribute.metadata.get(ZH, name)
    unit = attribute.metadata.get(UNIT) or ""

    def read(view: CommunityView) -> Number | None:
        value = getattr(view.community, name)
        return None if value is None else value

    return Metric(label_zh, name.replace("_", " "), unit, read)


def count_of(
    cls: type[Any], label_zh: str, label_en: str, *, unit: str = "个", **conditions: Any
) -> Metric:
    """How many records of ``cls`` the community has that match ``conditions``."""
    return Metric(label_zh, label_en, unit, lambda view: view.count(cls, **conditions))


def count_latest(
    cls: type[Any],
    field: str,
    label_zh: str,
    label_en: str,
    *,
    unit: str = "个",
    **conditions: Any,
) -> Metric:
    """How many of the community's latest records of ``cls`` (by ``field``) match ``conditions``.

    "Funding lines of the latest year paid by the district" is
    ``count_latest(Funding, "year", ..., payer_level=DivisionLevel.COUNTY)``. A
    community with no record of ``cls`` at all is missing data.
    """

    def read(view: CommunityView) -> Number | None:
        latest = view.latest(cls, field)
        if latest is None:
            return None
        return sum(1 for record in latest if _matches(record, conditions))

    return Metric(label_zh, label_en, unit, read)


def services_for(
    label_zh: str,
    label_en: str,
    *,
    categories: Iterable[ServiceCategory] = (),
    groups: Iterable[TargetGroup] = (),
) -> Metric:
    """How many services are of one of ``categories`` or serve one of ``groups``."""
    wanted_categories = frozenset(categories)
    wanted_groups = frozenset(groups)

    def read(view: CommunityView) -> int:
        return sum(
            1
            for service in view.of(Service)
            if service.category in wanted_categories
            or not wanted_groups.isdisjoint(service.target_groups)
        )

    return Metric(label_zh, label_en, "项", read)


def total_of(
    cls: type[Any],
    field: str,
    label_zh: str,
    label_en: str,
    *,
    unit: str = "",
    **conditions: Any,
) -> Metric:
    """The sum of ``field`` over the community's matching records of ``cls``.

    No matching record counts as 0; matching records that all lack the field
    count as missing data.
    """

    def read(view: CommunityView) -> Number | None:
        if view.count(cls, **conditions) == 0:
            return 0
        return view.total(cls, field, **conditions)

    return Metric(label_zh, label_en, unit, read)


def _number(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


def _compare(
    rule_id: str,
    metric: Metric,
    passes: Callable[[Number], bool],
    expected: str,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity,
    applies: Callable[[CommunityView], bool] | None,
) -> Rule:
    def check(view: CommunityView) -> Finding:
        value = metric(view)
        if value is None:
            return Finding(Outcome.MISSING_DATA)
        return Finding(Outcome.PASS if passes(value) else Outcome.FAIL, actual=value)

    return Rule(
        rule_id,
        title_zh,
        title_en,
        citation,
        check,
        expected=expected,
        severity=severity,
        applies=applies,
    )


def at_least(
    rule_id: str,
    metric: Metric,
    minimum: Number,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that ``metric`` is at least ``minimum`` ("服务项目15个以上")."""
    return _compare(
        rule_id,
        metric,
        lambda value: value >= minimum,
        f"≥ {_number(minimum)} {metric.unit}".rstrip(),
        title_zh=title_zh,
        title_en=title_en,
        citation=citation,
        severity=severity,
        applies=applies,
    )


def at_most(
    rule_id: str,
    metric: Metric,
    maximum: Number,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that ``metric`` is at most ``maximum``."""
    return _compare(
        rule_id,
        metric,
        lambda value: value <= maximum,
        f"≤ {_number(maximum)} {metric.unit}".rstrip(),
        title_zh=title_zh,
        title_en=title_en,
        citation=citation,
        severity=severity,
        applies=applies,
    )


def between(
    rule_id: str,
    metric: Metric,
    minimum: Number,
    maximum: Number,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that ``metric`` lies between ``minimum`` and ``maximum`` inclusive."""
    return _compare(
        rule_id,
        metric,
        lambda value: minimum <= value <= maximum,
        f"{_number(minimum)}–{_number(maximum)} {metric.unit}".rstrip(),
        title_zh=title_zh,
        title_en=title_en,
        citation=citation,
        severity=severity,
        applies=applies,
    )


def one_per(
    rule_id: str,
    metric: Metric,
    base: Metric,
    per: Number,
    *,
    minimum: int = 0,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that ``metric`` is at least one per ``per`` of ``base``, and at least ``minimum``.

    "每300户配备1名,不少于5名" is ``one_per(..., members, households, 300, minimum=5)``:
    the community needs ``max(minimum, ceil(base / per))``.
    """
    expected = f"≥ 1 / {_number(per)} {base.unit}".rstrip()
    if minimum:
        expected += f", ≥ {minimum} {metric.unit}".rstrip()

    def check(view: CommunityView) -> Finding:
        value, size = metric(view), base(view)
        if value is None or size is None:
            return Finding(Outcome.MISSING_DATA, actual=value)
        needed = max(minimum, math.ceil(size / per))
        return Finding(
            Outcome.PASS if value >= needed else Outcome.FAIL,
            actual=value,
            expected=f"≥ {needed} {metric.unit}".rstrip(),
        )

    return Rule(
        rule_id,
        title_zh,
        title_en,
        citation,
        check,
        expected=expected,
        severity=severity,
        applies=applies,
    )


def requires(
    rule_id: str,
    items: Mapping[str, Metric],
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that the community has each of ``items`` (each metric at least 1).

    ``items`` maps the Chinese name shown in reports to the metric that counts
    it; a failure lists what is missing ("缺:图书阅览室、老年活动室").
    """
    names = list(items)

    def check(view: CommunityView) -> Finding:
        values = {name: items[name](view) for name in names}
        if any(value is None for value in values.values()):
            return Finding(Outcome.MISSING_DATA)
        missing = [name for name, value in values.items() if value is not None and value < 1]
        if missing:
            return Finding(Outcome.FAIL, actual="缺:" + "、".join(missing))
        return Finding(Outcome.PASS, actual=len(names))

    return Rule(
        rule_id,
        title_zh,
        title_en,
        citation,
        check,
        expected="、".join(names),
        severity=severity,
        applies=applies,
    )


def has(
    rule_id: str,
    metric: Metric,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that the community has one thing (``metric`` at least 1), named in reports.

    The one-item form of :func:`requires`: a failure reads "缺:<the metric's name>".
    """
    return requires(
        rule_id,
        {metric.label_zh: metric},
        title_zh=title_zh,
        title_en=title_en,
        citation=citation,
        severity=severity,
        applies=applies,
    )


def covers_all(
    rule_id: str,
    cls: type[Any],
    field: str,
    members: Iterable[Any],
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
    **conditions: Any,
) -> Rule:
    """A rule that the community's records of ``cls`` cover every value in ``members``.

    "建8类队伍" is ``covers_all(..., VolunteerTeam, "category", VolunteerCategory)``.
    """
    wanted = tuple(members)

    def check(view: CommunityView) -> Finding:
        present = view.distinct(cls, field, **conditions)
        missing = [member for member in wanted if member not in present]
        if missing:
            labels = "、".join(getattr(member, "label_zh", str(member)) for member in missing)
            return Finding(
                Outcome.FAIL, actual=f"{len(wanted) - len(missing)}/{len(wanted)} 缺:{labels}"
            )
        return Finding(Outcome.PASS, actual=f"{len(wanted)}/{len(wanted)}")

    return Rule(
        rule_id,
        title_zh,
        title_en,
        citation,
        check,
        expected=f"{len(wanted)}/{len(wanted)}",
        severity=severity,
        applies=applies,
    )


def is_true(
    rule_id: str,
    field: str,
    *,
    title_zh: str,
    title_en: str,
    citation: Citation,
    severity: Severity = Severity.ERROR,
    applies: Callable[[CommunityView], bool] | None = None,
) -> Rule:
    """A rule that the community's yes/no field ``field`` is yes ("实行居务公开")."""

    def check(view: CommunityView) -> Finding:
        value = getattr(view.community, field)
        if value is None:
            return Finding(Outcome.MISSING_DATA)
        return Finding(Outcome.PASS if value else Outcome.FAIL, actual="是" if value else "否")

    return Rule(
        rule_id,
        title_zh,
        title_en,
        citation,
        check,
        expected="是",
        severity=severity,
        applies=applies,
    )
