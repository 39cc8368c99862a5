"""The Hubei return workbook plugin (hubei-return): layout, counts, round trip, safety."""

from __future__ import annotations

from return_workbook_contract import ReturnWorkbookContract
from shequkit.codes import DesignationKind, EquipmentType, FacilityType
from shequkit.model import Dataset

FORMAT = "hubei-return"
PLUGIN = "hubei"
PROVINCE = "42"
TITLE = "湖北省社区建设达标情况统计表"
SHEET = "社区达标"
HEADERS = [
    "社区编号",
    "统计用区划代码",
    "社区名称",
    "社区类型",
    "户数(户)",
    "人口(人)",
    "办公用房建筑面积(平方米)",
    "用房达100平方米(是=1)",
    "绿化覆盖率(%)",
    "五室(项)",
    "四机(项)",
    "三站(项)",
    "两校(项)",
    "一场所(项)",
    "配齐合计(项)",
    "等级社区(项)",
    "883行动计划达标(项)",
    "文明社区(项)",
]
FIELDS = [
    "id",
    "division_code",
    "name",
    "type",
    "households",
    "population",
    "service_space_m2",
    "green_coverage_pct",
]
ROOMS = {
    FacilityType.COMMITTEE_OFFICE,
    FacilityType.POLICE_ROOM,
    FacilityType.READING_ROOM,
    FacilityType.ACTIVITY_ROOM,
    FacilityType.MEETING_ROOM,
}
MACHINES = {
    EquipmentType.TELEVISION,
    EquipmentType.DVD_PLAYER,
    EquipmentType.COMPUTER,
    EquipmentType.PRINTER,
}
STATIONS = {
    FacilityType.SERVICE_STATION,
    FacilityType.HEALTH_STATION,
    FacilityType.EMPLOYMENT_STATION,
}
SCHOOLS = {FacilityType.CITIZENS_SCHOOL, FacilityType.ELDERLY_SCHOOL}
SITES = {FacilityType.OUTDOOR_FITNESS_SITE}


def expected_counts(dataset: Dataset, community_id: str) -> dict[str, float]:
    """The derived columns, counted here independently of the plugin."""
    community = next(c for c in dataset.communities if c.id == community_id)
    facilities = {f.type for f in dataset.facilities if f.community_id == community_id}
    equipment = {e.type for e in dataset.equipment if e.community_id == community_id}
    titles = [d.category for d in dataset.designations if d.community_id == community_id]
    parts = {
        "五室(项)": len(facilities & ROOMS),
        "四机(项)": len(equipment & MACHINES),
        "三站(项)": len(facilities & STATIONS),
        "两校(项)": len(facilities & SCHOOLS),
        "一场所(项)": len(facilities & SITES),
    }
    return {
        "用房达100平方米(是=1)": int((community.service_space_m2 or 0) >= 100),
        **parts,
        "配齐合计(项)": sum(parts.values()),
        "等级社区(项)": titles.count(DesignationKind.GRADED),
        "883行动计划达标(项)": titles.count(DesignationKind.ACTION_PLAN_883),
        "文明社区(项)": titles.count(DesignationKind.CIVILISED),
    }


INDICATORS = {
    "用房达100平方米(是=1)": "hubei.space_100m2",
    "五室(项)": "hubei.kit_rooms",
    "四机(项)": "hubei.kit_machines",
    "三站(项)": "hubei.kit_stations",
    "两校(项)": "hubei.kit_schools",
    "一场所(项)": "hubei.kit_sites",
    "配齐合计(项)": "hubei.kit_items",
    "等级社区(项)": "hubei.graded",
    "883行动计划达标(项)": "hubei.action_plan_883",
    "文明社区(项)": "hubei.civilised",
}


class TestHubeiReturn(ReturnWorkbookContract):
    FORMAT = FORMAT
    PLUGIN = PLUGIN
    PROVINCE = PROVINCE
    TITLE = TITLE
    SHEET = SHEET
    HEADERS = HEADERS
    FIELDS = FIELDS
    INDICATORS = INDICATORS
    expected_counts = staticmethod(expected_counts)
