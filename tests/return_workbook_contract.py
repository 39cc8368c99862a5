"""The contract every provincial return workbook plugin meets; each plugin's tests subclass it.

A subclass names its format, plugin, province, title, sheet, headers, the
community fields it round-trips, its derived indicator columns, and counts
those columns independently in :meth:`ReturnWorkbookContract.expected_counts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import attrs
import openpyxl
import pytest

import shequkit
from shequkit.model import Dataset


class ReturnWorkbookContract:
    """Layout, counts, round trip and safety tests shared by every ``*-return`` format."""

    FORMAT: ClassVar[str]
    PLUGIN: ClassVar[str]
    PROVINCE: ClassVar[str]
    TITLE: ClassVar[str]
    SHEET: ClassVar[str]
    HEADERS: ClassVar[list[str]]
    FIELDS: ClassVar[list[str]]
    INDICATORS: ClassVar[dict[str, str]]
    HEADER_ROW: ClassVar[int] = 4  # title, meta row, group row, then the leaf headers

    @staticmethod
    def expected_counts(dataset: Dataset, community_id: str) -> dict[str, float]:
        """The derived columns, counted independently of the plugin."""
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def sample(cls) -> Dataset:
        return shequkit.generate_sample(
            shequkit.SampleSpec(communities=12, seed=4, province=cls.PROVINCE)
        )

    @pytest.fixture(scope="class")
    @classmethod
    def workbook(cls, sample: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
        path = tmp_path_factory.mktemp(cls.PLUGIN) / "return.xlsx"
        assert shequkit.dump(sample, path, format=cls.FORMAT) == len(sample.communities)
        return path

    def _rows(self, path: Path) -> list[tuple[Any, ...]]:
        return list(openpyxl.load_workbook(path)[self.SHEET].iter_rows(values_only=True))

    def test_plugin_is_found_through_its_entry_point(self) -> None:
        infos = {info.name: info for info in shequkit.Toolkit().formats()}

        assert infos[self.FORMAT].plugin == self.PLUGIN
        assert infos[self.FORMAT].reads
        assert infos[self.FORMAT].writes
        assert infos[self.FORMAT].extensions == ()

    def test_layout_title_meta_row_and_headers(self, sample: Dataset, workbook: Path) -> None:
        rows = self._rows(workbook)

        assert rows[0][0] == self.TITLE
        meta = rows[1]
        assert meta[0] == "填报单位:"
        assert meta[1] == sample.meta.reporting_unit
        assert meta[2] == "统计期:"
        assert meta[3] == sample.meta.period
        assert meta[4] == "填表日期:"
        assert [cell for cell in rows[self.HEADER_ROW - 1] if cell is not None] == self.HEADERS
        data = rows[self.HEADER_ROW : self.HEADER_ROW + len(sample.communities)]
        assert [row[0] for row in data] == [c.id for c in sample.communities]
        assert rows[self.HEADER_ROW + len(sample.communities)][0] is None
        assert any(row[0] == "说明:" for row in rows[self.HEADER_ROW :])

    def test_derived_counts_equal_independent_counts(self, sample: Dataset, workbook: Path) -> None:
        rows = self._rows(workbook)
        positions = {header: self.HEADERS.index(header) for header in self.INDICATORS}
        for community, row in zip(sample.communities, rows[self.HEADER_ROW :], strict=False):
            expected = self.expected_counts(sample, community.id)
            assert {header: row[position] for header, position in positions.items()} == expected

    def test_reading_back_validates_and_round_trips_community_fields(
        self, sample: Dataset, workbook: Path
    ) -> None:
        report = shequkit.validate(workbook, format=self.FORMAT)
        assert report.issues == []

        back = shequkit.load(workbook, format=self.FORMAT)
        assert back.meta.reporting_unit == sample.meta.reporting_unit
        assert back.meta.period == sample.meta.period
        assert len(back.communities) == len(sample.communities)
        for original, read in zip(sample.communities, back.communities, strict=True):
            for name in self.FIELDS:
                assert getattr(read, name) == getattr(original, name), name
        values = {(v.subject, v.indicator): v.value for v in back.indicators}
        for community in sample.communities:
            for header, count in self.expected_counts(sample, community.id).items():
                assert values[(community.id, self.INDICATORS[header])] == count
        assert len(values) == len(self.INDICATORS) * len(sample.communities)

    def test_formula_like_name_is_stored_as_text(self, sample: Dataset, tmp_path: Path) -> None:
        first = attrs.evolve(sample.communities[0], name='=HYPERLINK("http://x")')
        dataset = attrs.evolve(sample, communities=(first, *sample.communities[1:]))
        path = tmp_path / "formula.xlsx"
        shequkit.dump(dataset, path, format=self.FORMAT)

        cell = openpyxl.load_workbook(path)[self.SHEET].cell(
            self.HEADER_ROW + 1, self.HEADERS.index("社区名称") + 1
        )
        assert cell.data_type == "s"
        assert cell.quotePrefix
        assert cell.value == first.name
        assert shequkit.load(path, format=self.FORMAT).communities[0].name == first.name

    def test_text_in_a_numeric_column_is_reported_with_sheet_row_and_column(
        self, workbook: Path, tmp_path: Path
    ) -> None:
        book = openpyxl.load_workbook(workbook)
        column = self.HEADERS.index("户数(户)") + 1
        book[self.SHEET].cell(self.HEADER_ROW + 2, column, "很多")
        path = tmp_path / "bad.xlsx"
        book.save(path)

        report = shequkit.validate(path, format=self.FORMAT)
        issues = [issue for issue in report.issues if issue.code == "SQK-E102"]
        assert len(issues) == 1, report.issues
        assert issues[0].path == "/communities/1/households"
        location = issues[0].location or ""
        assert f"sheet {self.SHEET}" in location
        assert f"row {self.HEADER_ROW + 2}" in location
        assert f"column {openpyxl.utils.get_column_letter(column)}" in location

    def test_a_workbook_of_another_layout_is_refused(self, sample: Dataset, tmp_path: Path) -> None:
        path = tmp_path / "core.xlsx"
        shequkit.dump(sample, path)  # the core XLSX layout: no return header

        with pytest.raises(shequkit.MalformedInputError, match=self.TITLE):
            shequkit.load(path, format=self.FORMAT)

    def test_the_example_workbook_of_the_docs_validates(self) -> None:
        example = (
            Path(__file__).resolve().parents[1] / "docs" / "examples" / f"{self.PLUGIN}-return.xlsx"
        )

        report = shequkit.validate(example, format=self.FORMAT)
        assert report.issues == []
        assert len(shequkit.load(example, format=self.FORMAT).communities) == 5
