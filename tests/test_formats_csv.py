"""CSV packages and single CSV files: layout, round trips, encodings, headers, limits, safety."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings

import shequkit
from documents import valid_document
from shequkit import json_converter
from shequkit._toolkit import DEFAULT_PLUGINS
from shequkit.cli import cli
from shequkit.formats import ReadOptions
from shequkit.formats import _csv as csv_plugin
from shequkit.formats._csv import CsvCodec
from shequkit.model import Dataset, Metadata, kind_by_name
from strategies import datasets

_PLUGIN = "shequkit.formats._csv"
# Registering the module twice is an error once it is a default plugin.
TOOLKIT = shequkit.Toolkit(plugins=[] if _PLUGIN in DEFAULT_PLUGINS else [csv_plugin])

_META = "项目,内容\r\n数据规范版本,1.0\r\n填报单位,玄武区民政局\r\n统计期,2024\r\n"
_HEADER = "编号,统计用区划代码,社区名称,户数(户),人口(人),办公地址\r\n"
_RARE = "㵘𠮷喆"  # outside GBK, outside the BMP, and a GBK character
_RARE_ROW = f"c1,320102001001,{_RARE}社区,3000,8600,喆园路㵘号\r\n"


def _document_file(tmp_path: Path, document: dict[str, object] | None = None) -> Path:
    path = tmp_path / "in.json"
    data = document if document is not None else valid_document()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
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
            assert kind is not None
            records.append(json_converter.structure(raw.data, kind.cls))
    assert meta is not None
    return Dataset.from_records(meta, records)


def _issues(path: Path, **options: str) -> list[tuple[str, str, str | None]]:
    report = shequkit.validate(path, toolkit=TOOLKIT, **options)  # type: ignore[arg-type]
    return [(issue.code, issue.path, issue.location) for issue in report.issues]


# Round trips


def test_json_to_csv_package_to_json_keeps_every_record(tmp_path: Path) -> None:
    source = _document_file(tmp_path)

    shequkit.convert(source, tmp_path / "out.zip", toolkit=TOOLKIT)
    shequkit.convert(tmp_path / "out.zip", tmp_path / "back.json", toolkit=TOOLKIT)

    back = shequkit.load(tmp_path / "back.json", toolkit=TOOLKIT)
    assert back == shequkit.load(source)
    assert len(back) == 24


def test_sample_dataset_survives_a_csv_package(tmp_path: Path) -> None:
    sample = shequkit.generate_sample(shequkit.SampleSpec(communities=5, seed=1))
    target = tmp_path / "sample.zip"

    written = shequkit.dump(sample, target, toolkit=TOOLKIT)

    assert written == len(sample)
    assert shequkit.load(target, toolkit=TOOLKIT) == sample


def _has_nul(dataset: Dataset) -> bool:
    wire = [json_converter.unstructure(record) for _, record in dataset.records()]
    return "\\u0000" in json.dumps([json_converter.unstructure(dataset.meta), wire])


@pytest.mark.parametrize("format", ["csv", "csv-gb18030"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(dataset=datasets())
def test_model_to_csv_package_to_model_is_identity(
    tmp_path: Path, format: str, dataset: Dataset
) -> None:
    assume(not _has_nul(dataset))  # CSV cannot hold NUL; see the writer test below
    path = tmp_path / "roundtrip.zip"

    shequkit.dump(dataset, path, format=format, toolkit=TOOLKIT)

    assert _read_back(path) == dataset


# Layout


def test_package_has_meta_csv_then_one_csv_per_kind_in_document_order(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    shequkit.convert(_document_file(tmp_path), target, toolkit=TOOLKIT)

    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        meta = archive.read("meta.csv")
        communities = archive.read("communities.csv")

    assert names == [
        "meta.csv",
        "divisions.csv",
        "communities.csv",
        "grids.csv",
        "organisations.csv",
        "facilities.csv",
        "services.csv",
        "staff.csv",
        "volunteer_teams.csv",
        "equipment.csv",
        "funding.csv",
        "designations.csv",
        "indicators.csv",
    ]
    assert meta.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so that Excel reads UTF-8
    meta_rows = list(csv.reader(meta.decode("utf-8-sig").splitlines()))
    assert meta_rows[:3] == [
        ["项目", "内容"],
        ["数据规范版本", "1.0"],
        ["填报单位", "玄武区民政局"],
    ]
    assert len(meta_rows) == 1 + len(attrs.fields(Metadata))
    header, row = communities.decode("utf-8-sig").split("\r\n")[:2]
    assert header.startswith("编号,统计用区划代码,社区名称,社区类型,城乡分类代码,户数(户),")
    assert row.startswith("c1,320102001001,龙潭社区,街道型,,3000,8600,")


def test_gb18030_package_is_written_with_csv_gb18030(tmp_path: Path) -> None:
    document = valid_document()
    document["communities"][0]["name"] = f"{_RARE}社区"
    target = tmp_path / "out.zip"
    source = _document_file(tmp_path, document)

    shequkit.convert(source, target, to_format="csv-gb18030", toolkit=TOOLKIT)

    data = zipfile.ZipFile(target).read("communities.csv")
    assert f"{_RARE}社区".encode("gb18030") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert shequkit.load(target, toolkit=TOOLKIT).communities[0].name == f"{_RARE}社区"
    assert TOOLKIT.codec_for(tmp_path / "x.zip").name == "csv"  # only chosen by name


def test_writing_a_single_csv_file_is_a_usage_error(tmp_path: Path) -> None:
    dataset = shequkit.load(_document_file(tmp_path))

    with pytest.raises(shequkit.UsageError) as caught:
        shequkit.dump(dataset, tmp_path / "communities.csv", toolkit=TOOLKIT)

    assert caught.value.code == "SQK-U111"
    assert ".zip" in caught.value.message_en
    assert not (tmp_path / "communities.csv").exists()


def test_text_with_a_nul_character_is_refused_by_the_writer(tmp_path: Path) -> None:
    dataset = shequkit.load(_document_file(tmp_path))
    broken = attrs.evolve(dataset.communities[0], name="龙潭\x00社区")
    dataset = attrs.evolve(dataset, communities=(broken,))

    with pytest.raises(shequkit.UsageError) as caught:
        shequkit.dump(dataset, tmp_path / "out.zip", toolkit=TOOLKIT)

    assert caught.value.code == "SQK-U110"
    assert "communities.csv" in caught.value.message_en
    assert not (tmp_path / "out.zip").exists()


# Encodings


def test_gb18030_single_csv_without_bom_is_read_exactly(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_bytes(_META.encode("gb18030"))
    data = (_HEADER + _RARE_ROW).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # real GB18030 bytes, not UTF-8 in disguise
    (tmp_path / "communities.csv").write_bytes(data)

    dataset = shequkit.load(tmp_path / "communities.csv", toolkit=TOOLKIT)

    assert dataset.meta.reporting_unit == "玄武区民政局"
    assert dataset.communities[0].name == f"{_RARE}社区"
    assert dataset.communities[0].address == "喆园路㵘号"


def test_gb18030_members_of_a_package_are_read_exactly(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "gb.zip",
        {"meta.csv": _META.encode("gb18030"), "社区.csv": (_HEADER + _RARE_ROW).encode("gb18030")},
    )

    dataset = shequkit.load(path, toolkit=TOOLKIT)

    assert dataset.communities[0].name == f"{_RARE}社区"


def test_gb18030_is_recognised_when_the_first_64_kib_are_ascii(tmp_path: Path) -> None:
    rows = "".join(f"c{n},320102001001,Longtan {n:05},3000,8600,Road\r\n" for n in range(2000))
    assert len(rows) > 64 * 1024
    path = tmp_path / "communities.csv"
    header = "id,division_code,name,households,population,address\r\n"
    path.write_bytes((header + rows).encode() + _RARE_ROW.replace("c1,", "c9,").encode("gb18030"))

    records = [raw.data for raw in TOOLKIT.read(path) if raw.kind == "community"]

    assert len(records) == 2001
    assert records[-1]["name"] == f"{_RARE}社区"


def test_utf8_with_and_without_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_bytes(b"\xef\xbb\xbf" + _META.encode())
    (tmp_path / "communities.csv").write_bytes((_HEADER + _RARE_ROW).encode())

    dataset = shequkit.load(tmp_path / "communities.csv", toolkit=TOOLKIT)

    assert dataset.meta.period == "2024"
    assert dataset.communities[0].name == f"{_RARE}社区"


@pytest.mark.parametrize(("encoding", "name"), [("gbk", "喆园社区"), ("big5", "臺灣社區")])
def test_encoding_option_overrides_detection(tmp_path: Path, encoding: str, name: str) -> None:
    meta = f"key,value\r\nschema_version,1.0\r\nreporting_unit,{name}\r\nperiod,2024\r\n"
    (tmp_path / "meta.csv").write_bytes(meta.encode(encoding))
    table = f"id,division_code,name,households,population\r\nc1,320102001001,{name},1,1\r\n"
    (tmp_path / "communities.csv").write_bytes(table.encode(encoding))

    dataset = shequkit.load(tmp_path / "communities.csv", encoding=encoding, toolkit=TOOLKIT)

    assert dataset.meta.reporting_unit == name
    assert dataset.communities[0].name == name


def test_big5_is_misread_without_the_encoding_option(tmp_path: Path) -> None:
    # Big5 bytes are valid GB18030: only --encoding can say which was meant.
    path = tmp_path / "communities.csv"
    path.write_bytes("id,name\r\nc1,臺灣社區\r\n".encode("big5"))

    records = [raw.data for raw in TOOLKIT.read(path) if raw.kind == "community"]

    assert records[0]["name"] != "臺灣社區"


def test_bytes_neither_utf8_nor_gb18030_are_an_encoding_error(tmp_path: Path) -> None:
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            b"\x80".decode(encoding)
    path = tmp_path / "communities.csv"
    path.write_bytes(b"id,name\r\nc1,\x80\r\n")

    with pytest.raises(shequkit.EncodingError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F102"
    assert caught.value.details["offset"] == 12
    assert "communities.csv" in caught.value.message_en
    assert "--encoding" in caught.value.message_en


def test_a_bad_byte_after_the_first_chunk_is_an_encoding_error_with_its_offset(
    tmp_path: Path,
) -> None:
    head = (_HEADER + _RARE_ROW * 3000).encode()
    assert len(head) > 64 * 1024
    path = tmp_path / "communities.csv"
    path.write_bytes(head + b"c2,\xff\r\n")

    with pytest.raises(shequkit.EncodingError) as caught:
        list(TOOLKIT.read(path))

    assert caught.value.details["offset"] == len(head) + 3
    assert caught.value.details["row"] == 3002
    assert "--encoding" in caught.value.message_en


def test_unknown_encoding_name_is_an_encoding_error(tmp_path: Path) -> None:
    (tmp_path / "communities.csv").write_bytes(_HEADER.encode())

    with pytest.raises(shequkit.EncodingError) as caught:
        list(TOOLKIT.read(tmp_path / "communities.csv", options=ReadOptions(encoding="nope")))

    assert caught.value.code == "SQK-F102"


# Headers and cells


@pytest.mark.parametrize(
    "header",
    [
        "id,division_code,name,households,population",
        "编号,统计用区划代码,社区名称,户数(户),人口(人)",
        "编号, 统计用区划代码 ,社区名称,户数,人口(人)",
        "ID,Division_Code,Name,户数 (户),population",
    ],
)
def test_english_and_chinese_headers_are_accepted(tmp_path: Path, header: str) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(f"{header}\r\nc1,320102001001,龙潭社区,3000,8600\r\n", encoding="utf-8")

    community = shequkit.load(path, toolkit=TOOLKIT).communities[0]

    assert (community.id, community.households, community.population) == ("c1", 3000, 8600)


def test_unknown_header_is_reported_at_its_path(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER.replace("办公地址", "备注") + _RARE_ROW, encoding="utf-8")

    assert _issues(path) == [("SQK-E104", "/communities/0/备注", "communities.csv row 2")]


def test_a_value_under_an_empty_header_is_reported_by_column(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER.replace("\r\n", ",,\r\n") + _RARE_ROW[:-2] + ",,x\r\n", "utf-8")

    assert _issues(path) == [("SQK-E104", "/communities/0/column H", "communities.csv row 2")]


def test_duplicate_headers_are_malformed(tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_text("id,户数,households\r\nc1,1,2\r\n", encoding="utf-8")

    with pytest.raises(shequkit.MalformedInputError) as caught:
        list(TOOLKIT.read(path))

    assert caught.value.code == "SQK-F103"


def test_bad_integer_cell_is_reported_with_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER + "\r\nc1,320102001001,龙潭社区,三千,8600,\r\n", encoding="utf-8")

    # Row 2 is blank: skipped, but still counted as a spreadsheet counts it.
    assert _issues(path) == [("SQK-E102", "/communities/0/households", "communities.csv row 3")]


def test_empty_cells_are_absent_values(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER + "c1,320102001001,龙潭社区,, ,\r\n", encoding="utf-8")

    codes = {(code, pointer) for code, pointer, _ in _issues(path)}

    assert codes == {
        ("SQK-E101", "/communities/0/households"),
        ("SQK-E101", "/communities/0/population"),
    }


def test_missing_meta_csv_is_reported_as_missing_metadata(tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER + _RARE_ROW, encoding="utf-8")

    assert [code for code, _, _ in _issues(path)] == ["SQK-E109"]


def test_a_single_csv_named_after_no_kind_is_an_unknown_kind(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    path = tmp_path / "communities-2024.csv"
    path.write_text(_HEADER + _RARE_ROW, encoding="utf-8")

    assert _issues(path) == [("SQK-E106", "/communities-2024", "communities-2024.csv")]


def test_meta_csv_alone_is_a_document_without_records(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")

    report = shequkit.validate(tmp_path / "meta.csv", toolkit=TOOLKIT)

    assert (report.valid, report.records) == (True, 0)


def test_meta_csv_items_may_be_english_and_the_header_row_may_be_missing(tmp_path: Path) -> None:
    meta = "reporting_unit,玄武区民政局\r\n统计期,2024\r\nschema_version,1.0\r\n备注,x\r\n"
    (tmp_path / "meta.csv").write_text(meta, encoding="utf-8")
    path = tmp_path / "communities.csv"
    path.write_text(_HEADER + _RARE_ROW, encoding="utf-8")

    raws = list(TOOLKIT.read(path))

    assert raws[0].data == {
        "reporting_unit": "玄武区民政局",
        "period": "2024",
        "schema_version": "1.0",
        "备注": "x",
    }
    assert _issues(path) == [("SQK-E104", "/meta/备注", "meta.csv")]


def test_meta_csv_saved_from_the_xlsx_form_is_read(tmp_path: Path) -> None:
    meta = "填报信息,,\r\n项目,内容,说明\r\n数据规范版本,1.0,请勿修改\r\n填报单位,玄武区民政局,\r\n"
    (tmp_path / "meta.csv").write_text(meta + "统计期,2024,如 2024\r\n填表人,,\r\n", "utf-8")

    raws = list(TOOLKIT.read(tmp_path / "meta.csv"))

    assert raws[0].data == {
        "schema_version": "1.0",
        "reporting_unit": "玄武区民政局",
        "period": "2024",
    }


def test_a_meta_value_without_an_item_is_malformed(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META + ",玄武区\r\n", encoding="utf-8")

    with pytest.raises(shequkit.MalformedInputError) as caught:
        list(TOOLKIT.read(tmp_path / "meta.csv"))

    assert caught.value.details["row"] == 5


def test_a_repeated_meta_item_is_malformed(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META + "reporting_unit,另一单位\r\n", encoding="utf-8")

    with pytest.raises(shequkit.MalformedInputError) as caught:
        list(TOOLKIT.read(tmp_path / "meta.csv"))

    assert caught.value.details["row"] == 5


@pytest.mark.parametrize("name", ["=1+2", "+86 社区", "-社区", "@SUM(A1)", "'引号社区", "\t制表"])
def test_formula_leading_text_is_neutralised_and_read_back(tmp_path: Path, name: str) -> None:
    document = valid_document()
    document["communities"][0]["name"] = name
    target = tmp_path / "out.zip"

    shequkit.convert(_document_file(tmp_path, document), target, toolkit=TOOLKIT)

    raw = zipfile.ZipFile(target).read("communities.csv").decode("utf-8-sig")
    assert f",'{name}," in raw
    assert shequkit.load(target, toolkit=TOOLKIT).communities[0].name == name


# Package members


def test_chinese_member_names_and_junk_are_handled(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "in.zip",
        {
            "数据/": b"",
            "数据/meta.csv": _META.encode(),
            "数据/社区.csv": (_HEADER + _RARE_ROW).encode("gb18030"),
            "__MACOSX/数据/._社区.csv": b"\x00\x05\x16\x07",
            "数据/.DS_Store": b"\x00\x00",
            "数据/readme.txt": b"hello",
        },
    )

    assert _issues(path) == [("SQK-E106", "/readme.txt", "数据/readme.txt")]


def test_member_names_in_gbk_from_chinese_windows_are_recognised(tmp_path: Path) -> None:
    placeholder = "xxxx.csv"
    name = "社区.csv".encode("gbk")
    assert len(name) == len(placeholder)
    path = _zip(
        tmp_path / "in.zip",
        {"meta.csv": _META.encode(), placeholder: (_HEADER + _RARE_ROW).encode()},
    )
    # zipfile always writes UTF-8 names; patch in the GBK bytes Windows would write.
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), name))

    assert shequkit.load(path, toolkit=TOOLKIT).communities[0].name == f"{_RARE}社区"


@pytest.mark.parametrize("member", ["../evil.csv", "/etc/communities.csv", "a/../../b.csv"])
def test_unsafe_member_paths_are_hostile(tmp_path: Path, member: str) -> None:
    path = _zip(tmp_path / "in.zip", {"meta.csv": _META.encode(), member: b"id\r\n"})

    with pytest.raises(shequkit.HostileInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F104"


def test_a_member_larger_than_the_limit_is_hostile(tmp_path: Path) -> None:
    path = _zip(tmp_path / "in.zip", {"meta.csv": _META.encode(), "grids.csv": b"id\r\n" * 100})

    with pytest.raises(shequkit.HostileInputError) as caught:
        list(CsvCodec(max_member_bytes=300).read(path, ReadOptions()))

    assert caught.value.code == "SQK-F104"
    assert list(CsvCodec(max_member_bytes=400).read(path, ReadOptions()))


def test_too_many_members_are_hostile(tmp_path: Path) -> None:
    path = _zip(tmp_path / "in.zip", {f"x{n}.csv": b"id\r\n" for n in range(101)})

    with pytest.raises(shequkit.HostileInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F104"


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", {"grids.csv": b"id\r\n" + b"," * (4 * 1024**2)})

    with pytest.raises(shequkit.HostileInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert "zip bomb" in caught.value.message_en


def test_a_file_that_is_not_a_zip_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "in.zip"
    path.write_bytes(b"PK\x03\x04 definitely not a zip")

    with pytest.raises(shequkit.MalformedInputError):
        shequkit.validate(path, toolkit=TOOLKIT)


# Limits and malformed input


@pytest.mark.parametrize("packaged", [False, True])
def test_nul_byte_is_malformed(tmp_path: Path, packaged: bool) -> None:
    data = (_HEADER + _RARE_ROW).encode() + b"c2,320102001001,x\x00y,1,1,\r\n"
    path = tmp_path / "communities.csv"
    path.write_bytes(data)
    if packaged:
        path = _zip(tmp_path / "in.zip", {"meta.csv": _META.encode(), "communities.csv": data})

    with pytest.raises(shequkit.MalformedInputError) as caught:
        shequkit.validate(path, toolkit=TOOLKIT)

    assert caught.value.code == "SQK-F103"
    assert "row 3 of communities.csv" in caught.value.message_en


def test_utf16_without_bom_is_refused_as_not_csv_text(tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_bytes("id,name\r\nc1,x\r\n".encode("utf-16-le"))

    with pytest.raises(shequkit.MalformedInputError, match="UTF-16"):
        list(TOOLKIT.read(path))


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_bytes(("id,name\r\nc1," + _RARE + "\r\n").encode("utf-16"))

    records = [raw.data for raw in TOOLKIT.read(path) if raw.kind == "community"]

    assert records == [{"id": "c1", "name": _RARE}]


@pytest.mark.parametrize("row", ['c2,"a"b\r\n', 'c2,"unclosed\r\nc3,x\r\n'])
def test_broken_quoting_is_malformed_with_its_row(tmp_path: Path, row: str) -> None:
    path = tmp_path / "communities.csv"
    path.write_text("id,name\r\nc1,ok\r\n" + row, encoding="utf-8")

    with pytest.raises(shequkit.MalformedInputError) as caught:
        list(TOOLKIT.read(path))

    assert caught.value.details["row"] == 3


@pytest.mark.parametrize(
    "row", ["c1," + "x" * 300 + "\r\n", 'c1,"' + "x\r\n" * 100 + '"\r\n'], ids=["line", "quoted"]
)
def test_a_row_longer_than_the_limit_is_hostile(tmp_path: Path, row: str) -> None:
    path = tmp_path / "communities.csv"
    path.write_text("id,name\r\n" + row, encoding="utf-8")

    with pytest.raises(shequkit.HostileInputError) as caught:
        list(TOOLKIT.read(path, options=ReadOptions(max_line_bytes=200)))

    assert caught.value.details["row"] == 2


def test_large_fields_are_read_and_the_global_field_limit_is_restored(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    big = "龙" * (before + 10)
    path = tmp_path / "communities.csv"
    path.write_text(f'id,address\r\nc1,"{big}"\r\n', encoding="utf-8")

    records = [raw.data for raw in TOOLKIT.read(path) if raw.kind == "community"]

    assert records == [{"id": "c1", "address": big}]
    assert csv.field_size_limit() == before


def test_multiline_and_quoted_cells_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_text('id,address\r\nc1,"第一行\r\n第二行,""引号"""\r\nc2,x\r\n', encoding="utf-8")

    records = [raw for raw in TOOLKIT.read(path) if raw.kind == "community"]

    assert records[0].data["address"] == '第一行\r\n第二行,"引号"'
    assert records[1].location == "communities.csv row 3"


# Streaming and atomic writing


def test_reading_a_package_streams_rows_before_the_end(tmp_path: Path) -> None:
    row = "e{n},c1,计算机,1,{pad}\r\n"
    rows = "".join(row.format(n=n, pad="f" * 100) for n in range(1000))
    data = ("编号,所属社区编号,设备类型,数量,所在设施编号\r\n" + rows).encode() + b"e,c1,\x00\r\n"
    assert len(data) > 64 * 1024
    path = _zip(tmp_path / "big.zip", {"meta.csv": _META.encode(), "equipment.csv": data})

    records = CsvCodec().read(path, ReadOptions())
    first = [next(records) for _ in range(1001)]

    assert first[0].kind == "meta"
    assert [raw.index for raw in first[1:]] == list(range(1000))
    assert first[-1].location == "equipment.csv row 1001"
    with pytest.raises(shequkit.MalformedInputError):
        next(records)


def test_writer_failure_midway_leaves_no_target_and_no_temporary_files(tmp_path: Path) -> None:
    source = _document_file(tmp_path)
    loaded = shequkit.load(source)

    def exploding():  # type: ignore[no-untyped-def]
        for number, (_kind, record) in enumerate(loaded.records()):
            if number == 10:
                raise KeyboardInterrupt
            yield record

    with pytest.raises(KeyboardInterrupt):
        CsvCodec().write(tmp_path / "out.zip", loaded.meta, exploding())

    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_invalid_data_is_not_converted_and_the_old_target_is_kept(tmp_path: Path) -> None:
    (tmp_path / "meta.csv").write_text(_META, encoding="utf-8")
    (tmp_path / "communities.csv").write_text(_HEADER + "c1,320102001001,x,三千,1,\r\n", "utf-8")
    target = tmp_path / "out.json"
    target.write_text("previous\n", encoding="utf-8")

    with pytest.raises(shequkit.DataError):
        shequkit.convert(tmp_path / "communities.csv", target, toolkit=TOOLKIT)

    assert target.read_text(encoding="utf-8") == "previous\n"


# Plugin and command line


def test_csv_formats_are_listed_with_their_abilities() -> None:
    formats = {info.name: info for info in TOOLKIT.formats()}

    assert formats["csv"].extensions == (".zip", ".csv")
    assert (formats["csv"].streams, formats["csv"].reads, formats["csv"].writes) == (True,) * 3
    assert formats["csv-gb18030"].extensions == ()


@pytest.mark.xfail(
    _PLUGIN not in DEFAULT_PLUGINS,
    reason="the CLI uses the default toolkit, which does not load the CSV plugin yet",
    strict=True,
)
def test_cli_converts_json_to_a_csv_package_and_on_to_jsonl(tmp_path: Path) -> None:
    source = _document_file(tmp_path)
    runner = CliRunner()

    to_zip = runner.invoke(cli, ["convert", str(source), str(tmp_path / "out.zip")])
    to_jsonl = runner.invoke(cli, ["convert", str(tmp_path / "out.zip"), str(tmp_path / "o.jsonl")])

    assert to_zip.exit_code == 0, to_zip.output
    assert to_jsonl.exit_code == 0, to_jsonl.output
    assert shequkit.load(tmp_path / "o.jsonl") == shequkit.load(source)
