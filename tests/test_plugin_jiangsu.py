"""The Jiangsu return workbook plugin (jiangsu-return): layout, counts, round trip, safety."""

from __future__ import annotations

import datetime
from pathlib import Path

import attrs
import openpyxl

import shequkit
from return_workbook_contract import ReturnWorkbookContract
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


class TestJiangsuReturn(ReturnWorkbookContract):
    FORMAT = FORMAT
    PLUGIN = PLUGIN
    PROVINCE = PROVINCE
    TITLE = TITLE
    SHEET = SHEET
    HEADERS = HEADERS
    FIELDS = FIELDS
    INDICATORS = INDICATORS
    expected_counts = staticmethod(expected_counts)

    def test_metadata_text_is_formula_safe_and_an_id_like_the_notes_is_data(
        self, sample: Dataset, tmp_path: Path
    ) -> None:
        first = attrs.evolve(sample.communities[0], id="说明1")
        meta = attrs.evolve(sample.meta, reporting_unit="=cmd|' /C calc'!A0")
        dataset = attrs.evolve(sample, meta=meta, communities=(first, *sample.communities[1:]))
        path = tmp_path / "tricky.xlsx"
        shequkit.dump(dataset, path, format=self.FORMAT)

        cell = openpyxl.load_workbook(path)[self.SHEET]["B2"]
        assert cell.data_type == "s"
        assert cell.quotePrefix
        back = shequkit.load(path, format=self.FORMAT)
        assert back.meta.reporting_unit == meta.reporting_unit
        assert [c.id for c in back.communities] == [c.id for c in dataset.communities]

    def test_a_dataset_without_communities_gives_an_empty_return(
        self, sample: Dataset, tmp_path: Path
    ) -> None:
        path = tmp_path / "empty.xlsx"
        assert shequkit.dump(attrs.evolve(sample, communities=()), path, format=self.FORMAT) == 0

        assert shequkit.validate(path, format=self.FORMAT).issues == []
        assert shequkit.load(path, format=self.FORMAT).communities == ()

    def test_the_same_data_gives_the_same_bytes(self, sample: Dataset, tmp_path: Path) -> None:
        # Dated by 填表日期, not the clock: example workbooks in docs/examples are reproducible.
        meta = attrs.evolve(sample.meta, prepared_at=datetime.datetime(2024, 12, 31, 9, 0))
        dataset = attrs.evolve(sample, meta=meta)
        first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
        shequkit.dump(dataset, first, format=self.FORMAT)
        shequkit.dump(dataset, second, format=self.FORMAT)

        assert first.read_bytes() == second.read_bytes()
        assert (
            str(shequkit.load(first, format=self.FORMAT).meta.prepared_at) == "2024-12-31 09:00:00"
        )

    def test_a_community_column_added_by_a_bureau_is_read_as_its_field(
        self, sample: Dataset, workbook: Path, tmp_path: Path
    ) -> None:
        book = openpyxl.load_workbook(workbook)
        sheet = book[self.SHEET]
        column = len(self.HEADERS) + 1
        sheet.cell(self.HEADER_ROW, column, "绿化覆盖率(%)")
        sheet.cell(self.HEADER_ROW + 1, column, 41.5)
        sheet.cell(self.HEADER_ROW, column + 1, "备注")
        sheet.cell(self.HEADER_ROW + 1, column + 1, "新建")
        path = tmp_path / "extra.xlsx"
        book.save(path)

        report = shequkit.validate(path, format=self.FORMAT)
        assert [issue.code for issue in report.issues] == ["SQK-E104"]  # 备注 is no field
        assert report.issues[0].path == "/communities/0/备注"
        sheet.cell(self.HEADER_ROW, column + 1).value = None
        sheet.cell(self.HEADER_ROW + 1, column + 1).value = None
        book.save(path)
        assert shequkit.load(path, format=self.FORMAT).communities[0].green_coverage_pct == 41.5
