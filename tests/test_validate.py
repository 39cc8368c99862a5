"""Validation: every kind of problem is caught with its own code and the right JSON pointer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import shequkit
from documents import DIRECTOR_ID, LETTER_FIRST_USCC, SECRETARY_ID, SOCIAL_ORG_USCC, valid_document
from shequkit import json_converter
from shequkit.validate import CATALOGUE
from shequkit.validate._catalogue import EXCEPTION_CODES


def _codes_at(report: shequkit.Report) -> set[tuple[str, str]]:
    return {(issue.code, issue.path) for issue in report.issues}


def _replace_last(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:-1] + next(c for c in alphabet if c != code[-1])


def test_hand_made_document_is_valid() -> None:
    report = shequkit.validate(valid_document())

    assert report.valid, report.to_text()
    assert report.issues == []
    assert report.records == 24


@pytest.mark.parametrize(
    ("mutate", "code", "path"),
    [
        pytest.param(
            lambda d: d["organisations"][3].update(uscc=_replace_last(SOCIAL_ORG_USCC)),
            "SQK-E212",
            "/organisations/3/uscc",
            id="uscc-check-char",
        ),
        pytest.param(
            lambda d: d["organisations"][4].update(uscc=_replace_last(LETTER_FIRST_USCC)),
            "SQK-E212",
            "/organisations/4/uscc",
            id="letter-first-uscc-check-char",
        ),
        pytest.param(
            lambda d: d["organisations"][3].update(uscc="51320102MJ50I2345X"),
            "SQK-E211",
            "/organisations/3/uscc",
            id="uscc-bad-alphabet",
        ),
        pytest.param(
            lambda d: d["staff"][0].update(
                id_number=SECRETARY_ID[:-1] + ("0" if SECRETARY_ID[-1] != "0" else "1")
            ),
            "SQK-E222",
            "/staff/0/id_number",
            id="resident-id-check-digit",
        ),
        pytest.param(
            lambda d: d["divisions"][4].update(parent_code="320104001000"),
            "SQK-E305",
            "/divisions/4/parent_code",
            id="parent-not-prefix",
        ),
        pytest.param(
            lambda d: d["divisions"][3].update(level="村级"),
            "SQK-E306",
            "/divisions/3/level",
            id="level-contradicts-code",
        ),
        pytest.param(
            lambda d: d["services"][0].update(charging="半价"),
            "SQK-E103",
            "/services/0/charging",
            id="unknown-enum-label",
        ),
        pytest.param(
            lambda d: d["services"][0].update(target_groups=["老年人", "外星人"]),
            "SQK-E103",
            "/services/0/target_groups/1",
            id="unknown-enum-in-list",
        ),
        pytest.param(
            lambda d: d["services"][0].update(provider_id="c1-o99"),
            "SQK-E301",
            "/services/0/provider_id",
            id="dangling-reference",
        ),
        pytest.param(
            lambda d: d["grids"][1].update(community_id="c404"),
            "SQK-E301",
            "/grids/1/community_id",
            id="dangling-community",
        ),
        pytest.param(
            lambda d: d["organisations"][4].update(uscc=SOCIAL_ORG_USCC),
            "SQK-E303",
            "/organisations/4/uscc",
            id="duplicate-uscc",
        ),
        pytest.param(
            lambda d: d["facilities"][1].update(id="c1-f1"),
            "SQK-E302",
            "/facilities/1/id",
            id="duplicate-id",
        ),
        pytest.param(
            lambda d: d["grids"][1].update(households=1100),
            "SQK-E304",
            "/communities/0/households",
            id="grid-totals",
        ),
        pytest.param(
            lambda d: d["communities"][0].pop("households"),
            "SQK-E101",
            "/communities/0/households",
            id="missing-required",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(households="3000"),
            "SQK-E102",
            "/communities/0/households",
            id="string-for-integer",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(open_affairs="false"),
            "SQK-E102",
            "/communities/0/open_affairs",
            id="string-for-boolean",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(househlds=3),
            "SQK-E104",
            "/communities/0/househlds",
            id="unknown-field",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(satisfaction_pct=120),
            "SQK-E105",
            "/communities/0/satisfaction_pct",
            id="percentage-above-100",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(division_code="320102001000"),
            "SQK-E307",
            "/communities/0/division_code",
            id="community-not-village-level",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(division_code="3201020010011"),
            "SQK-E201",
            "/communities/0/division_code",
            id="division-code-13-digits",
        ),
        pytest.param(
            lambda d: d["communities"][0].update(division_code="320102700001"),
            "SQK-E202",
            "/communities/0/division_code",
            id="township-part-out-of-range",
        ),
        pytest.param(
            lambda d: d["staff"][1].update(gender="男"),
            "SQK-E310",
            "/staff/1/gender",
            id="gender-contradicts-id",
        ),
        pytest.param(
            lambda d: d["staff"][1].update(phone="12345"),
            "SQK-E231",
            "/staff/1/phone",
            id="bad-phone",
        ),
        pytest.param(
            lambda d: (
                d["services"][0].update(provider_id="c2-o1")
                or d["organisations"].append(
                    {
                        "id": "c2-o1",
                        "community_id": "c2",
                        "type": "业主委员会",
                        "name": "别处业委会",
                    }
                )
                or d["communities"].append(
                    dict(d["communities"][0], id="c2", division_code="320102001002", name="别处")
                )
            ),
            "SQK-E313",
            "/services/0/provider_id",
            id="reference-across-communities",
        ),
        pytest.param(
            lambda d: d["organisations"][2].update(parent_id="c1-o1"),
            "SQK-E316",
            "/organisations/2/parent_id",
            id="subcommittee-under-party-organisation",
        ),
        pytest.param(
            lambda d: d["meta"].update(reporting_division="370481000000"),
            "SQK-E315",
            "/communities/0/division_code",
            id="outside-reporting-division",
        ),
        pytest.param(
            lambda d: d.update(schema_version="9.9"),
            "SQK-E107",
            "/schema_version",
            id="unsupported-schema-version",
        ),
        pytest.param(lambda d: d.pop("meta"), "SQK-E109", "/meta", id="metadata-missing"),
        pytest.param(
            lambda d: d.update(buildings=[{"id": "b1"}]),
            "SQK-E106",
            "/buildings",
            id="unknown-record-kind",
        ),
        pytest.param(
            lambda d: d["grids"].append(7),
            "SQK-E108",
            "/grids/2",
            id="record-not-an-object",
        ),
    ],
)
def test_each_problem_is_reported_with_its_code_and_path(mutate: Any, code: str, path: str) -> None:
    document = valid_document()
    mutate(document)

    report = shequkit.validate(document)

    assert (code, path) in _codes_at(report), report.to_text()
    if code.startswith("SQK-E"):
        assert not report.valid


def test_warnings_do_not_make_a_report_invalid() -> None:
    document = valid_document()
    document["communities"][0]["population"] = 2000
    document["communities"][0]["division_code"] = "320102001201"
    document["divisions"][4]["code"] = "320102001201"

    report = shequkit.validate(document)

    assert report.valid, report.to_text()
    assert report.codes() == {"SQK-W308", "SQK-W309"}


def test_every_problem_of_one_record_is_reported_not_only_the_first() -> None:
    document = valid_document()
    document["communities"][0].update(households=-1, population="many", type="城中村")
    del document["communities"][0]["name"]

    report = shequkit.validate(document)

    assert {issue.path for issue in report.issues} >= {
        "/communities/0/households",
        "/communities/0/population",
        "/communities/0/type",
        "/communities/0/name",
    }


def test_references_to_a_structurally_broken_record_are_not_reported_twice() -> None:
    document = valid_document()
    document["communities"][0]["households"] = -5

    report = shequkit.validate(document)

    assert report.codes() == {"SQK-E105"}


@pytest.mark.parametrize(
    "garbage",
    [
        {},
        {"schema_version": "1.0", "meta": None},
        {"schema_version": 1, "meta": [], "communities": {}},
        {"schema_version": "1.0", "meta": {"period": "24"}, "staff": [None, [], "x", {"id": 3}]},
        {
            "schema_version": "1.0",
            "meta": {"reporting_unit": "x", "period": "2024"},
            "communities": [
                {
                    "id": "c",
                    "division_code": 320102001001,
                    "name": "",
                    "households": 1.5,
                    "population": True,
                    "longitude": "120",
                    "established": "2024-02-30",
                }
            ],
        },
    ],
)
def test_validate_never_raises_for_invalid_data(garbage: dict[str, Any]) -> None:
    report = shequkit.validate(garbage)

    assert not report.valid
    assert all(issue.code in CATALOGUE for issue in report.issues)


def test_sensitive_values_are_masked_in_text_json_and_junit() -> None:
    document = valid_document()
    document["staff"][0]["id_number"] = _replace_last(SECRETARY_ID)
    document["staff"][2]["phone"] = "1381234567"  # one digit short
    document["staff"][2]["name"] = "李强2"  # digits are not allowed in a name
    document["staff"].append(dict(document["staff"][1], id="c1-p4", phone="13812345678"))

    report = shequkit.validate(document)
    outputs = [report.to_text(), report.to_json(), report.to_junit_xml(), repr(report)]

    assert {"SQK-E222", "SQK-E231", "SQK-E241", "SQK-E303"} <= report.codes()
    for raw in (_replace_last(SECRETARY_ID), DIRECTOR_ID, "1381234567", "李强2"):
        for output in outputs:
            assert raw not in output
    shown = report.to_text(show_sensitive=True)
    assert _replace_last(SECRETARY_ID) in shown


def test_json_rendering_has_the_documented_shape() -> None:
    document = valid_document()
    document["services"][0]["charging"] = "半价"

    data = json.loads(shequkit.validate(document).to_json())

    assert data["valid"] is False
    assert data["records"] == 24
    issue = data["issues"][0]
    assert {"code", "severity", "path", "message_zh", "message_en", "value"} <= issue.keys()
    assert issue["severity"] == "error"
    assert data["summary"]["by_code"] == {"SQK-E103": 1}


def test_junit_xml_has_one_failure_per_error_and_a_passing_case_when_valid() -> None:
    document = valid_document()
    document["services"][0]["charging"] = "半价"
    document["grids"][1]["households"] = 1

    failing = etree.fromstring(shequkit.validate(document).to_junit_xml().encode())
    passing = etree.fromstring(shequkit.validate(valid_document()).to_junit_xml().encode())

    assert failing.get("failures") == "2"
    assert len(failing.findall(".//failure")) == 2
    assert passing.get("failures") == "0"
    assert len(passing.findall("testcase")) == 1


def test_max_issues_keeps_counting_beyond_the_limit() -> None:
    document = valid_document()
    document["staff"] = [{"id": f"x{i}"} for i in range(10)]

    report = shequkit.validate(document, max_issues=3)

    assert len(report.issues) == 3
    assert report.dropped > 0
    assert report.error_count == 3 + report.dropped


def test_a_dataset_object_is_checked_semantically() -> None:
    document = valid_document()
    dataset = shequkit.Dataset(
        meta=json_converter.structure(document["meta"], shequkit.Metadata),
        grids=tuple(json_converter.structure(g, shequkit.Grid) for g in document["grids"]),
    )

    report = shequkit.validate(dataset)

    assert ("SQK-E301", "/grids/0/community_id") in _codes_at(report)


@pytest.mark.parametrize("province", ["32", "37", "42", "11", "65"])
def test_every_sample_validates_without_any_issue(province: str) -> None:
    dataset = shequkit.generate_sample(
        shequkit.SampleSpec(communities=30, seed=3, province=province)
    )

    report = shequkit.validate(dataset)

    assert report.issues == [], report.to_text()
    assert report.records == len(dataset)


def test_every_code_used_in_the_sources_is_catalogued() -> None:
    root = Path(__file__).parent.parent
    used = {
        code
        for path in [*root.glob("src/**/*.py"), *root.glob("plugins/*/src/**/*.py")]
        for code in re.findall(r"SQK-[A-Z][0-9]{3}", path.read_text(encoding="utf-8"))
    }

    assert used <= CATALOGUE.keys() | EXCEPTION_CODES.keys()
