"""The canonical JSON document and JSONL: round trips, strict parsing, streaming, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import shequkit
from documents import valid_document
from shequkit import json_converter
from shequkit._toolkit import default_toolkit
from shequkit.formats import JsonCodec, JsonlCodec, ReadOptions
from shequkit.model import Dataset, Metadata, kind_by_name
from strategies import datasets

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_back(path: Path) -> Dataset:
    """Structure every raw record of ``path`` without semantic checks."""
    meta = None
    records = []
    for raw in default_toolkit().read(path):
        if raw.kind == "meta":
            meta = json_converter.structure(raw.data, Metadata)
        else:
            kind = kind_by_name(raw.kind)
            assert kind is not None
            records.append(json_converter.structure(raw.data, kind.cls))
    assert meta is not None
    return Dataset.from_records(meta, records)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@_SETTINGS
@given(dataset=datasets())
def test_model_to_file_to_model_is_identity(tmp_path: Path, suffix: str, dataset: Dataset) -> None:
    path = tmp_path / f"roundtrip{suffix}"

    shequkit.dump(dataset, path)

    assert _read_back(path) == dataset


@_SETTINGS
@given(dataset=datasets())
def test_unstructure_then_structure_is_identity_for_every_record(dataset: Dataset) -> None:
    for kind, record in dataset.records():
        assert json_converter.structure(json_converter.unstructure(record), kind.cls) == record


def test_json_document_has_schema_version_meta_and_one_array_per_kind(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.json"

    shequkit.convert(source, target)
    document = json.loads(target.read_text(encoding="utf-8"))

    assert document["schema_version"] == "1.0"
    assert document["meta"]["reporting_unit"] == "玄武区民政局"
    assert isinstance(document["communities"], list)
    assert shequkit.load(target) == shequkit.load(source)


def test_jsonl_has_a_meta_line_then_one_record_per_line_with_a_kind(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.jsonl"

    shequkit.convert(source, target)
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]

    assert lines[0]["kind"] == "meta"
    assert lines[0]["schema_version"] == "1.0"
    assert {line["kind"] for line in lines[1:]} >= {"community", "grid", "staff", "division"}
    assert len(lines) == 1 + 24
    assert shequkit.load(target) == shequkit.load(source)


def test_jsonl_lines_in_any_order_with_meta_last_convert_and_validate(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
    ordered = tmp_path / "ordered.jsonl"
    shequkit.convert(source, ordered)
    lines = ordered.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")

    assert shequkit.validate(shuffled).valid
    shequkit.convert(shuffled, tmp_path / "back.json")
    back, original = shequkit.load(tmp_path / "back.json"), shequkit.load(source)
    assert set(back.records()) == set(original.records())
    assert back.meta == original.meta


def test_jsonl_reading_streams_records_before_the_end_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    good = json.dumps(
        {"kind": "equipment", "id": "e", "community_id": "c", "type": "计算机", "quantity": 1},
        ensure_ascii=False,
    )
    path.write_text("\n".join([good] * 1000) + "\n{broken\n", encoding="utf-8")

    records = JsonlCodec().read(path, ReadOptions())
    first = [next(records) for _ in range(1000)]

    assert len(first) == 1000
    with pytest.raises(shequkit.MalformedInputError) as caught:
        next(records)
    assert caught.value.code == "SQK-F103"
    assert ":1001" in caught.value.message_en


@pytest.mark.parametrize(
    ("content", "error", "code"),
    [
        (b'{"schema_version": "1.0", "meta": {', shequkit.MalformedInputError, "SQK-F103"),
        (b'{"a": 1, "a": 2}', shequkit.MalformedInputError, "SQK-F103"),
        (b'{"x": NaN}', shequkit.MalformedInputError, "SQK-F103"),
        (b"[1, 2]", shequkit.MalformedInputError, "SQK-F103"),
        ('{"name": "龙潭"}'.encode("gb18030"), shequkit.EncodingError, "SQK-F102"),
        (b"[" * 100_000 + b"]" * 100_000, shequkit.HostileInputError, "SQK-F104"),
    ],
)
def test_unreadable_json_raises_a_shequkit_error_with_a_code(
    tmp_path: Path, content: bytes, error: type[Exception], code: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)

    with pytest.raises(error) as caught:
        shequkit.validate(path)

    assert isinstance(caught.value, shequkit.ShequkitError)
    assert caught.value.code == code


def test_json_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(valid_document(), ensure_ascii=False).encode())

    assert shequkit.validate(path).valid


def test_missing_file_and_unknown_extension_have_codes(tmp_path: Path) -> None:
    with pytest.raises(shequkit.InputNotFoundError) as missing:
        shequkit.validate(tmp_path / "nope.json")
    (tmp_path / "data.txt").write_text("{}", encoding="utf-8")
    with pytest.raises(shequkit.UnknownFormatError) as unknown:
        shequkit.validate(tmp_path / "data.txt")

    assert missing.value.code == "SQK-F101"
    assert unknown.value.code == "SQK-F105"


def test_convert_of_invalid_data_writes_nothing_and_keeps_the_old_target(tmp_path: Path) -> None:
    document = valid_document()
    document["grids"][1]["households"] = 1  # only detectable at the end of the input
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.jsonl"
    target.write_text("previous contents\n", encoding="utf-8")

    with pytest.raises(shequkit.DataError) as caught:
        shequkit.convert(source, target)

    assert caught.value.report.codes() == {"SQK-E304"}
    assert target.read_text(encoding="utf-8") == "previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.jsonl"]


def test_writer_failure_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")
    loaded = shequkit.load(source)

    def exploding():  # type: ignore[no-untyped-def]
        for number, (_kind, record) in enumerate(loaded.records()):
            if number == 10:
                raise KeyboardInterrupt
            yield record

    for codec in (JsonCodec(), JsonlCodec()):
        target = tmp_path / f"out.{codec.name}"
        with pytest.raises(KeyboardInterrupt):
            codec.write(target, loaded.meta, exploding())
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json"]


def test_written_files_get_the_usual_permissions_not_0600(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(valid_document(), ensure_ascii=False), encoding="utf-8")

    shequkit.convert(source, tmp_path / "out.jsonl")

    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == source.stat().st_mode & 0o777
