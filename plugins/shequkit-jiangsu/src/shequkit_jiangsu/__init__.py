"""Jiangsu return workbook (江苏省和谐社区建设情况统计表): the ``jiangsu-return`` format.

One row per community with the harmonious-community indicators of seed 001
(Jiangdu 2008 社区工作意见): service items ≥15, residents' satisfaction ≥85%,
cultural activities ≥10 a year, reading room ≥500 books, mediation ≥98% and
success ≥90%, the eight volunteer team categories, grid management, and the
classified evaluation (ABC classes × three levels, four-way scores).

It also provides the ``jiangsu-2008`` rule pack (:data:`JIANGSU_2008`) that checks
communities against those indicators; see ``docs/standards/jiangsu-2008.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import shequkit
from shequkit.codes import FacilityType, VolunteerCategory
from shequkit.formats import (
    Codec,
    Derived,
    Field,
    ReturnSheet,
    ReturnWorkbookCodec,
    Tally,
    present,
    tally_key,
)
from shequkit.standards import RulePack
from shequkit_jiangsu._standards import JIANGSU_2008

__all__ = ["JIANGSU_2008", "SPEC", "JiangsuReturnCodec", "shequkit_formats", "shequkit_standards"]


def _volunteer_categories(tally: Tally) -> float:
    return present(tally, "volunteer_team", "category", VolunteerCategory)


def _reading_rooms(tally: Tally) -> float:
    return tally.get(tally_key("facility", "type", FacilityType.READING_ROOM), 0)


_BASIC = "基本情况"
_INDICATORS = "和谐社区指标"
_COUNTS = "服务与队伍(由明细数据统计)"
_EVALUATION = "分类考评"

SPEC: ReturnSheet = ReturnSheet(
    sheet_name="和谐社区",
    title="江苏省和谐社区建设情况统计表",
    columns=(
        Field("id", "社区编号", _BASIC),
        Field("division_code", group=_BASIC),
        Field("name", group=_BASIC),
        Field("households", group=_BASIC),
        Field("population", group=_BASIC),
        Field("satisfaction_pct", group=_INDICATORS),
        Field("cultural_activities_per_year", group=_INDICATORS),
        Field("mediation_rate_pct", group=_INDICATORS),
        Field("mediation_success_pct", group=_INDICATORS),
        Field("grid_management", group=_INDICATORS),
        Derived(
            "jiangsu.service_items",
            "服务项目数",
            "项",
            lambda tally: tally.get(tally_key("service"), 0),
            _COUNTS,
        ),
        Derived(
            "jiangsu.volunteer_team_categories",
            "志愿者队伍类别数",
            "类",
            _volunteer_categories,
            _COUNTS,
        ),
        Derived("jiangsu.reading_rooms", "图书阅览室数", "个", _reading_rooms, _COUNTS),
        Derived(
            "jiangsu.books",
            "藏书量",
            "册",
            lambda tally: tally.get(tally_key("facility", "books"), 0),
            _COUNTS,
        ),
        Derived(
            "jiangsu.staff",
            "社区工作者数",
            "人",
            lambda tally: tally.get(tally_key("staff"), 0),
            _COUNTS,
        ),
        Field("evaluation_class", group=_EVALUATION),
        Field("evaluation_level", group=_EVALUATION),
        Field("self_score", group=_EVALUATION),
        Field("assessment_score", group=_EVALUATION),
        Field("peer_score", group=_EVALUATION),
        Field("representatives_score", group=_EVALUATION),
    ),
    notes=(
        "指标依据:江都市某镇《2008年社区工作意见》(种子文件 001)及江苏省和谐社区示范标准。",
        "服务项目15个以上,居民满意率85%以上;文化活动每年不少于10次;图书阅览室藏书500册以上。",
        "民事调解率98%以上,调解成功率90%以上;志愿者队伍分八类;社区工作者与居民按1:2000配备。",
        "分类考评:A、B、C三类各分三级,按自评、考评、互评、居民代表评议四方面打分。",
        "“服务与队伍”各列由社区服务、志愿者队伍、设施、工作者明细统计,读回时为指标值(indicator)。",
    ),
)
"""The layout of the Jiangsu return."""


class JiangsuReturnCodec(ReturnWorkbookCodec):
    """Reads and writes the Jiangsu return (``jiangsu-return``); see :data:`SPEC`."""

    name: ClassVar[str] = "jiangsu-return"
    province: ClassVar[str | None] = "32"
    spec: ClassVar[ReturnSheet] = SPEC


@shequkit.hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The Jiangsu return workbook."""
    return [JiangsuReturnCodec()]


@shequkit.hookimpl
def shequkit_standards() -> Sequence[RulePack]:
    """The ``jiangsu-2008`` rule pack (seed 001)."""
    return [JIANGSU_2008]
