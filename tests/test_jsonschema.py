"""The JSON Schemas: generated from the model, checked in without drift, enforcing the format."""

from __future__ import annotations

import copy
import datetime
import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from documents import valid_document
from shequkit._exceptions import FieldValueError
from shequkit._jsonschema import (
    DOCUMENT_SCHEMA_FILE,
    DOCUMENT_SCHEMA_ID,
    JSON_SCHEMA_DIALECT,
    RECORD_SCHEMA_FILE,
    RECORD_SCHEMA_ID,
    document_schema,
    main,
    record_schema,
    render_schemas,
    schema_for,
    write_schemas,
)
from shequkit._masking import SENSITIVE
from shequkit.codes import PhoneNumber, ServiceCategory
from shequkit.model import RECORD_KINDS, Dataset, Metadata
from shequkit.model._fields import ZH, field, non_negative, text
from strategies import datasets

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
REGENERATE = "PYTHONPATH=src python -m shequkit._jsonschema schemas/"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FORMATS = Draft202012Validator.FORMAT_CHECKER


def _load(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as stream:
        schema: dict[str, Any] = json.load(stream)
    return schema


@pytest.fixture(scope="module")
def checked_in_document_schema() -> dict[str, Any]:
    return _load(DOCUMENT_SCHEMA_FILE)


@pytest.fixture(scope="module")
def checked_in_record_schema() -> dict[str, Any]:
    return _load(RECORD_SCHEMA_FILE)


@pytest.fixture(scope="module")
def document_validator(checked_in_document_schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(checked_in_document_schema, format_checker=_FORMATS)


@pytest.fixture(scope="module")
def record_validator(checked_in_record_schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(checked_in_record_schema, format_checker=_FORMATS)


def _messages(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


# Drift and well-formedness


@pytest.mark.parametrize("name", [DOCUMENT_SCHEMA_FILE, RECORD_SCHEMA_FILE])
def test_checked_in_schema_matches_the_model(name: str) -> None:
    expected = render_schemas()[name]
    path = SCHEMA_DIR / name
    assert path.exists(), f"schemas/{name} is missing; generate it with: {REGENERATE}"
    actual = path.read_text(encoding="utf-8")
    assert json.loads(actual) == json.loads(expected), (
        f"schemas/{name} is out of date with the model; regenerate it with: {REGENERATE}"
    )
    assert actual == expected, f"schemas/{name} is not formatted as generated; run: {REGENERATE}"


def test_generation_is_deterministic() -> None:
    assert render_schemas() == render_schemas()


@pytest.mark.parametrize(
    ("name", "schema_id"),
    [(DOCUMENT_SCHEMA_FILE, DOCUMENT_SCHEMA_ID), (RECORD_SCHEMA_FILE, RECORD_SCHEMA_ID)],
)
def test_schemas_are_valid_draft_2020_12(name: str, schema_id: str) -> None:
    schema = _load(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    assert schema["$id"] == schema_id


def test_document_schema_top_level_shape(checked_in_document_schema: dict[str, Any]) -> None:
    schema = checked_in_document_schema
    assert schema["required"] == ["schema_version", "meta"]
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [
        "schema_version",
        "meta",
        *(kind.collection for kind in RECORD_KINDS),
    ]
    for kind in RECORD_KINDS:
        collection = schema["properties"][kind.collection]
        assert collection["type"] == "array"
        assert collection["items"] == {"$ref": f"#/$defs/{kind.cls.__name__}"}
        assert collection["title"] == kind.label_zh


# Every field, with its Chinese header


def _record_defs(schema: dict[str, Any], suffix: str = "") -> list[tuple[type, dict[str, Any]]]:
    return [(kind.cls, schema["$defs"][kind.cls.__name__ + suffix]) for kind in RECORD_KINDS]


def test_every_field_of_every_record_kind_has_a_chinese_title(
    checked_in_document_schema: dict[str, Any],
) -> None:
    for cls, definition in _record_defs(checked_in_document_schema):
        fields = attrs.fields(cls)
        assert list(definition["properties"]) == [a.name for a in fields], cls.__name__
        assert definition["required"] == [a.name for a in fields if a.default is attrs.NOTHING]
        assert definition["additionalProperties"] is False
        first_line = (cls.__doc__ or "").strip().splitlines()[0]
        assert definition["description"] == first_line.replace("``", "`")
        for attribute in fields:
            title = definition["properties"][attribute.name]["title"]
            assert title == attribute.metadata[ZH], f"{cls.__name__}.{attribute.name}"
            assert _CJK.search(title), f"{cls.__name__}.{attribute.name}: {title!r}"
            assert definition["properties"][attribute.name]["description"]


def test_metadata_fields_appear_in_meta_and_on_the_jsonl_meta_line(
    checked_in_document_schema: dict[str, Any], checked_in_record_schema: dict[str, Any]
) -> None:
    names = [a.name for a in attrs.fields(Metadata)]
    meta = checked_in_document_schema["$defs"]["Metadata"]
    # schema_version is stated once, at the top of the document.
    assert list(meta["properties"]) == [n for n in names if n != "schema_version"]
    line = checked_in_record_schema["$defs"]["MetadataLine"]
    assert set(line["properties"]) == {"kind", *names}
    assert {"kind", "schema_version", "reporting_unit", "period"} <= set(line["required"])
    for attribute in attrs.fields(Metadata):
        assert line["properties"][attribute.name]["title"] == attribute.metadata[ZH]


def test_every_field_appears_on_its_jsonl_line(checked_in_record_schema: dict[str, Any]) -> None:
    for cls, definition in _record_defs(checked_in_record_schema, "Line"):
        assert list(definition["properties"]) == ["kind", *(a.name for a in attrs.fields(cls))]
        assert definition["required"][0] == "kind"


def test_sensitive_fields_carry_x_sensitive(
    checked_in_document_schema: dict[str, Any], checked_in_record_schema: dict[str, Any]
) -> None:
    marked: set[str] = set()
    for cls, definition in _record_defs(checked_in_document_schema):
        for attribute in attrs.fields(cls):
            prop = definition["properties"][attribute.name]
            if attribute.metadata.get(SENSITIVE):
                assert prop.get("x-sensitive") is True, f"{cls.__name__}.{attribute.name}"
                marked.add(f"{cls.__name__}.{attribute.name}")
            else:
                assert "x-sensitive" not in prop, f"{cls.__name__}.{attribute.name}"
    assert {"Staff.name", "Staff.id_number", "Staff.phone", "VolunteerTeam.leader_name"} <= marked
    meta_prop = checked_in_document_schema["$defs"]["Metadata"]["properties"]["prepared_by"]
    assert meta_prop["x-sensitive"] is True
    line_prop = checked_in_record_schema["$defs"]["StaffLine"]["properties"]["id_number"]
    assert line_prop["x-sensitive"] is True


def test_units_bounds_and_enum_descriptions(checked_in_document_schema: dict[str, Any]) -> None:
    community = checked_in_document_schema["$defs"]["Community"]["properties"]
    assert community["households"]["type"] == "integer"
    assert community["households"]["minimum"] == 0
    assert community["households"]["x-unit"] == "户"
    assert community["satisfaction_pct"]["maximum"] == 100
    assert community["urban_rural_class"]["enum"][:2] == ["111", "112"]
    assert "111 = 主城区 = main urban area" in community["urban_rural_class"]["description"]
    funding = checked_in_document_schema["$defs"]["Funding"]["properties"]
    assert funding["amount_yuan"]["type"] == "string"
    staff = checked_in_document_schema["$defs"]["Staff"]["properties"]
    assert staff["full_time"]["default"] is True
    services = checked_in_document_schema["$defs"]["Service"]["properties"]
    assert services["target_groups"]["default"] == []


# Valid documents


def _small_document() -> dict[str, Any]:
    return {
        "schema_version": "1.0",
        "meta": {
            "reporting_unit": "玄武区民政局",
            "period": "2024-Q4",
            "prepared_at": "2025-01-10T09:30:00+08:00",
        },
        "divisions": [
            {
                "code": "320102001001",
                "name": "龙潭社区居民委员会",
                "level": "村级",
                "parent_code": "320102001000",
                "urban_rural_class": "111",
                "valid_from": "2001-05-01",
            }
        ],
        "communities": [
            {
                "id": "c1",
                "division_code": "320102001001",
                "name": "龙潭社区",
                "households": 3000,
                "population": 8600,
                "area_km2": 1.2,
                "longitude": 118.8,
                "open_affairs": True,
                "evaluation_class": "A类",
                "migrant_population": None,
            }
        ],
        "staff": [
            {
                "id": "c1-p1",
                "community_id": "c1",
                "name": "王建国",
                "role": "党组织书记",
                "phone": "025-84561234-12",
                "id_number": "11010519491231002X",
            }
        ],
        "services": [
            {
                "id": "c1-s1",
                "community_id": "c1",
                "category": "便民利民",
                "name": "家电维修",
                "charging": "低偿",
                "target_groups": ["老年人", "残疾人"],
            }
        ],
        "funding": [
            {
                "id": "c1-m1",
                "community_id": "c1",
                "year": 2024,
                "source": "财政拨款",
                "purpose": "工作经费",
                "amount_yuan": "12000.00",
            }
        ],
    }


def test_small_hand_written_document_validates(document_validator: Draft202012Validator) -> None:
    assert _messages(document_validator, _small_document()) == []


def test_shared_test_document_validates(document_validator: Draft202012Validator) -> None:
    assert _messages(document_validator, valid_document()) == []


def test_minimal_document_validates(document_validator: Draft202012Validator) -> None:
    document = {"schema_version": "1.0", "meta": {"reporting_unit": "某街道", "period": "2024"}}
    assert _messages(document_validator, document) == []


# Invalid documents: each breaks exactly one thing


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]

    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]

    def mutate(document: dict[str, Any]) -> None:
        target: Any = document
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


_INVALID = [
    # enumerations: only the official value, never the Chinese label or English name
    ("enum label", _set("divisions/0/urban_rural_class", "主城区"), "enum"),
    ("enum english name", _set("services/0/category", "CONVENIENCE"), "enum"),
    ("enum typo", _set("staff/0/role", "书记"), "enum"),
    ("enum item in array", _set("services/0/target_groups", ["老人"]), "enum"),
    # numbers
    ("negative households", _set("communities/0/households", -1), "minimum"),
    ("bool in integer field", _set("communities/0/households", True), "type"),
    ("float in integer field", _set("communities/0/population", 12.5), "type"),
    ("string in number field", _set("communities/0/area_km2", "1.2"), "type"),
    ("longitude out of range", _set("communities/0/longitude", 200), "maximum"),
    ("year out of range", _set("funding/0/year", 1900), "minimum"),
    ("amount as a number", _set("funding/0/amount_yuan", 12000), "type"),
    ("negative amount", _set("funding/0/amount_yuan", "-5.00"), "pattern"),
    ("amount with comma", _set("funding/0/amount_yuan", "12,000"), "pattern"),
    # structure
    ("extra property", _set("communities/0/extra", 1), "additionalProperties"),
    ("extra meta property", _set("meta/author", "x"), "additionalProperties"),
    ("extra top-level key", _set("comunities", []), "additionalProperties"),
    ("missing required field", _delete("communities/0/name"), "required"),
    ("null in required field", _set("communities/0/name", None), "type"),
    ("missing meta", _delete("meta"), "required"),
    ("missing schema_version", _delete("schema_version"), "required"),
    ("unsupported schema_version", _set("schema_version", "9.0"), "const"),
    ("collection not an array", _set("grids", {}), "type"),
    ("array field as string", _set("services/0/target_groups", "老年人"), "type"),
    # codes and text
    ("division code too short", _set("communities/0/division_code", "32010200100"), "pattern"),
    ("division code letters", _set("divisions/0/code", "3201020010AB"), "pattern"),
    ("division code province 9", _set("divisions/0/parent_code", "920102001000"), "pattern"),
    ("phone not normalised", _set("staff/0/phone", "138 1234 5678"), "pattern"),
    ("resident id lowercase x", _set("staff/0/id_number", "11010519491231002x"), "pattern"),
    ("blank name", _set("communities/0/name", "   "), "pattern"),
    ("empty id", _set("communities/0/id", ""), ["minLength", "pattern"]),
    ("name too long", _set("communities/0/name", "社" * 101), "maxLength"),
    ("person name with digits", _set("staff/0/name", "王2"), "pattern"),
    ("malformed period", _set("meta/period", "24"), "pattern"),
    ("malformed date", _set("divisions/0/valid_from", "2001/05/01"), "format"),
]


@pytest.mark.parametrize(("mutate", "keyword"), [pytest.param(m, k, id=n) for n, m, k in _INVALID])
def test_broken_document_fails(
    document_validator: Draft202012Validator,
    mutate: Callable[[dict[str, Any]], None],
    keyword: str | list[str],
) -> None:
    document = _small_document()
    mutate(document)
    expected = [keyword] if isinstance(keyword, str) else keyword
    found = sorted(str(error.validator) for error in document_validator.iter_errors(document))
    assert found == expected, _messages(document_validator, document)


def test_uscc_pattern_is_the_31_character_alphabet(
    checked_in_document_schema: dict[str, Any],
) -> None:
    pattern = checked_in_document_schema["$defs"]["Organisation"]["properties"]["uscc"]["pattern"]
    alphabet = set("0123456789ABCDEFGHJKLMNPQRTUWXY")
    for char in string.digits + string.ascii_uppercase + string.ascii_lowercase:
        code = f"{char}{char}320102{char * 10}"
        assert (re.search(pattern, code) is not None) == (char in alphabet), char
    assert re.search(pattern, "91350100M000100Y43")
    assert not re.search(pattern, "91350100M000100Y4")  # 17 characters


def test_phone_pattern_accepts_exactly_the_normalised_forms(
    checked_in_document_schema: dict[str, Any],
) -> None:
    pattern = checked_in_document_schema["$defs"]["Staff"]["properties"]["phone"]["pattern"]
    for written in [
        "+86 138 1234 5678",
        "(025) 8456-7890",
        "010-62345678 转 123",
        "0571 8888 6666",
        "400 123 4567",
        "800-123-4567",
    ]:
        normalised = str(PhoneNumber(written))
        assert re.search(pattern, normalised), f"{written!r} -> {normalised!r}"
    for raw in ["138 1234 5678", "02584567890", "4001234567", "1381234567", "025-1234567"]:
        assert not re.search(pattern, raw), raw


@pytest.mark.parametrize(
    "period", ["2024", "2024-06", "2024-12", "2024-Q4", "2024-H1", "24", "2024-13", "2024-Q5"]
)
def test_period_pattern_agrees_with_the_model(
    checked_in_document_schema: dict[str, Any], period: str
) -> None:
    pattern = checked_in_document_schema["$defs"]["Metadata"]["properties"]["period"]["pattern"]
    try:
        Metadata(reporting_unit="某街道", period=period)
    except FieldValueError:
        accepted = False
    else:
        accepted = True
    assert (re.search(pattern, period) is not None) == accepted


# JSONL records


def _lines(document: dict[str, Any]) -> list[dict[str, Any]]:
    lines = [{"kind": "meta", "schema_version": document["schema_version"], **document["meta"]}]
    for kind in RECORD_KINDS:
        lines.extend({"kind": kind.name, **record} for record in document.get(kind.collection, []))
    return lines


def test_jsonl_lines_validate(record_validator: Draft202012Validator) -> None:
    lines = _lines(valid_document())
    assert len(lines) > len(RECORD_KINDS)
    for line in lines:
        assert _messages(record_validator, line) == [], line


@pytest.mark.parametrize(
    "line",
    [
        pytest.param({"reporting_unit": "某街道", "period": "2024"}, id="no kind"),
        pytest.param({"kind": "meta", "reporting_unit": "某街道", "period": "2024"}, id="no ver"),
        pytest.param({"kind": "estate", "id": "x"}, id="unknown kind"),
        pytest.param(
            {"kind": "grid", "code": "320102001001", "name": "龙潭", "level": "村级"},
            id="wrong kind",
        ),
        pytest.param(
            {"kind": "equipment", "id": "e", "community_id": "c", "type": "计算机", "quantity": 0},
            id="bound",
        ),
    ],
)
def test_broken_jsonl_lines_fail(
    record_validator: Draft202012Validator, line: dict[str, Any]
) -> None:
    assert not record_validator.is_valid(line)


def test_record_schema_is_one_of_the_kinds(checked_in_record_schema: dict[str, Any]) -> None:
    kinds = checked_in_record_schema["properties"]["kind"]["enum"]
    assert kinds == ["meta", *(kind.name for kind in RECORD_KINDS)]
    assert len(checked_in_record_schema["oneOf"]) == len(kinds)
    for kind in RECORD_KINDS:
        line = checked_in_record_schema["$defs"][f"{kind.cls.__name__}Line"]
        assert line["properties"]["kind"]["const"] == kind.name


# Derivation from the model


@attrs.frozen(kw_only=True)
class _Toy:
    """A toy record for testing the generator.

    More text that is not part of the description.
    """

    id: str = text("编号", max_length=10)
    count: int = non_negative("数量", unit="个")
    rating: float | None = field("评分", default=None, minimum=0, maximum=5)
    secret: str | None = field("秘密", sensitive=True, default=None)
    kinds: tuple[ServiceCategory, ...] = field("类别", default=())
    when: datetime.date | None = field("日期", default=None)  # noqa: RUF009


def test_schema_for_derives_everything_from_the_attrs_fields() -> None:
    schema = schema_for(_Toy)
    assert schema["description"] == "A toy record for testing the generator."
    assert schema["required"] == ["id", "count"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert list(props) == ["id", "count", "rating", "secret", "kinds", "when"]
    assert props["id"] == {
        "title": "编号",
        "description": "ID.",
        "type": "string",
        "minLength": 1,
        "maxLength": 10,
        "pattern": r"\S",
    }
    assert props["count"]["type"] == "integer"
    assert props["count"]["minimum"] == 0
    assert props["count"]["x-unit"] == "个"
    assert props["rating"]["type"] == ["number", "null"]
    assert (props["rating"]["minimum"], props["rating"]["maximum"]) == (0, 5)
    assert props["secret"]["x-sensitive"] is True
    assert props["secret"]["type"] == ["string", "null"]
    assert props["kinds"]["type"] == "array"
    assert props["kinds"]["items"]["enum"] == [m.value for m in ServiceCategory]
    assert props["kinds"]["default"] == []
    assert props["when"]["format"] == "date"
    Draft202012Validator.check_schema(schema)


def test_schema_for_rejects_what_the_wire_format_cannot_encode() -> None:
    @attrs.frozen
    class Bad:
        blob: bytes = field("数据")

    with pytest.raises(TypeError, match=r"Bad\.blob"):
        schema_for(Bad)
    with pytest.raises(TypeError, match="not an attrs class"):
        schema_for(int)


def test_each_call_builds_a_fresh_schema() -> None:
    # Each call builds fresh dicts: mutating one result never leaks into the next.
    first = document_schema()
    first["$defs"]["Community"]["properties"].clear()
    assert document_schema()["$defs"]["Community"]["properties"]
    assert record_schema() == json.loads(render_schemas()[RECORD_SCHEMA_FILE])


# Writing


def test_write_schemas_writes_both_files(tmp_path: Path) -> None:
    target = tmp_path / "out"
    paths = write_schemas(target)
    assert [p.name for p in paths] == [DOCUMENT_SCHEMA_FILE, RECORD_SCHEMA_FILE]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n")
        assert "统计用区划代码" in text  # Chinese is written unescaped
        assert text == render_schemas()[path.name]
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in paths)


def test_main_writes_into_the_named_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path)]) == 0
    assert (tmp_path / DOCUMENT_SCHEMA_FILE).exists()
    assert DOCUMENT_SCHEMA_FILE in capsys.readouterr().out
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


# Documents written by the library validate


def _document_of(dataset: Dataset) -> dict[str, Any]:
    from shequkit._convert import json_converter

    document: dict[str, Any] = {
        "schema_version": "1.0",
        "meta": json_converter.unstructure(dataset.meta),
    }
    for kind in RECORD_KINDS:
        document[kind.collection] = [
            json_converter.unstructure(record) for record in getattr(dataset, kind.collection)
        ]
    return document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=datasets())
def test_any_model_dataset_unstructures_to_a_valid_document(
    document_validator: Draft202012Validator,
    record_validator: Draft202012Validator,
    dataset: Dataset,
) -> None:
    document = _document_of(dataset)
    assert _messages(document_validator, document) == []
    for line in _lines(document):
        assert _messages(record_validator, line) == []


def test_sample_document_validates(document_validator: Draft202012Validator) -> None:
    from shequkit.sample import SampleSpec, generate_sample

    dataset = generate_sample(SampleSpec(communities=20, seed=1))
    document = _document_of(dataset)
    assert sum(len(document[kind.collection]) for kind in RECORD_KINDS) > 20
    assert _messages(document_validator, copy.deepcopy(document)) == []
