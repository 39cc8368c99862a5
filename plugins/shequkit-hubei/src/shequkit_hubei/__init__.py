"""Hubei return workbook (湖北省社区建设达标情况统计表): the ``hubei-return`` format.

One row per community with the indicators of seed 004 (Huangpi district report
on community construction): the 五室四机三站两校一场所 kit every community is to
have, the office-space survey (建筑面积, how many reach 100 m²), the four
community types, green coverage (城镇建成区绿化覆盖率 ≥35%) and the graded
community (等级社区), 883 action plan and civilised community designations.

The same seed is the ``hubei-huangpi`` rule pack (:data:`HUBEI_HUANGPI`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, Final

import shequkit
from shequkit.codes import DesignationKind, EquipmentType, FacilityType, LabelledEnum
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
from shequkit_hubei._standards import HUBEI_HUANGPI

__all__ = [
    "HUBEI_HUANGPI",
    "KIT",
    "SPEC",
    "HubeiReturnCodec",
    "shequkit_formats",
    "shequkit_standards",
]

KIT: Final[dict[str, tuple[str, str, tuple[LabelledEnum, ...]]]] = {
    "五室": (
        "facility",
        "type",
        (
            FacilityType.COMMITTEE_OFFICE,
            FacilityType.POLICE_ROOM,
            FacilityType.READING_ROOM,
            FacilityType.ACTIVITY_ROOM,
            FacilityType.MEETING_ROOM,
        ),
    ),
    "四机": (
        "equipment",
        "type",
        (
            EquipmentType.TELEVISION,
            EquipmentType.DVD_PLAYER,
            EquipmentType.COMPUTER,
            EquipmentType.PRINTER,
        ),
    ),
    "三站": (
        "facility",
        "type",
        (
            FacilityType.SERVICE_STATION,
            FacilityType.HEALTH_STATION,
            FacilityType.EMPLOYMENT_STATION,
        ),
    ),
    "两校": ("facility", "type", (FacilityType.CITIZENS_SCHOOL, FacilityType.ELDERLY_SCHOOL)),
    "一场所": ("facility", "type", (FacilityType.OUTDOOR_FITNESS_SITE,)),
}
"""The 五室四机三站两校一场所 kit: per part, the record kind, field and members counted."""

_INDICATOR_NAMES: Final = {
    "五室": "rooms",
    "四机": "machines",
    "三站": "stations",
    "两校": "schools",
    "一场所": "sites",
}
_SPACE_THRESHOLD: Final = 100  # 100平方米以上: the survey's count


def _part(name: str) -> Callable[[Tally], float]:
    kind, field, members = KIT[name]
    return lambda tally: present(tally, kind, field, members)


def _kit_items(tally: Tally) -> float:
    return sum(present(tally, kind, field, members) for kind, field, members in KIT.values())


def _space_reaches_threshold(tally: Tally) -> float:
    return int(tally.get(tally_key("community", "service_space_m2"), 0) >= _SPACE_THRESHOLD)


def _designations(kind: DesignationKind) -> Callable[[Tally], float]:
    return lambda tally: tally.get(tally_key("designation", "category", kind), 0)


_BASIC = "基本情况"
_SPACE = "办公用房与环境"
_KIT = "五室四机三站两校一场所(已配项数)"
_TITLES = "达标创建"

SPEC: ReturnSheet = ReturnSheet(
    sheet_name="社区达标",
    title="湖北省社区建设达标情况统计表",
    columns=(
        Field("id", "社区编号", _BASIC),
        Field("division_code", group=_BASIC),
        Field("name", group=_BASIC),
        Field("type", group=_BASIC),
        Field("households", group=_BASIC),
        Field("population", group=_BASIC),
        Field("service_space_m2", "办公用房建筑面积", _SPACE),
        Derived(
            "hubei.space_100m2",
            "用房达100平方米",
            "是=1",
            _space_reaches_threshold,
            _SPACE,
        ),
        Field("green_coverage_pct", group=_SPACE),
        *(
            Derived(f"hubei.kit_{_INDICATOR_NAMES[name]}", name, "项", _part(name), _KIT)
            for name in KIT
        ),
        Derived("hubei.kit_items", "配齐合计", "项", _kit_items, _KIT),
        Derived("hubei.graded", "等级社区", "项", _designations(DesignationKind.GRADED), _TITLES),
        Derived(
            "hubei.action_plan_883",
            "883行动计划达标",
            "项",
            _designations(DesignationKind.ACTION_PLAN_883),
            _TITLES,
        ),
        Derived(
            "hubei.civilised", "文明社区", "项", _designations(DesignationKind.CIVILISED), _TITLES
        ),
    ),
    notes=(
        "指标依据:武汉市黄陂区社区建设工作汇报(种子文件 004)。",
        "五室:两委会办公室、警务室、书画阅览室、文体活动室、多功能会议室;"
        "四机:电视机、DVD机、计算机、打印机;三站:社区服务站、卫生服务站、劳动就业服务站;"
        "两校:市民学校、老年学校;一场所:室外健身活动场所。各列为已配齐的项数。",
        "办公用房调查:总面积、100平方米以上社区数、最小与最大面积,可由“办公用房建筑面积”列汇总。",
        "社区分四种类型(街道型、集镇型、农民新村型、开发小区型);城镇建成区绿化覆盖率35%以上。",
        "达标创建各列为所获称号数(等级社区、883行动计划达标社区、文明社区)。",
        "用房、配套、称号各派生列由明细数据统计,读回时为指标值(indicator)。",
    ),
)
"""The layout of the Hubei return."""


class HubeiReturnCodec(ReturnWorkbookCodec):
    """Reads and writes the Hubei return (``hubei-return``); see :data:`SPEC`."""

    name: ClassVar[str] = "hubei-return"
    province: ClassVar[str | None] = "42"
    spec: ClassVar[ReturnSheet] = SPEC


@shequkit.hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The Hubei return workbook."""
    return [HubeiReturnCodec()]


@shequkit.hookimpl
def shequkit_standards() -> Sequence[RulePack]:
    """The ``hubei-huangpi`` rule pack (seed 004)."""
    return [HUBEI_HUANGPI]
