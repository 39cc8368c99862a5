"""Fill-in templates: the XLSX codec's layout, dropdowns, number ranges, rule notes, round trip.

A template is filled the way a community would, with a real spreadsheet
library (openpyxl), then read back with the normal reader (``shequkit.load``).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

import shequkit
from shequkit._convert import json_converter
from shequkit.cli import cli
from shequkit.codes import FacilityType, VolunteerCategory
from shequkit.formats._tabular import LIST_SEPARATOR, Column, columns, find_column
from shequkit.model import RECORD_KINDS, Community, Dataset, Facility, Metadata, VolunteerTeam
from shequkit.reports import rule_needs, write_template
from shequkit.sample import SampleSpec, generate_sample
from shequkit.standards import (
    Citation,
    Rule,
    at_least,
    community_field,
    covers_all,
    evaluate,
    requires,
    resolve_pack,
    total_of,
)

NOTES, META = "填报说明", "填报信息"
CITATION = Citation("000", "一", "测试")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "national.xlsx"
    write_template("national", path)
    return path


def _validations(sheet: Any) -> dict[str, Any]:
    """Each data validation of a sheet by the letter of the column it covers."""
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            assert cells.min_row == 2
            assert cells.max_row == 1_048_576
            found[openpyxl.utils.get_column_letter(cells.min_col)] = rule
    return found


def test_template_has_the_codec_layout_with_a_notes_sheet(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    try:
        assert book.sheetnames[:2] == [NOTES, META]
        assert book.active.title == NOTES
        visible = [name for name in book.sheetnames if book[name].sheet_state == "visible"]
        assert visible == [NOTES, META, *(kind.label_zh for kind in RECORD_KINDS)]
        for kind in RECORD_KINDS:
            sheet = book[kind.label_zh]
            headers = [cell.value for cell in sheet[1]]
            assert headers == [column.header for column in columns(kind.cls)]
            assert sheet.max_row == 1  # empty: headers only
        meta = {row[0]: row[1] for row in book[META].iter_rows(values_only=True) if row[0]}
        assert meta["数据规范版本"] == "1.0"
        assert "national" in meta["报表名称"]
    finally:
        book.close()


def _letter(cls: type, name: str) -> str:
    position = [column.name for column in columns(cls)].index(name)
    return openpyxl.utils.get_column_letter(position + 1)


def test_template_offers_dropdowns_for_coded_columns(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    try:
        rules = _validations(book["社区"])
        kind = rules[_letter(Community, "type")]
        assert kind.type == "list"
        assert kind.formula1 == '"街道型,集镇型,农民新村型,开发小区型"'
        assert rules[_letter(Community, "open_affairs")].formula1 == '"是,否"'
        facility = _validations(book["社区设施"])[_letter(Facility, "type")]
        assert facility.type == "list"
        assert facility.formula1.strip('"').split(",") == [member.value for member in FacilityType]
    finally:
        book.close()


def test_template_checks_numbers_against_the_field_ranges(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    try:
        rules = _validations(book["社区"])
        households = rules[_letter(Community, "households")]
        assert (households.type, households.operator, households.formula1) == (
            "whole",
            "greaterThanOrEqual",
            "0",
        )
        green = rules[_letter(Community, "green_coverage_pct")]
        # "between" is the default operator: the file leaves it out.
        assert (green.type, green.operator or "between", green.formula1, green.formula2) == (
            "decimal",
            "between",
            "0",
            "100",
        )
        level = rules[_letter(Community, "evaluation_level")]
        assert (level.type, level.formula1, level.formula2) == ("whole", "1", "3")
        assert "1 至 3" in level.prompt
        name = rules[_letter(Community, "name")]
        assert (name.type, name.operator, name.formula1) == ("textLength", "lessThanOrEqual", "100")
    finally:
        book.close()


def test_template_notes_list_every_rule_with_the_data_it_reads(template: Path) -> None:
    pack = resolve_pack("national")
    book = openpyxl.load_workbook(template)
    try:
        rows = {row[0]: row for row in book[NOTES].iter_rows(values_only=True) if row[0]}
    finally:
        book.close()
    for rule in pack.rules:
        assert rule.id in rows, rule.id
        assert rows[rule.id][6] == rule.citation.text
    assert "社区:实行居务公开" in rows["cn-open-affairs"][4]


def test_rule_needs_are_recorded_for_declarative_rules() -> None:
    space = at_least(
        "space",
        community_field("service_space_m2"),
        300,
        title_zh="用房",
        title_en="space",
        citation=CITATION,
    )
    books = at_least(
        "books",
        total_of(Facility, "books", "藏书", "books", type=FacilityType.READING_ROOM),
        500,
        title_zh="藏书",
        title_en="books",
        citation=CITATION,
    )
    teams = covers_all(
        "teams",
        VolunteerTeam,
        "category",
        VolunteerCategory,
        title_zh="队伍",
        title_en="teams",
        citation=CITATION,
    )

    def fragile(view: Any) -> Any:
        return view.community.households / 300  # fails on the unknown value it read

    plain = Rule("plain", "户数", "households", CITATION, fragile)
    kit = requires(
        "kit",
        {
            "警务室": total_of(
                Facility, "floor_area_m2", "面积", "area", type=FacilityType.POLICE_ROOM
            )
        },
        title_zh="设施",
        title_en="kit",
        citation=CITATION,
    )

    assert [need.describe() for need in rule_needs(space)] == ["社区:办公和服务用房面积(平方米)"]
    assert [need.describe() for need in rule_needs(books)] == [
        "社区设施〔设施类型=书画阅览室〕",
        "社区设施:藏书量(册)〔设施类型=书画阅览室〕",
    ]
    assert [need.describe() for need in rule_needs(teams)] == ["志愿者队伍:队伍类别"]
    assert [need.describe() for need in rule_needs(plain)] == ["社区:户数(户)"]
    assert [need.describe() for need in rule_needs(kit)][-1] == (
        "社区设施:建筑面积(平方米)〔设施类型=社区警务室〕"
    )


# -- filling it in ---------------------------------------------------------------------


def _cell(column: Column, value: Any) -> Any:
    """A wire value as a person (or openpyxl) puts it in a cell: numbers, dates, text."""
    if column.kind == "enum_list":
        return LIST_SEPARATOR.join(value)
    if column.kind == "decimal":
        return float(value)
    if column.kind == "date":
        return datetime.date.fromisoformat(value)
    if column.kind == "datetime":
        return datetime.datetime.fromisoformat(value)
    return value  # str, int, float, bool, enum values


def _fill(template: Path, target: Path, dataset: Dataset, **changes: Any) -> None:
    book = openpyxl.load_workbook(template)
    meta_wire = json_converter.unstructure(dataset.meta)
    for row in book[META].iter_rows(min_row=3):
        column = find_column(Metadata, str(row[0].value or ""))
        if column is not None and meta_wire.get(column.name) is not None:
            row[1].value = _cell(column, meta_wire[column.name])
    sheets: dict[str, int] = {}
    for kind, record in dataset.records():
        sheet = book[kind.label_zh]
        row = sheets.get(kind.label_zh, 2)
        sheets[kind.label_zh] = row + 1
        wire = json_converter.unstructure(record)
        if kind.name == "community" and row == 2:
            wire.update(changes)
        for position, column in enumerate(columns(kind.cls), 1):
            if wire.get(column.name) is not None:
                sheet.cell(row, position, _cell(column, wire[column.name]))
    book.save(target)
    book.close()


@pytest.fixture(scope="module")
def small() -> Dataset:
    return generate_sample(SampleSpec(communities=4, seed=11, province="42"))


@pytest.mark.parametrize(("province", "seed"), [("42", 11), ("32", 3), ("37", 8)])
def test_a_filled_template_loads_as_the_dataset_it_was_filled_with(
    template: Path, province: str, seed: int, tmp_path: Path
) -> None:
    dataset = generate_sample(SampleSpec(communities=4, seed=seed, province=province))
    filled = tmp_path / "filled.xlsx"
    _fill(template, filled, dataset)

    loaded = shequkit.load(filled)

    assert loaded == dataset
    assert (
        evaluate(filled, "national").meeting_standard
        == evaluate(dataset, "national").meeting_standard
    )


def test_a_wrong_value_in_a_dropdown_column_names_sheet_row_and_column(
    template: Path, small: Dataset, tmp_path: Path
) -> None:
    filled = tmp_path / "wrong.xlsx"
    _fill(template, filled, small, type="城市型")

    with pytest.raises(shequkit.DataError) as raised:
        shequkit.load(filled)

    (issue,) = raised.value.report.errors
    assert issue.code == "SQK-E103"
    assert issue.path == "/communities/0/type"
    assert issue.location == f"sheet 社区 row 2 column {_letter(Community, 'type')} (社区类型)"
    assert issue.value == "城市型"


def test_a_number_out_of_range_names_its_cell(
    template: Path, small: Dataset, tmp_path: Path
) -> None:
    filled = tmp_path / "range.xlsx"
    _fill(template, filled, small, green_coverage_pct=130.0)

    report = shequkit.validate(filled)

    (issue,) = report.errors
    assert (issue.code, issue.path) == ("SQK-E105", "/communities/0/green_coverage_pct")
    letter = _letter(Community, "green_coverage_pct")
    assert issue.location == f"sheet 社区 row 2 column {letter} (绿化覆盖率(%))"


# -- the command -----------------------------------------------------------------------


def test_template_command_writes_the_workbook(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "national", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    try:
        assert book.sheetnames[:2] == [NOTES, META]
    finally:
        book.close()


@pytest.mark.parametrize(
    ("arguments", "code"),
    [(["national", "-o", "t.csv"], "SQK-U122"), (["no-such-pack", "-o", "t.xlsx"], "SQK-U120")],
)
def test_template_command_refuses_what_it_cannot_write(
    arguments: list[str], code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["template", *arguments])
    assert result.exit_code == 2
    assert code in result.output
    assert list(tmp_path.iterdir()) == []


def test_template_of_a_pack_object_needs_no_installed_pack(tmp_path: Path) -> None:
    pack = attrs.evolve(resolve_pack("national"), name="local-only")
    write_template(pack, tmp_path / "local.xlsx")
    book = openpyxl.load_workbook(tmp_path / "local.xlsx")
    try:
        meta = {row[0]: row[1] for row in book[META].iter_rows(values_only=True) if row[0]}
        assert "local-only" in meta["报表名称"]
    finally:
        book.close()
