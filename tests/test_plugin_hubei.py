"""The Hubei return workbook plugin (hubei-return): layout, counts, round trip, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest

import shequkit
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
HEADER_ROW = 4  # title, meta row, group row, then the leaf headers
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
