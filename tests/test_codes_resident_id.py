"""Resident identity numbers (公民身份号码, GB 11643-1999) and permit numbers built alike."""

from __future__ import annotations

import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

from shequkit._exceptions import CodeError
from shequkit.codes._enums import Gender, ResidentIDKind
from shequkit.codes._resident_id import ResidentID, resident_id_check_char
from strategies_codes import (
    RESIDENT_ID_ALPHABET,
    impossible_birth_date_ids,
    resident_id_check,
    resident_ids,
    single_char_substitutions,
    with_wrong_check_char,
)

# Made-up numbers with check characters computed for these tests.
JIANGDU_MAN = "321012198506172318"
HUANGPI_WOMAN_LEAP_DAY = "420116199202290049"
ENDS_IN_X = "32101219850617118X"
HONG_KONG = "810000198808081235"
MACAO_ENDS_IN_X = "82000020010101011X"
TAIWAN = "830000197511200028"
FOREIGN_PERMANENT = "911840199005150085"  # 9, issued in 11, nationality 840
BORN_1900 = "370481190001010029"


def _error(value: object) -> CodeError:
    with pytest.raises(CodeError) as info:
        ResidentID(value)  # type: ignore[arg-type]
    return info.value


def _assert_no_raw(error: CodeError, raw: str) -> None:
    if not raw.strip():
        return
    middle = raw[4:-4]
    for text in (error.message_zh, error.message_en, str(error), repr(error.details)):
        assert raw not in text
        if len(middle) >= 4:
            assert middle not in text


# -- valid numbers ---------------------------------------------------------------------------


def test_mainland_number_gives_birth_date_gender_and_address_code() -> None:
    number = ResidentID(JIANGDU_MAN)
    assert number.birth_date == datetime.date(1985, 6, 17)
    assert number.gender is Gender.MALE
    assert number.address_code == "321012"
    assert number.kind is ResidentIDKind.MAINLAND


def test_even_sequence_digit_means_female_and_leap_day_is_a_real_date() -> None:
    number = ResidentID(HUANGPI_WOMAN_LEAP_DAY)
    assert number.gender is Gender.FEMALE
    assert number.birth_date == datetime.date(1992, 2, 29)


def test_birth_on_1900_01_01_is_accepted() -> None:
    assert ResidentID(BORN_1900).birth_date == datetime.date(1900, 1, 1)


def test_lowercase_x_check_character_is_normalised_to_upper_case() -> None:
    number = ResidentID(ENDS_IN_X.lower())
    assert str(number) == ENDS_IN_X
    assert type(str(number)) is str


@pytest.mark.parametrize("text", [HONG_KONG, MACAO_ENDS_IN_X, TAIWAN])
def test_hk_mo_tw_residence_permit_numbers_are_accepted(text: str) -> None:
    number = ResidentID(text)
    assert number.kind is ResidentIDKind.HK_MO_TW_RESIDENCE_PERMIT
    assert number.address_code == text[:6]


def test_foreign_permanent_residence_number_is_accepted_with_its_birth_date() -> None:
    number = ResidentID(FOREIGN_PERMANENT)
    assert number.kind is ResidentIDKind.FOREIGN_PERMANENT_RESIDENT
    assert number.birth_date == datetime.date(1990, 5, 15)
    assert number.gender is Gender.FEMALE


@pytest.mark.parametrize("text", [FOREIGN_PERMANENT, HONG_KONG, TAIWAN])
def test_stdnum_rejects_permit_and_foreign_numbers_that_are_accepted_here(text: str) -> None:
    # Documents why shequkit does not rely on stdnum.cn.ric.
    assert not stdnum_ric.is_valid(text)
    assert ResidentID(text) == text


def test_check_char_function_computes_the_last_character() -> None:
    assert resident_id_check_char(JIANGDU_MAN[:17]) == "8"
    assert resident_id_check_char(ENDS_IN_X[:17]) == "X"


@pytest.mark.parametrize("body", ["3210121985061723", "32101219850617231X", "3210121985061723X"])
def test_check_char_function_rejects_a_body_that_is_not_17_digits(body: str) -> None:
    with pytest.raises(CodeError) as info:
        resident_id_check_char(body)
    assert info.value.code == "SQK-E221"
    _assert_no_raw(info.value, body)


def test_parse_is_the_constructor_and_instances_pass_through() -> None:
    number = ResidentID.parse(JIANGDU_MAN)
    assert type(number) is ResidentID
    assert ResidentID(number) is number


def test_resident_id_survives_pickling() -> None:
    number = ResidentID(JIANGDU_MAN)
    copy = pickle.loads(pickle.dumps(number))
    assert copy == number
    assert type(copy) is ResidentID


# -- masking ---------------------------------------------------------------------------------


def test_masked_form_keeps_four_characters_at_each_end() -> None:
    assert ResidentID(ENDS_IN_X).masked == "3210**********118X"


def test_repr_is_masked_but_str_is_raw() -> None:
    number = ResidentID(JIANGDU_MAN)
    assert repr(number) == "ResidentID('3210**********2318')"
    assert str(number) == JIANGDU_MAN
    assert f"{number}" == JIANGDU_MAN


def test_container_repr_shows_only_the_masked_number() -> None:
    assert JIANGDU_MAN not in repr([ResidentID(JIANGDU_MAN)])


# -- malformed (SQK-E221) ------------------------------------------------------------------


def test_fifteen_digit_first_generation_number_must_be_converted() -> None:
    error = _error("321012850617231")
    assert error.code == "SQK-E221"
    assert "18" in error.message_zh
    assert "18 digits" in error.message_en
    _assert_no_raw(error, "321012850617231")


@pytest.mark.parametrize(
    "text",
    [
        JIANGDU_MAN[:17],
        JIANGDU_MAN + "1",
        "3210121985061723A8",
        "X21012198506172318",  # X only as check character
        "32101219850617X318",
        "321012 19850617231",
        "３２１０１２１９８５０６１７２３１８",  # full-width digits
        "",
        "32101219850617118x ",
    ],
)
def test_malformed_number_is_rejected_without_showing_it(text: str) -> None:
    error = _error(text)
    assert error.code == "SQK-E221"
    _assert_no_raw(error, text)


def test_non_string_input_is_malformed_and_the_message_names_its_type() -> None:
    error = _error(321012198506172318)
    assert error.code == "SQK-E221"
    assert "int" in error.message_en
    assert "321012198506172318" not in str(error)


# -- wrong check character (SQK-E222) -----------------------------------------------------


def test_wrong_check_character_is_rejected_without_showing_the_number() -> None:
    wrong = JIANGDU_MAN[:17] + "9"
    error = _error(wrong)
    assert error.code == "SQK-E222"
    assert error.details["value"] == "3210**********2319"
    _assert_no_raw(error, wrong)


# -- impossible birth date (SQK-E223) -----------------------------------------------------


@pytest.mark.parametrize(
    "born", ["19900231", "19910229", "19901301", "19900001", "19900100", "18991231"]
)
def test_impossible_birth_date_is_rejected(born: str) -> None:
    body = "420116" + born + "004"
    text = body + resident_id_check_char(body)
    error = _error(text)
    assert error.code == "SQK-E223"
    _assert_no_raw(error, text)


def test_birth_date_in_the_future_is_rejected() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    body = "420116" + tomorrow.strftime("%Y%m%d") + "004"
    assert _error(body + resident_id_check_char(body)).code == "SQK-E223"


def test_birth_date_today_is_accepted() -> None:
    body = "420116" + datetime.date.today().strftime("%Y%m%d") + "004"
    assert ResidentID(body + resident_id_check_char(body)).birth_date == datetime.date.today()


# -- properties ------------------------------------------------------------------------------


@given(resident_ids())
def test_every_generated_number_parses_and_round_trips(text: str) -> None:
    assert str(ResidentID(text)) == text


@pytest.mark.parametrize("kind", list(ResidentIDKind))
@given(data=st.data())
def test_generated_number_of_a_kind_reports_that_kind(
    kind: ResidentIDKind, data: st.DataObject
) -> None:
    text = data.draw(resident_ids(kind))
    number = ResidentID(text)
    assert number.kind is kind
    assert number.birth_date.strftime("%Y%m%d") == text[6:14]


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_char_agrees_with_the_stdnum_formula(body: str) -> None:
    assert resident_id_check_char(body) == resident_id_check(body)


@given(single_char_substitutions(resident_ids(), RESIDENT_ID_ALPHABET))
def test_changing_any_one_character_is_never_accepted(case: tuple[str, int, str]) -> None:
    _, position, corrupted = case
    error = _error(corrupted)
    # MOD 11-2 catches every single substitution, and it is checked before the date.
    if position < 17 and corrupted[position] == "X":
        assert error.code == "SQK-E221"
    else:
        assert error.code == "SQK-E222"
    _assert_no_raw(error, corrupted)


@given(with_wrong_check_char(resident_ids(), RESIDENT_ID_ALPHABET))
def test_any_wrong_check_character_is_reported_as_such(text: str) -> None:
    assert _error(text).code == "SQK-E222"


@given(impossible_birth_date_ids())
def test_correct_check_character_with_impossible_date_is_a_date_error(text: str) -> None:
    error = _error(text)
    assert error.code == "SQK-E223"
    _assert_no_raw(error, text)


@given(resident_ids())
def test_repr_never_contains_the_raw_number(text: str) -> None:
    number = ResidentID(text)
    assert text not in repr(number)
    assert text[4:14] not in repr(number)


@given(resident_ids())
def test_masked_form_stars_exactly_the_middle_ten_characters(text: str) -> None:
    masked = ResidentID(text).masked
    assert masked == text[:4] + "*" * 10 + text[-4:]
