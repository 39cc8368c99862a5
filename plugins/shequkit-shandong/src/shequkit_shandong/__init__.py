"""Shandong return workbook (山东省社区建设基本情况统计表): the ``shandong-return`` format.

One row per community with the indicators of seed 002 (Tengzhou 加强和改进社区工作
意见): about 3000 households per residents' committee, one committee member per
300 households and at least 5, a service grid per 200–250 households, a
labour-security station with 1–2 full-time staff, office and service space of
300/400/500 m² by case, the eight items of office equipment, free / low-cost /
paid services, and allowances paid 5:2:3 by city, county-level city and street.

The same seed is the ``shandong-tengzhou`` rule pack (:data:`SHANDONG_TENGZHOU`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import ClassVar, Final

import shequkit
from shequkit.codes import ChargingMode, DivisionLevel, EquipmentType, SpaceCase, StaffRole
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
from shequkit_shandong._standards import SHANDONG_TENGZHOU

__all__ = [
    "EQUIPMENT",
    "SHANDONG_TENGZHOU",
    "SPEC",
    "ShandongReturnCodec",
    "shequkit_formats",
    "shequkit_standards",
]

EQUIPMENT: Final = (
    EquipmentType.COMPUTER,
    EquipmentType.PRINTER,
    EquipmentType.FAX,
    EquipmentType.SCANNER,
    EquipmentType.DISC_BURNER,
    EquipmentType.DIGITAL_CAMERA,
    EquipmentType.PROJECTOR,
    EquipmentType.ELECTRIC_BICYCLE,
)
"""The office equipment the seed lists.

电脑 (the model's 计算机)、打印机、传真机、扫描仪、刻录机、数码相机、投影仪、电动自行车.
"""

_SPACE_STANDARD: Final = {SpaceCase.PLANNED_ESTATE: 500, SpaceCase.ESTATE_UNDER_CONSTRUCTION: 400}
_DEFAULT_SPACE: Final = 300  # built estates and the old town: at least 300 m²


def _committee_members(tally: Tally) -> float:
    roles = (role for role in StaffRole if role.is_committee_member)
    return sum(tally.get(tally_key("staff", "role", role), 0) for role in roles)


def _required_members(tally: Tally) -> float:
    # 每300户配备1人,最低不得少于5人.
    households = tally.get(tally_key("community", "households"), 0)
    return max(5, math.ceil(households / 300))


def _households_per_grid(tally: Tally) -> float:
    grids = tally.get(tally_key("grid"), 0)
    return round(tally.get(tally_key("grid", "households"), 0) / grids, 1) if grids else 0


def _space_standard(tally: Tally) -> float:
    for case, area in _SPACE_STANDARD.items():
        if tally.get(tally_key("community", "space_case", case), 0):
            return area
    return _DEFAULT_SPACE


def _staff(role: StaffRole) -> Callable[[Tally], float]:
    return lambda tally: tally.get(tally_key("staff", "role", role), 0)


def _services(mode: ChargingMode) -> Callable[[Tally], float]:
    return lambda tally: tally.get(tally_key("service", "charging", mode), 0)


def _paid_by(level: DivisionLevel) -> Callable[[Tally], float]:
    # Summed as floats: round to cents so 0.1 + 0.2 does not show as 0.30000000000000004.
    key = tally_key("funding", "payer_level", level, total="amount_yuan")
    return lambda tally: round(tally.get(key, 0), 2)


_BASIC = "基本情况"
_STAFFING = "居委会成员与网格"
_SPACE = "办公和服务用房"
_EQUIPMENT = "办公设备"
_SERVICES = "社区服务项目"
_FUNDING = "经费拨付(市∶县级市∶街道=5∶2∶3)"

SPEC: ReturnSheet = ReturnSheet(
    sheet_name="社区建设",
    title="山东省社区建设基本情况统计表",
    columns=(
        Field("id", "社区编号", _BASIC),
        Field("division_code", group=_BASIC),
        Field("name", group=_BASIC),
        Field("households", group=_BASIC),
        Field("population", group=_BASIC),
        Derived("shandong.committee_members", "居委会成员数", "人", _committee_members, _STAFFING),
        Derived(
            "shandong.required_committee_members",
            "应配成员职数",
            "人",
            _required_members,
            _STAFFING,
        ),
        Derived("shandong.grids", "网格数", "个", lambda t: t.get(tally_key("grid"), 0), _STAFFING),
        Derived(
            "shandong.grid_workers", "网格员数", "人", _staff(StaffRole.GRID_WORKER), _STAFFING
        ),
        Derived(
            "shandong.households_per_grid",
            "网格平均户数",
            "户",
            _households_per_grid,
            _STAFFING,
            integer=False,
        ),
        Derived(
            "shandong.labour_security_staff",
            "劳动保障专职人员数",
            "人",
            _staff(StaffRole.LABOUR_SECURITY_OFFICER),
            _STAFFING,
        ),
        Field("space_case", group=_SPACE),
        Field("service_space_m2", "用房面积", _SPACE),
        Derived("shandong.space_standard", "应达面积", "平方米", _space_standard, _SPACE),
        Derived(
            "shandong.equipment_kinds",
            "规定设备配备种数",
            "种",
            lambda t: present(t, "equipment", "type", EQUIPMENT),
            _EQUIPMENT,
        ),
        Derived(
            "shandong.computers",
            "电脑台数",
            "台",
            lambda t: t.get(
                tally_key("equipment", "type", EquipmentType.COMPUTER, total="quantity"), 0
            ),
            _EQUIPMENT,
        ),
        Derived(
            "shandong.free_services", "无偿服务", "项", _services(ChargingMode.FREE), _SERVICES
        ),
        Derived(
            "shandong.low_cost_services",
            "低偿服务",
            "项",
            _services(ChargingMode.LOW_COST),
            _SERVICES,
        ),
        Derived(
            "shandong.paid_services", "有偿服务", "项", _services(ChargingMode.PAID), _SERVICES
        ),
        Derived(
            "shandong.funding_city",
            "市级",
            "元",
            _paid_by(DivisionLevel.CITY),
            _FUNDING,
            integer=False,
        ),
        Derived(
            "shandong.funding_county",
            "县级市",
            "元",
            _paid_by(DivisionLevel.COUNTY),
            _FUNDING,
            integer=False,
        ),
        Derived(
            "shandong.funding_street",
            "街道",
            "元",
            _paid_by(DivisionLevel.TOWNSHIP),
            _FUNDING,
            integer=False,
        ),
    ),
    notes=(
        "指标依据:滕州市民政局《关于进一步加强和改进社区工作的意见》(种子文件 002)。",
        "社区居委会原则上按3000户左右设置;成员职数每300户配备1人,最低不少于5人(应配成员职数)。",
        "以每人200—250户为一个服务网格;社区劳动保障工作站明确1—2名专职工作人员。",
        "办公和服务用房:已建成小区与老城区不低于300平方米,在建小区400平方米,拟规划新建小区500平方米。",
        "规定设备:电脑、打印机、传真机、扫描仪、刻录机、数码相机、投影仪、电动自行车(八种)。",
        "社区服务分无偿、低偿、有偿;经费由市、县级市、街道按5∶2∶3比例拨付,各列为全部经费按拨付层级汇总。",
        "成员、网格、设备、服务、经费各列由明细数据统计,读回时为指标值(indicator)。",
    ),
)
"""The layout of the Shandong return."""


class ShandongReturnCodec(ReturnWorkbookCodec):
    """Reads and writes the Shandong return (``shandong-return``); see :data:`SPEC`."""

    name: ClassVar[str] = "shandong-return"
    province: ClassVar[str | None] = "37"
    spec: ClassVar[ReturnSheet] = SPEC


@shequkit.hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The Shandong return workbook."""
    return [ShandongReturnCodec()]


@shequkit.hookimpl
def shequkit_standards() -> Sequence[RulePack]:
    """The ``shandong-tengzhou`` rule pack (seed 002)."""
    return [SHANDONG_TENGZHOU]
