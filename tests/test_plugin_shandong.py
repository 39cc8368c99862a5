"""The Shandong return workbook plugin (shandong-return): layout, counts, round trip, safety."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest

import shequkit
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
HEADER_ROW = 4  # title, meta row, group row, then the leaf headers
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


@pytest.fixture(scope="module")
def sample() -> Dataset:
    return shequkit.generate_sample(shequkit.SampleSpec(communities=12, seed=4, province=PROVINCE))


@pytest.fixture(scope="module")
def workbook(sample: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(PLUGIN) / "return.xlsx"
    assert shequkit.dump(sample, path, format=FORMAT) == len(sample.communities)
    return path


def _rows(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[SHEET].iter_rows(values_only=True))


def test_plugin_is_found_through_its_entry_point() -> None:
    infos = {info.name: info for info in shequkit.Toolkit().formats()}

    assert infos[FORMAT].plugin == PLUGIN
    assert infos[FORMAT].reads
    assert infos[FORMAT].writes
    assert infos[FORMAT].extensions == ()


def test_layout_title_meta_row_and_headers(sample: Dataset, workbook: Path) -> None:
    rows = _rows(workbook)

    assert rows[0][0] == TITLE
    meta = rows[1]
    assert meta[0] == "填报单位:"
    assert meta[1] == sample.meta.reporting_unit
    assert meta[2] == "统计期:"
    assert meta[3] == sample.meta.period
    assert meta[4] == "填表日期:"
    assert [cell for cell in rows[HEADER_ROW - 1] if cell is not None] == HEADERS
    data = rows[HEADER_ROW : HEADER_ROW + len(sample.communities)]
    assert [row[0] for row in data] == [c.id for c in sample.communities]
    assert rows[HEADER_ROW + len(sample.communities)][0] is None
    assert any(row[0] == "说明:" for row in rows[HEADER_ROW:])


def test_derived_counts_equal_independent_counts(sample: Dataset, workbook: Path) -> None:
    rows = _rows(workbook)
    positions = {header: HEADERS.index(header) for header in INDICATORS}
    for community, row in zip(sample.communities, rows[HEADER_ROW:], strict=False):
        expected = expected_counts(sample, community.id)
        assert {header: row[position] for header, position in positions.items()} == expected


def test_reading_back_validates_and_round_trips_community_fields(
    sample: Dataset, workbook: Path
) -> None:
    report = shequkit.validate(workbook, format=FORMAT)
    assert report.issues == []

    back = shequkit.load(workbook, format=FORMAT)
    assert back.meta.reporting_unit == sample.meta.reporting_unit
    assert back.meta.period == sample.meta.period
    assert len(back.communities) == len(sample.communities)
    for original, read in zip(sample.communities, back.communities, strict=True):
        for name in FIELDS:
            assert getattr(read, name) == getattr(original, name), name
    values = {(v.subject, v.indicator): v.value for v in back.indicators}
    for community in sample.communities:
        for header, count in expected_counts(sample, community.id).items():
            assert values[(community.id, INDICATORS[header])] == count
    assert len(values) == len(INDICATORS) * len(sample.communities)


def test_formula_like_name_is_stored_as_text(sample: Dataset, tmp_path: Path) -> None:
    first = attrs.evolve(sample.communities[0], name='=HYPERLINK("http://x")')
    dataset = attrs.evolve(sample, communities=(first, *sample.communities[1:]))
    path = tmp_path / "formula.xlsx"
    shequkit.dump(dataset, path, format=FORMAT)

    cell = openpyxl.load_workbook(path)[SHEET].cell(HEADER_ROW + 1, HEADERS.index("社区名称") + 1)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert cell.value == first.name
    assert shequkit.load(path, format=FORMAT).communities[0].name == first.name


def test_text_in_a_numeric_column_is_reported_with_sheet_row_and_column(
    workbook: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(workbook)
    column = HEADERS.index("户数(户)") + 1
    book[SHEET].cell(HEADER_ROW + 2, column, "很多")
    path = tmp_path / "bad.xlsx"
    book.save(path)

    report = shequkit.validate(path, format=FORMAT)
    issues = [issue for issue in report.issues if issue.code == "SQK-E102"]
    assert len(issues) == 1, report.issues
    assert issues[0].path == "/communities/1/households"
    location = issues[0].location or ""
    assert f"sheet {SHEET}" in location
    assert f"row {HEADER_ROW + 2}" in location
    assert f"column {openpyxl.utils.get_column_letter(column)}" in location


def test_a_workbook_of_another_layout_is_refused(sample: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "core.xlsx"
    shequkit.dump(sample, path)  # the core XLSX layout: no return header

    with pytest.raises(shequkit.MalformedInputError, match=TITLE):
        shequkit.load(path, format=FORMAT)


def test_the_example_workbook_of_the_docs_validates() -> None:
    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / f"{PLUGIN}-return.xlsx"

    report = shequkit.validate(example, format=FORMAT)
    assert report.issues == []
    assert len(shequkit.load(example, format=FORMAT).communities) == 5
