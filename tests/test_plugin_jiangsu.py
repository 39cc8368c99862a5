"""The Jiangsu return workbook plugin (jiangsu-return): layout, counts, round trip, safety."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest

import shequkit
from shequkit.codes import FacilityType
from shequkit.model import Dataset

FORMAT = "jiangsu-return"
PLUGIN = "jiangsu"
PROVINCE = "32"
TITLE = "江苏省和谐社区建设情况统计表"
SHEET = "和谐社区"
HEADERS = [
    "社区编号",
    "统计用区划代码",
    "社区名称",
    "户数(户)",
    "人口(人)",
    "居民满意率(%)",
    "年度文化活动次数(次)",
    "民事调解率(%)",
    "调解成功率(%)",
    "实行网格化管理",
    "服务项目数(项)",
    "志愿者队伍类别数(类)",
    "图书阅览室数(个)",
    "藏书量(册)",
    "社区工作者数(人)",
    "考评类别",
    "考评级别",
    "自评得分(分)",
    "考评得分(分)",
    "互评得分(分)",
    "居民代表评议得分(分)",
]
FIELDS = [
    "id",
    "division_code",
    "name",
    "households",
    "population",
    "satisfaction_pct",
    "cultural_activities_per_year",
    "mediation_rate_pct",
    "mediation_success_pct",
    "grid_management",
    "evaluation_class",
    "evaluation_level",
    "self_score",
    "assessment_score",
    "peer_score",
    "representatives_score",
]
HEADER_ROW = 4  # title, meta row, group row, then the leaf headers


def expected_counts(dataset: Dataset, community_id: str) -> dict[str, float]:
    """The derived columns, counted here independently of the plugin."""
    services = [s for s in dataset.services if s.community_id == community_id]
    teams = {t.category for t in dataset.volunteer_teams if t.community_id == community_id}
    facilities = [f for f in dataset.facilities if f.community_id == community_id]
    staff = [s for s in dataset.staff if s.community_id == community_id]
    return {
        "服务项目数(项)": len(services),
        "志愿者队伍类别数(类)": len(teams),
        "图书阅览室数(个)": sum(f.type is FacilityType.READING_ROOM for f in facilities),
        "藏书量(册)": sum(f.books or 0 for f in facilities),
        "社区工作者数(人)": len(staff),
    }


INDICATORS = {
    "服务项目数(项)": "jiangsu.service_items",
    "志愿者队伍类别数(类)": "jiangsu.volunteer_team_categories",
    "图书阅览室数(个)": "jiangsu.reading_rooms",
    "藏书量(册)": "jiangsu.books",
    "社区工作者数(人)": "jiangsu.staff",
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


def test_metadata_text_is_formula_safe_and_an_id_like_the_notes_is_data(
    sample: Dataset, tmp_path: Path
) -> None:
    first = attrs.evolve(sample.communities[0], id="说明1")
    meta = attrs.evolve(sample.meta, reporting_unit="=cmd|' /C calc'!A0")
    dataset = attrs.evolve(sample, meta=meta, communities=(first, *sample.communities[1:]))
    path = tmp_path / "tricky.xlsx"
    shequkit.dump(dataset, path, format=FORMAT)

    cell = openpyxl.load_workbook(path)[SHEET]["B2"]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    back = shequkit.load(path, format=FORMAT)
    assert back.meta.reporting_unit == meta.reporting_unit
    assert [c.id for c in back.communities] == [c.id for c in dataset.communities]


def test_a_dataset_without_communities_gives_an_empty_return(
    sample: Dataset, tmp_path: Path
) -> None:
    path = tmp_path / "empty.xlsx"
    assert shequkit.dump(attrs.evolve(sample, communities=()), path, format=FORMAT) == 0

    assert shequkit.validate(path, format=FORMAT).issues == []
    assert shequkit.load(path, format=FORMAT).communities == ()


def test_the_same_data_gives_the_same_bytes(sample: Dataset, tmp_path: Path) -> None:
    # Dated by 填表日期, not the clock: example workbooks in docs/examples are reproducible.
    meta = attrs.evolve(sample.meta, prepared_at=datetime.datetime(2024, 12, 31, 9, 0))
    dataset = attrs.evolve(sample, meta=meta)
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    shequkit.dump(dataset, first, format=FORMAT)
    shequkit.dump(dataset, second, format=FORMAT)

    assert first.read_bytes() == second.read_bytes()
    assert str(shequkit.load(first, format=FORMAT).meta.prepared_at) == "2024-12-31 09:00:00"


def test_the_example_workbook_of_the_docs_validates() -> None:
    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / f"{PLUGIN}-return.xlsx"

    report = shequkit.validate(example, format=FORMAT)
    assert report.issues == []
    assert len(shequkit.load(example, format=FORMAT).communities) == 5


def test_a_community_column_added_by_a_bureau_is_read_as_its_field(
    sample: Dataset, workbook: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book[SHEET]
    column = len(HEADERS) + 1
    sheet.cell(HEADER_ROW, column, "绿化覆盖率(%)")
    sheet.cell(HEADER_ROW + 1, column, 41.5)
    sheet.cell(HEADER_ROW, column + 1, "备注")
    sheet.cell(HEADER_ROW + 1, column + 1, "新建")
    path = tmp_path / "extra.xlsx"
    book.save(path)

    report = shequkit.validate(path, format=FORMAT)
    assert [issue.code for issue in report.issues] == ["SQK-E104"]  # 备注 is no field
    assert report.issues[0].path == "/communities/0/备注"
    sheet.cell(HEADER_ROW, column + 1).value = None
    sheet.cell(HEADER_ROW + 1, column + 1).value = None
    book.save(path)
    assert shequkit.load(path, format=FORMAT).communities[0].green_coverage_pct == 41.5
