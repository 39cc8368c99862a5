"""12-digit statistical division codes (统计用区划代码)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequkit._exceptions import CodeError
from shequkit.codes._division import DivisionCode, _structure_problem
from shequkit.codes._enums import DivisionLevel, TownshipKind, VillageKind
from strategies_codes import PROVINCES, division_codes


def _error_code(value: object) -> str:
    with pytest.raises(CodeError) as info:
        DivisionCode(value)  # type: ignore[arg-type]
    return info.value.code


# -- valid codes -----------------------------------------------------------------------------


def test_community_code_under_a_street_has_village_level_and_its_parts() -> None:
    code = DivisionCode("320102001001")
    assert (code.province, code.city, code.county, code.township, code.village) == (
        "32",
        "01",
        "02",
        "001",
        "001",
    )
    assert code.level is DivisionLevel.VILLAGE
    assert code.township_kind is TownshipKind.STREET
    assert code.village_kind is VillageKind.RESIDENTS_COMMITTEE
    assert code.prefix == "320102001001"


@pytest.mark.parametrize(
    ("text", "level", "prefix"),
    [
        ("320000000000", DivisionLevel.PROVINCE, "32"),
        ("321000000000", DivisionLevel.CITY, "3210"),
        ("321012000000", DivisionLevel.COUNTY, "321012"),
        ("321012100000", DivisionLevel.TOWNSHIP, "321012100"),
        ("321012100201", DivisionLevel.VILLAGE, "321012100201"),
    ],
)
def test_level_and_prefix_follow_the_deepest_non_zero_part(
    text: str, level: DivisionLevel, prefix: str
) -> None:
    code = DivisionCode(text)
    assert code.level is level
    assert code.prefix == prefix


@pytest.mark.parametrize(
    ("township", "kind"),
    [
        ("001", TownshipKind.STREET),
        ("099", TownshipKind.STREET),
        ("100", TownshipKind.TOWN),
        ("199", TownshipKind.TOWN),
        ("200", TownshipKind.TOWNSHIP),
        ("399", TownshipKind.TOWNSHIP),
        ("400", TownshipKind.SPECIAL),
        ("599", TownshipKind.SPECIAL),
    ],
)
def test_township_part_ranges_map_to_street_town_township_and_special(
    township: str, kind: TownshipKind
) -> None:
    assert DivisionCode(f"420116{township}000").township_kind is kind


@pytest.mark.parametrize(
    ("village", "kind"),
    [
        ("001", VillageKind.RESIDENTS_COMMITTEE),
        ("199", VillageKind.RESIDENTS_COMMITTEE),
        ("200", VillageKind.VILLAGERS_COMMITTEE),
        ("399", VillageKind.VILLAGERS_COMMITTEE),
        ("400", VillageKind.SPECIAL),
        ("599", VillageKind.SPECIAL),
    ],
)
def test_village_part_ranges_map_to_committee_kinds(village: str, kind: VillageKind) -> None:
    assert DivisionCode(f"370481100{village}").village_kind is kind


def test_kinds_are_none_above_their_level() -> None:
    county = DivisionCode("370481000000")
    assert county.township_kind is None
    assert county.village_kind is None
    assert DivisionCode("370481100000").village_kind is None


def test_parent_zeroes_only_the_deepest_non_zero_part() -> None:
    assert DivisionCode("320102001001").parent == "320102001000"
    assert DivisionCode("320102001000").parent == "320102000000"
    assert DivisionCode("320102000000").parent == "320100000000"
    assert DivisionCode("320100000000").parent == "320000000000"
    assert DivisionCode("320000000000").parent is None


def test_parent_is_a_division_code() -> None:
    parent = DivisionCode("320102001001").parent
    assert isinstance(parent, DivisionCode)
    assert parent.level is DivisionLevel.TOWNSHIP


def test_ancestors_are_listed_nearest_first_up_to_the_province() -> None:
    assert DivisionCode("420116001002").ancestors() == [
        "420116001000",
        "420116000000",
        "420100000000",
        "420000000000",
    ]
    assert DivisionCode("420000000000").ancestors() == []


def test_is_ancestor_of_requires_a_deeper_code_with_the_same_prefix() -> None:
    county = DivisionCode("321012000000")
    assert county.is_ancestor_of(DivisionCode("321012100201"))
    assert county.is_ancestor_of(DivisionCode("321012100000"))
    assert not county.is_ancestor_of(county)
    assert not county.is_ancestor_of(DivisionCode("321000000000"))
    assert not county.is_ancestor_of(DivisionCode("321013100201"))


def test_is_ancestor_of_accepts_plain_strings_and_rejects_invalid_ones() -> None:
    county = DivisionCode("321012000000")
    assert county.is_ancestor_of("321012100201")
    assert not county.is_ancestor_of("3210121002")


def test_province_is_ancestor_of_a_code_whose_city_starts_with_zero() -> None:
    assert DivisionCode("320000000000").is_ancestor_of(DivisionCode("320102000000"))
    assert not DivisionCode("320100000000").is_ancestor_of(DivisionCode("321000000000"))


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("32", "320000000000"),
        ("3210", "321000000000"),
        ("321012", "321012000000"),
        ("321012100", "321012100000"),
        ("321012100201", "321012100201"),
    ],
)
def test_from_prefix_pads_with_zeros(prefix: str, expected: str) -> None:
    code = DivisionCode.from_prefix(prefix)
    assert code == expected
    assert isinstance(code, DivisionCode)


@pytest.mark.parametrize("prefix", ["3", "320", "32101", "3210121001", ""])
def test_from_prefix_of_a_length_no_level_has_is_malformed(prefix: str) -> None:
    with pytest.raises(CodeError) as info:
        DivisionCode.from_prefix(prefix)
    assert info.value.code == "SQK-E201"


def test_from_prefix_of_an_unknown_province_is_structurally_invalid() -> None:
    with pytest.raises(CodeError) as info:
        DivisionCode.from_prefix("99")
    assert info.value.code == "SQK-E202"


def test_parse_is_the_constructor() -> None:
    assert DivisionCode.parse("320102001001") == DivisionCode("320102001001")
    assert type(DivisionCode.parse("320102001001")) is DivisionCode


def test_str_is_the_plain_digits_and_repr_shows_them() -> None:
    code = DivisionCode("320102001001")
    assert str(code) == "320102001001"
    assert type(str(code)) is str
    assert repr(code) == "DivisionCode('320102001001')"


def test_a_division_code_passed_again_is_returned_unchanged() -> None:
    code = DivisionCode("320102001001")
    assert DivisionCode(code) is code


def test_division_code_survives_pickling() -> None:
    code = DivisionCode("320102001001")
    copy = pickle.loads(pickle.dumps(code))
    assert copy == code
    assert type(copy) is DivisionCode


def test_instances_have_no_instance_dict() -> None:
    assert not hasattr(DivisionCode("320102001001"), "__dict__")


# -- malformed (SQK-E201) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "32010200100",  # 11 digits
        "3201020010010",  # 13 digits
        "32010200100A",
        " 320102001001",
        "320102001001 ",
        "３２０１０２００１００１",  # full-width digits are not ASCII
        "٣٢٠١٠٢٠٠١٠٠١",  # Arabic-Indic digits match \\d but are not ASCII
        "",
    ],
)
def test_value_that_is_not_twelve_ascii_digits_is_malformed(text: str) -> None:
    assert _error_code(text) == "SQK-E201"


def test_non_string_input_is_malformed_and_the_message_names_its_type() -> None:
    with pytest.raises(CodeError) as info:
        DivisionCode(320102001001)  # type: ignore[arg-type]
    assert info.value.code == "SQK-E201"
    assert "int" in info.value.message_en
    assert "int" in info.value.message_zh


def test_malformed_code_error_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="SQK-E201"):
        DivisionCode("123")


# -- structurally invalid (SQK-E202) -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "000000000000",  # no province 00
        "100000000000",
        "990000000000",
        "720000000000",
        "320000001000",  # township under a zero city
        "320100000001",  # village under a zero township
        "320001000000",  # county under a zero city
        "320102600000",  # township 600
        "320102999000",
        "320102700001",  # the catalogue's example
        "320102001600",  # village 600
        "320102001999",
    ],
)
def test_impossible_structure_is_rejected(text: str) -> None:
    assert _error_code(text) == "SQK-E202"


def test_structure_error_names_the_offending_part() -> None:
    with pytest.raises(CodeError) as info:
        DivisionCode("320102700001")
    assert "700" in info.value.message_zh
    assert "700" in info.value.message_en
    assert info.value.details["value"] == "320102700001"


@pytest.mark.parametrize("province", PROVINCES)
def test_every_known_province_code_is_accepted(province: str) -> None:
    assert DivisionCode(province + "0" * 10).level is DivisionLevel.PROVINCE


# -- properties ------------------------------------------------------------------------------


@given(division_codes())
def test_every_generated_code_parses_and_round_trips(text: str) -> None:
    assert str(DivisionCode(text)) == text


@pytest.mark.parametrize("level", list(DivisionLevel))
@given(data=st.data())
def test_generated_code_of_a_level_reports_that_level(
    level: DivisionLevel, data: st.DataObject
) -> None:
    code = DivisionCode(data.draw(division_codes(level)))
    assert code.level is level
    assert len(code.prefix) == level.prefix_length


@given(division_codes())
def test_every_ancestor_is_ancestor_of_the_code_and_one_level_up(text: str) -> None:
    code = DivisionCode(text)
    ancestors = code.ancestors()
    assert len(ancestors) == code.level.depth
    for depth, ancestor in zip(range(code.level.depth - 1, -1, -1), ancestors, strict=True):
        assert ancestor.level.depth == depth
        assert ancestor.is_ancestor_of(code)
        assert not code.is_ancestor_of(ancestor)


@given(division_codes())
def test_from_prefix_of_a_codes_prefix_gives_the_code_back(text: str) -> None:
    code = DivisionCode(text)
    assert DivisionCode.from_prefix(code.prefix) == code


@given(st.text("0123456789", min_size=12, max_size=12))
def test_twelve_digit_string_is_either_valid_or_structurally_invalid(text: str) -> None:
    # The hot-path regex and the diagnostic checks must agree on every 12-digit string.
    problem = _structure_problem(text)
    if problem is None:
        assert str(DivisionCode(text)) == text
    else:
        assert _error_code(text) == "SQK-E202"


@given(st.text(max_size=14))
def test_arbitrary_text_that_is_not_twelve_ascii_digits_is_malformed(text: str) -> None:
    if len(text) == 12 and all("0" <= ch <= "9" for ch in text):
        return
    assert _error_code(text) == "SQK-E201"
