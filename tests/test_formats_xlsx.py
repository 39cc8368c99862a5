"""XLSX workbooks: round trips, layout, formula safety, typed cells, hostile containers."""

from __future__ import annotations

import datetime
import functools
import json
import random
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings

import shequkit
from documents import valid_document
from shequkit import json_converter
from shequkit._toolkit import DEFAULT_PLUGINS, default_toolkit
from shequkit.cli import cli
from shequkit.codes import DivisionCode
from shequkit.formats import ReadOptions, _xlsx
from shequkit.formats._xlsx import XlsxCodec
from shequkit.model import Community, Dataset, Metadata, kind_by_name
from shequkit.sample import SampleSpec, generate_sample
from strategies import datasets

# The same toolkit before and after the codec joins the default plugins.
TOOLKIT = shequkit.Toolkit(plugins=[] if _xlsx.__name__ in DEFAULT_PLUGINS else [_xlsx])
_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def _json_file(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _read_back(path: Path) -> Dataset:
    """Structure every raw record of ``path`` without semantic checks."""
    meta = None
    records = []
    for raw in TOOLKIT.read(path):
        if raw.kind == "meta":
            meta = json_converter.structure(raw.data, Metadata)
        else:
            kind = kind_by_name(raw.kind)
            assert kind is not None, raw
            records.append(json_converter.structure(raw.data, kind.cls))
    assert meta is not None
    return Dataset.from_records(meta, records)


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A hand-made workbook (openpyxl, shared strings: not how shequkit writes)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


_META_ROWS = [
    ["项目", "内容"],
    ["数据规范版本", "1.0"],
    ["填报单位", "玄武区民政局"],
    ["统计期", "2024"],
]


def _texts(dataset: Dataset) -> Iterator[str]:
    for _, record in dataset.records():
        yield from (v for v in attrs.asdict(record).values() if isinstance(v, str))
    yield from (v for v in attrs.asdict(dataset.meta).values() if isinstance(v, str))


def _one_community(**changes: Any) -> Dataset:
    community = Community(
        id="c1",
        division_code=DivisionCode("320102001001"),
        name="龙潭社区",
        households=3000,
        population=8600,
    )
    meta = json_converter.structure(valid_document()["meta"], Metadata)
    return Dataset(meta=meta, communities=(attrs.evolve(community, **changes),))


# -- round trips -----------------------------------------------------------------------


def test_json_to_xlsx_to_json_gives_back_the_same_document(tmp_path: Path) -> None:
    source = _json_file(tmp_path / "in.json", valid_document())

    shequkit.convert(source, tmp_path / "out.xlsx", toolkit=TOOLKIT)
    shequkit.convert(tmp_path / "out.xlsx", tmp_path / "back.json", toolkit=TOOLKIT)

    back = json.loads((tmp_path / "back.json").read_text(encoding="utf-8"))
    assert back == valid_document()
    assert shequkit.load(tmp_path / "out.xlsx", toolkit=TOOLKIT) == shequkit.load(source)


def test_sample_dataset_round_trips_through_xlsx(tmp_path: Path) -> None:
    dataset = generate_sample(SampleSpec(communities=5, seed=1))
    path = tmp_path / "sample.xlsx"

    written = shequkit.dump(dataset, path, toolkit=TOOLKIT)

    assert written == len(dataset)
    assert shequkit.load(path, toolkit=TOOLKIT) == dataset


@_SETTINGS
@given(dataset=datasets())
def test_model_to_xlsx_to_model_is_identity(tmp_path: Path, dataset: Dataset) -> None:
    # Text XLSX cannot hold is refused on write (tested below); _xHHHH_ look-alikes
    # have their own test.
    assume(
        not any(
            "\ufffe" in text or "\uffff" in text or _OOXML_ESCAPE.search(text)
            for text in _texts(dataset)
        )
    )
    path = tmp_path / "roundtrip.xlsx"

    shequkit.dump(dataset, path, toolkit=TOOLKIT)

    assert _read_back(path) == dataset


@pytest.mark.parametrize(
    "name",
    [
        "nul\x00and\x1fcontrol\x0bchars",
        "cr\rlf\r\nand\ttab",
        "_x0041_ looks escaped",
        "_X0041_ _x00e9_ _xD800_",
        "  leading and trailing  ",
        "'starts with a quote",
        "😀 龙潭",
    ],
)
def test_awkward_text_reads_back_exactly(tmp_path: Path, name: str) -> None:
    dataset = _one_community(name=name)
    path = tmp_path / "awkward.xlsx"

    shequkit.dump(dataset, path, toolkit=TOOLKIT)

    assert _read_back(path) == dataset


@pytest.mark.parametrize("name", ["bad\ufffe", "bad\uffff", "_x005F_x0041_"])
def test_text_xlsx_cannot_hold_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(shequkit.UsageError) as caught:
        shequkit.dump(_one_community(name=name), tmp_path / "out.xlsx", toolkit=TOOLKIT)

    assert caught.value.code == "SQK-U110"
    assert "/communities/0/name" in caught.value.message_en
    assert list(tmp_path.iterdir()) == []


def test_text_longer_than_a_cell_holds_is_refused() -> None:
    with pytest.raises(shequkit.UsageError) as caught:
        _xlsx._check_storable({"address": "路" * 32_768}, "/communities/0")

    assert caught.value.code == "SQK-U110"


def test_numbers_dates_and_amounts_are_typed_cells_and_read_back_exactly(tmp_path: Path) -> None:
    dataset = _one_community(
        area_km2=0.1 + 0.2,  # needs 17 digits: written as text to stay exact
        service_space_m2=420.5,
        established=datetime.date(2001, 5, 1),
        longitude=118.8,
    )
    path = tmp_path / "typed.xlsx"
    shequkit.dump(dataset, path, toolkit=TOOLKIT)

    sheet = openpyxl.load_workbook(path)["社区"]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}

    assert cells["户数(户)"].value == 3000
    assert cells["户数(户)"].data_type == "n"
    assert cells["办公和服务用房面积(平方米)"].value == 420.5
    assert cells["成立日期"].is_date
    assert cells["辖区面积(平方公里)"].data_type == "s"
    assert _read_back(path) == dataset


# -- formula safety ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd", "\t=1", "\r=1"])
def test_text_that_looks_like_a_formula_is_stored_as_quoted_text(tmp_path: Path, name: str) -> None:
    dataset = _one_community(name=name)
    path = tmp_path / "inject.xlsx"

    shequkit.dump(dataset, path, toolkit=TOOLKIT)

    sheet = openpyxl.load_workbook(path)["社区"]
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(2, headers.index("社区名称") + 1)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    with zipfile.ZipFile(path) as archive:
        assert not any(
            "<f>" in archive.read(n).decode() for n in archive.namelist() if "worksheets" in n
        )
    assert _read_back(path).communities[0].name == name


# -- layout -----------------------------------------------------------------------------


def test_workbook_has_metadata_sheet_then_one_sheet_per_kind_with_styled_headers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.xlsx"
    shequkit.convert(_json_file(tmp_path / "in.json", valid_document()), path, toolkit=TOOLKIT)

    book = openpyxl.load_workbook(path)

    assert book.sheetnames == [
        "填报信息",
        "行政区划",
        "社区",
        "网格",
        "社区组织",
        "社区设施",
        "社区服务",
        "社区工作者",
        "志愿者队伍",
        "办公设备",
        "社区经费",
        "荣誉称号",
        "指标值",
    ]
    meta = {row[0]: row[1] for row in book["填报信息"].iter_rows(values_only=True)}
    assert meta["数据规范版本"] == "1.0"
    assert meta["填报单位"] == "玄武区民政局"
    assert meta["项目"] == "内容"
    communities = book["社区"]
    assert communities.freeze_panes == "A2"
    assert communities["A1"].font.b
    assert (
        communities.auto_filter.ref
        == f"A1:{communities.cell(2, communities.max_column).coordinate}"
    )
    headers = [cell.value for cell in communities[1]]
    assert "户数(户)" in headers
    letter = openpyxl.utils.get_column_letter(headers.index("社区类型") + 1)
    (rule,) = [
        dv for dv in communities.data_validations.dataValidation if letter + "2" in str(dv.sqref)
    ]
    assert rule.type == "list"
    assert rule.formula1 == '"街道型,集镇型,农民新村型,开发小区型"'


def test_long_dropdown_lists_go_to_a_hidden_sheet_that_reading_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_xlsx, "_INLINE_LIST_LIMIT", 10)
    path = tmp_path / "out.xlsx"
    shequkit.convert(_json_file(tmp_path / "in.json", valid_document()), path, toolkit=TOOLKIT)

    book = openpyxl.load_workbook(path)
    lists = book["_lists"]
    headers = [cell.value for cell in book["社区"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("社区类型") + 1)
    (rule,) = [
        dv for dv in book["社区"].data_validations.dataValidation if letter + "2" in str(dv.sqref)
    ]
    column = rule.formula1.split("!")[1].split(":")[0].strip("$").rstrip("0123456789").strip("$")

    assert lists.sheet_state == "hidden"
    assert book.sheetnames[-1] == "_lists"
    assert [lists[f"{column}{row}"].value for row in range(2, 6)] == [
        "街道型",
        "集镇型",
        "农民新村型",
        "开发小区型",
    ]
    assert shequkit.validate(path, toolkit=TOOLKIT).valid


def test_kinds_past_the_row_limit_continue_on_numbered_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_xlsx, "_SHEET_ROWS", 3)  # two records per sheet
    sample = generate_sample(SampleSpec(communities=5, seed=1))
    dataset = Dataset(meta=sample.meta, communities=sample.communities)
    path = tmp_path / "split.xlsx"

    shequkit.dump(dataset, path, toolkit=TOOLKIT)

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert names == ["填报信息", "社区", "社区(2)", "社区(3)"]
    raws = [raw for raw in TOOLKIT.read(path) if raw.kind == "community"]
    assert [raw.path for raw in raws] == [f"/communities/{i}" for i in range(5)]
    assert raws[4].location == "sheet 社区(3) row 2"
    assert shequkit.load(path, toolkit=TOOLKIT) == dataset


# -- reading hand-made workbooks ----------------------------------------------------------


def test_chinese_and_english_headers_and_sheet_names_are_accepted(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "mixed.xlsx",
        {
            "meta": [
                ["key", "value"],
                ["reporting_unit", "玄武区民政局"],
                ["period", "2024"],
                ["schema_version", "1.0"],
            ],
            "communities": [
                ["id", "division_code", "name", "households", "人口(人)", "社区类型"],
                ["c1", "320102001001", "龙潭社区", 3000, 8600, "街道型"],
            ],
        },
    )

    dataset = shequkit.load(path, toolkit=TOOLKIT)

    assert dataset.meta.reporting_unit == "玄武区民政局"
    assert dataset.communities[0].population == 8600
    assert dataset.communities[0].type is not None


def test_cells_typed_by_hand_are_converted_per_column(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "typed.xlsx",
        {
            "填报信息": [["社区建设数据填报信息"], *_META_ROWS],
            "社区": [
                [
                    "编号",
                    "统计用区划代码",
                    "社区名称",
                    "户数",
                    "人口",
                    "成立日期",
                    "城乡分类代码",
                    "实行居务公开",
                    "辖区面积(平方公里)",
                ],
                [
                    "c1",
                    320102001001,
                    "龙潭社区",
                    3000.0,
                    8600,
                    datetime.date(2001, 5, 1),
                    111,
                    True,
                    2,
                ],
            ],
        },
    )

    community = shequkit.load(path, toolkit=TOOLKIT).communities[0]

    assert community.division_code == "320102001001"
    assert community.households == 3000
    assert community.established == datetime.date(2001, 5, 1)
    assert community.urban_rural_class is not None
    assert community.urban_rural_class.value == "111"
    assert community.open_affairs is True
    assert community.area_km2 == 2.0


def test_text_in_a_number_column_is_reported_with_sheet_and_row(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "bad.xlsx",
        {
            "填报信息": _META_ROWS,
            "社区": [
                ["编号", "统计用区划代码", "社区名称", "户数(户)", "人口(人)"],
                ["c1", "320102001001", "龙潭社区", "三千", 8600],
            ],
        },
    )

    report = shequkit.validate(path, toolkit=TOOLKIT)

    (issue,) = report.issues
    assert issue.code == "SQK-E102"
    assert issue.path == "/communities/0/households"
    assert issue.location == "sheet 社区 row 2 column D (户数(户))"


def test_row_numbers_are_those_excel_shows_despite_blank_rows_and_columns(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    meta = book.active
    meta.title = "填报信息"
    for row in _META_ROWS:
        meta.append(row)
    sheet = book.create_sheet("社区")
    rows: dict[int, list[object]] = {
        3: ["编号", "统计用区划代码", "社区名称", "户数", "人口"],  # the header, in row 3
        4: ["c1", "320102001001", "龙潭社区", 3000, 8600],
        6: ["c2", "320102001002", "虎踞社区", "三千", 100, "stray"],  # row 5 left blank
    }
    for number, values in rows.items():
        for offset, value in enumerate(values):
            sheet.cell(number, 2 + offset, value)  # from column B: "stray" is in G, no header
    book.save(tmp_path / "offset.xlsx")

    report = shequkit.validate(tmp_path / "offset.xlsx", toolkit=TOOLKIT)

    found = {(issue.code, issue.path, issue.location) for issue in report.issues}
    assert ("SQK-E102", "/communities/1/households", "sheet 社区 row 6 column E (户数)") in found
    assert ("SQK-E104", "/communities/1/column G", "sheet 社区 row 6") in found


def test_unknown_sheet_and_unknown_header_are_reported(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "unknown.xlsx",
        {
            "填报信息": _META_ROWS,
            "社区": [
                ["编号", "统计用区划代码", "社区名称", "户数", "人口", "备注"],
                ["c1", "320102001001", "龙潭社区", 3000, 8600, "新建"],
            ],
            "说明": [["本表由街道填写"], ["第二行"]],
        },
    )

    report = shequkit.validate(path, toolkit=TOOLKIT)

    found = {(issue.code, issue.path) for issue in report.issues}
    assert found == {("SQK-E104", "/communities/0/备注"), ("SQK-E106", "/说明")}


def test_duplicate_headers_make_the_workbook_malformed(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "dup.xlsx",
        {"填报信息": _META_ROWS, "社区": [["编号", "户数", "households"], ["c1", 1, 2]]},
    )

    with pytest.raises(shequkit.MalformedInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F103"


def test_workbook_without_metadata_sheet_is_sqk_e109(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "nometa.xlsx", {"社区": [["编号"], ["c1"]]})

    report = shequkit.validate(path, toolkit=TOOLKIT)

    assert "SQK-E109" in report.codes()


# -- hostile and broken files ---------------------------------------------------------------


def _written(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    shequkit.convert(_json_file(tmp_path / "in.json", valid_document()), path, toolkit=TOOLKIT)
    return path


def _with_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr(name, data)
    return target


def _codes(path: Path, codec: XlsxCodec | None = None) -> str:
    with pytest.raises(shequkit.InputError) as caught:
        list((codec or XlsxCodec()).read(path, ReadOptions()))
    return caught.value.code


def test_zip_bomb_part_is_hostile(tmp_path: Path) -> None:
    bomb = _with_part(
        _written(tmp_path), tmp_path / "bomb.xlsx", "xl/media/image1.bin", bytes(20 * 1024**2)
    )

    assert bomb.stat().st_size < 200_000
    assert _codes(bomb) == "SQK-F104"
    with pytest.raises(shequkit.HostileInputError):
        shequkit.validate(bomb, toolkit=TOOLKIT)


def test_workbook_linking_other_workbooks_is_hostile(tmp_path: Path) -> None:
    path = _with_part(
        _written(tmp_path), tmp_path / "linked.xlsx", "xl/externalLinks/externalLink1.xml", b"<x/>"
    )

    assert _codes(path) == "SQK-F104"


@functools.cache
def _filler() -> bytes:
    """2 MiB of two letters: compresses about 6 times, far below the default ratio limit."""
    return bytes(random.Random(0).choices(b"ab", k=2 * 1024**2))


@pytest.mark.parametrize(
    "codec",
    [XlsxCodec(max_members=5), XlsxCodec(max_uncompressed_bytes=10_000), XlsxCodec(max_ratio=4)],
)
def test_limits_given_to_the_codec_are_enforced(tmp_path: Path, codec: XlsxCodec) -> None:
    path = _with_part(_written(tmp_path), tmp_path / "big.xlsx", "xl/media/a.bin", _filler())

    assert sum(1 for _ in XlsxCodec().read(path, ReadOptions())) == 25  # within the defaults
    assert _codes(path, codec) == "SQK-F104"


def test_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    path = _with_part(
        _written(tmp_path), tmp_path / "liar.xlsx", "xl/media/a.bin", bytes(2 * 1024**2)
    )
    data = bytearray(path.read_bytes())
    # Declare 1 KiB instead of 2 MiB in the central directory and the local header.
    central = data.rindex(b"PK\x01\x02")
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 1024)
    struct.pack_into("<I", data, local + 22, 1024)
    path.write_bytes(bytes(data))

    assert _codes(path) == "SQK-F103"


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"not a workbook at all", "not a zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls"),
    ],
)
def test_file_that_is_no_workbook_is_malformed(tmp_path: Path, content: bytes, hint: str) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)

    with pytest.raises(shequkit.MalformedInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F103"
    assert hint in caught.value.message_en


def test_zip_that_is_no_workbook_is_malformed_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")

    assert _codes(path) == "SQK-F103"


def test_xml_entities_in_a_part_are_refused_not_expanded(tmp_path: Path) -> None:
    source = _written(tmp_path)
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    dtd = '<!DOCTYPE worksheet [<!ENTITY a "AAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    parts[sheet] = parts[sheet].replace(b"?>", b"?>" + dtd.encode(), 1)
    parts[sheet] = parts[sheet].replace("玄武区民政局".encode(), b"&b;")
    path = tmp_path / "entities.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)

    assert _codes(path) == "SQK-F104"  # any DOCTYPE in a part is hostile (docs/security.md)


def test_missing_file_is_sqk_f101(tmp_path: Path) -> None:
    assert _codes(tmp_path / "nope.xlsx") == "SQK-F101"


# -- writing ------------------------------------------------------------------------------


def test_dataset_without_records_is_a_workbook_with_only_the_metadata_sheet(
    tmp_path: Path,
) -> None:
    dataset = Dataset(meta=_one_community().meta)
    path = tmp_path / "empty.xlsx"

    assert shequkit.dump(dataset, path, toolkit=TOOLKIT) == 0

    assert openpyxl.load_workbook(path).sheetnames == ["填报信息"]
    assert shequkit.load(path, toolkit=TOOLKIT) == dataset


def test_failure_while_writing_leaves_no_target_and_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = generate_sample(SampleSpec(communities=2, seed=1))
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")

    def exploding() -> Iterator[Any]:
        for number, (_, record) in enumerate(dataset.records()):
            if number == 10:
                raise KeyboardInterrupt
            yield record

    with pytest.raises(KeyboardInterrupt):
        XlsxCodec().write(target, dataset.meta, exploding())

    def fail(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_xlsx._WorkbookWriter, "finish", fail)  # after every sheet is written
    with pytest.raises(RuntimeError):
        XlsxCodec().write(target, dataset.meta, (r for _, r in dataset.records()))

    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    assert target.read_bytes() == b"previous"


@pytest.mark.parametrize(
    ("module", "action"), [("python_calamine", "read"), ("xlsxwriter", "write")]
)
def test_missing_optional_dependency_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, action: str
) -> None:
    path = _written(tmp_path)
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    dataset = _one_community()

    def act() -> object:
        if action == "read":
            return list(XlsxCodec().read(path, ReadOptions()))
        return XlsxCodec().write(tmp_path / "new.xlsx", dataset.meta, dataset.communities)

    with pytest.raises(shequkit.UsageError) as caught:
        act()

    assert caught.value.code == "SQK-U112"
    assert "pip install 'shequkit[xlsx]'" in caught.value.message_en


_REGISTERED = "xlsx" in {codec.name for codec in default_toolkit().codecs}


@pytest.mark.xfail(not _REGISTERED, reason="xlsx is not yet among the default plugins", strict=True)
def test_cli_converts_json_to_xlsx_and_back(tmp_path: Path) -> None:
    source = _json_file(tmp_path / "x.json", valid_document())
    runner = CliRunner()

    to_xlsx = runner.invoke(cli, ["convert", str(source), str(tmp_path / "x.xlsx")])
    back = runner.invoke(cli, ["convert", str(tmp_path / "x.xlsx"), str(tmp_path / "y.json")])

    assert to_xlsx.exit_code == 0, to_xlsx.output
    assert back.exit_code == 0, back.output
    assert json.loads((tmp_path / "y.json").read_text(encoding="utf-8")) == valid_document()
