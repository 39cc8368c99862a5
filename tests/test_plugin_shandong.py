"""The Shandong return workbook plugin (shandong-return): layout, counts, round trip, safety."""

from __future__ import annotations

import math
from decimal import Decimal

from return_workbook_contract import ReturnWorkbookContract
from shequkit.codes import ChargingMode, DivisionLevel, EquipmentType, SpaceCase, StaffRole
from shequkit.model import Dataset

FORMAT = "shandong-return"
PLUGIN = "shandong"
PROVINCE = "37"
TITLE = "山东省社区建设基本情况统计表"
SHEET = "社区建设"
HEADERS = [
    "社区编号",
    "统计用区划代码",
    "社区名称",
    "户数(户)",
    "人口(人)",
    "居委会成员数(人)",
    "应配成员职数(人)",
    "网格数(个)",
    "网格员数(人)",
    "网格平均户数(户)",
    "劳动保障专职人员数(人)",
    "用房建设情形",
    "用房面积(平方米)",
    "应达面积(平方米)",
    "规定设备配备种数(种)",
    "电脑台数(台)",
    "无偿服务(项)",
    "低偿服务(项)",
    "有偿服务(项)",
    "市级(元)",
    "县级市(元)",
    "街道(元)",
]
FIELDS = [
    "id",
    "division_code",
    "name",
    "households",
    "population",
    "space_case",
    "service_space_m2",
]
EQUIPMENT = {
    EquipmentType.COMPUTER,
    EquipmentType.PRINTER,
    EquipmentType.FAX,
    EquipmentType.SCANNER,
    EquipmentType.DISC_BURNER,
    EquipmentType.DIGITAL_CAMERA,
    EquipmentType.PROJECTOR,
    EquipmentType.ELECTRIC_BICYCLE,
}
COMMITTEE = {
    StaffRole.COMMITTEE_DIRECTOR,
    StaffRole.COMMITTEE_DEPUTY_DIRECTOR,
    StaffRole.COMMITTEE_MEMBER,
}


def expected_counts(dataset: Dataset, community_id: str) -> dict[str, float]:
    """The derived columns, counted here independently of the plugin."""
    community = next(c for c in dataset.communities if c.id == community_id)
    staff = [s.role for s in dataset.staff if s.community_id == community_id]
    grids = [g for g in dataset.grids if g.community_id == community_id]
    equipment = [e for e in dataset.equipment if e.community_id == community_id]
    charging = [s.charging for s in dataset.services if s.community_id == community_id]
    funding = [f for f in dataset.funding if f.community_id == community_id]

    def paid(level: DivisionLevel) -> float:
        return float(sum((f.amount_yuan for f in funding if f.payer_level is level), Decimal()))

    space = {SpaceCase.PLANNED_ESTATE: 500, SpaceCase.ESTATE_UNDER_CONSTRUCTION: 400}
    return {
        "居委会成员数(人)": sum(role in COMMITTEE for role in staff),
        "应配成员职数(人)": max(5, math.ceil(community.households / 300)),
        "网格数(个)": len(grids),
        "网格员数(人)": staff.count(StaffRole.GRID_WORKER),
        "网格平均户数(户)": round(sum(g.households for g in grids) / len(grids), 1) if grids else 0,
        "劳动保障专职人员数(人)": staff.count(StaffRole.LABOUR_SECURITY_OFFICER),
        "应达面积(平方米)": space.get(community.space_case, 300),  # type: ignore[arg-type]
        "规定设备配备种数(种)": len({e.type for e in equipment} & EQUIPMENT),
        "电脑台数(台)": sum(e.quantity for e in equipment if e.type is EquipmentType.COMPUTER),
        "无偿服务(项)": charging.count(ChargingMode.FREE),
        "低偿服务(项)": charging.count(ChargingMode.LOW_COST),
        "有偿服务(项)": charging.count(ChargingMode.PAID),
        "市级(元)": paid(DivisionLevel.CITY),
        "县级市(元)": paid(DivisionLevel.COUNTY),
        "街道(元)": paid(DivisionLevel.TOWNSHIP),
    }


INDICATORS = {
    "居委会成员数(人)": "shandong.committee_members",
    "应配成员职数(人)": "shandong.required_committee_members",
    "网格数(个)": "shandong.grids",
    "网格员数(人)": "shandong.grid_workers",
    "网格平均户数(户)": "shandong.households_per_grid",
    "劳动保障专职人员数(人)": "shandong.labour_security_staff",
    "应达面积(平方米)": "shandong.space_standard",
    "规定设备配备种数(种)": "shandong.equipment_kinds",
    "电脑台数(台)": "shandong.computers",
    "无偿服务(项)": "shandong.free_services",
    "低偿服务(项)": "shandong.low_cost_services",
    "有偿服务(项)": "shandong.paid_services",
    "市级(元)": "shandong.funding_city",
    "县级市(元)": "shandong.funding_county",
    "街道(元)": "shandong.funding_street",
}


class TestShandongReturn(ReturnWorkbookContract):
    FORMAT = FORMAT
    PLUGIN = PLUGIN
    PROVINCE = PROVINCE
    TITLE = TITLE
    SHEET = SHEET
    HEADERS = HEADERS
    FIELDS = FIELDS
    INDICATORS = INDICATORS
    expected_counts = staticmethod(expected_counts)
