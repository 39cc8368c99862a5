"""Phone numbers (电话号码): mobile, landline and 400/800 service numbers."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequkit._exceptions import CodeError
from shequkit.codes._phone import PhoneKind, PhoneNumber
from strategies_codes import (
    landline_numbers,
    mobile_numbers,
    phone_inputs,
    service_numbers,
)


def _error(value: object) -> CodeError:
    with pytest.raises(CodeError) as info:
        PhoneNumber(value)  # type: ignore[arg-type]
    return info.value


# -- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("(+86) 13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("86 138 1234 5678", "13812345678"),
        ("  19912345678 ", "19912345678"),
    ],
)
def test_mobile_numbers_are_stored_as_eleven_digits(written: str, stored: str) -> None:
    number = PhoneNumber(written)
    assert str(number) == stored
    assert number.kind is PhoneKind.MOBILE


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("025-84567890", "025-84567890"),
        ("02584567890", "025-84567890"),
        ("025 8456 7890", "025-84567890"),
        ("(025)84567890", "025-84567890"),
        ("(025) 8456-7890", "025-84567890"),
        ("（025）84567890", "025-84567890"),
        ("010-8456789", "010-8456789"),
        ("0108456789", "010-8456789"),
        ("0514-86123456", "0514-86123456"),
        ("051486123456", "0514-86123456"),
        ("0571 8612345", "0571-8612345"),
        ("025-84567890-123", "025-84567890-123"),
        ("025-84567890 123", "025-84567890-123"),
        ("025-84567890转123", "025-84567890-123"),
        ("025-84567890 分机 8", "025-84567890-8"),
        ("025-84567890 ext. 123456", "025-84567890-123456"),
        ("025-84567890x12", "025-84567890-12"),
        ("025-84567890#12", "025-84567890-12"),
        ("(025)84567890-123", "025-84567890-123"),
        ("02584567890-123", "025-84567890-123"),
        ("+86 25 8456 7890", "025-84567890"),
        ("+86-514-86123456", "0514-86123456"),
        ("0086 10 84567890", "010-84567890"),
    ],
)
def test_landlines_are_stored_as_area_code_dash_number(written: str, stored: str) -> None:
    number = PhoneNumber(written)
    assert str(number) == stored
    assert number.kind is PhoneKind.LANDLINE


def test_landline_area_code_and_extension_are_available() -> None:
    number = PhoneNumber("0514-86123456-12")
    assert number.area_code == "0514"
    assert number.extension == "12"
    assert PhoneNumber("025-84567890").extension is None
    assert PhoneNumber("13812345678").area_code is None


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
        ("400 123 4567", "400-123-4567"),
        ("400-1234567", "400-123-4567"),
        ("800-810-8888", "800-810-8888"),
    ],
)
def test_service_numbers_are_stored_in_three_groups(written: str, stored: str) -> None:
    number = PhoneNumber(written)
    assert str(number) == stored
    assert number.kind is PhoneKind.SERVICE


def test_phone_kind_labels_are_the_chinese_terms() -> None:
    assert [kind.value for kind in PhoneKind] == ["手机", "固定电话", "服务热线"]
    assert PhoneKind.parse("固定电话") is PhoneKind.LANDLINE


def test_parse_is_the_constructor_and_instances_pass_through() -> None:
    number = PhoneNumber.parse("13812345678")
    assert type(number) is PhoneNumber
    assert PhoneNumber(number) is number


def test_phone_number_survives_pickling() -> None:
    number = PhoneNumber("025-84567890-123")
    assert pickle.loads(pickle.dumps(number)) == number


# -- malformed (SQK-E231) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1234567",  # the catalogue's example: no area code
        "2381234567",
        "84567890",
        "12812345678",  # mobile numbers start 13-19
        "1381234567",  # 10 digits
        "138123456789",
        "+86 12812345678",
        "025-01234567",  # a local number never starts with 0 or 1
        "025-14567890",
        "025-845678",  # 6 digits
        "025-845678901",  # 9 digits
        "025-84567890-1234567",  # extension longer than 6 digits
        "025-84567890转",
        "025-84567890转12转3",
        "0258-4567890",  # 025 is a 3-digit area code
        "02-584567890",
        "011-84567890",  # no such area code
        "00-84567890",
        "025-8456789a",
        "4001234567 转 1",
        "401-123-4567",
        "+86 400 123 4567",
        "tel:13812345678",
        "１３８１２３４５６７８",  # full-width digits
        "",
        "   ",
    ],
)
def test_malformed_number_is_rejected(text: str) -> None:
    assert _error(text).code == "SQK-E231"


def test_malformed_number_error_shows_it_masked() -> None:
    error = _error("1381234567")
    assert "1234" not in error.message_zh
    assert "1234" not in error.message_en
    assert error.details["value"] == "1********7"


def test_non_string_input_is_malformed_and_the_message_names_its_type() -> None:
    error = _error(13812345678)
    assert error.code == "SQK-E231"
    assert "int" in error.message_en
    assert "13812345678" not in str(error)


# -- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("13812345678", "138****5678"),
        ("025-84567890", "025-8****890"),
        ("010-8456789", "010-8***789"),
        ("0514-86123456-12", "0514-8****456-**"),
        ("400-123-4567", "400-1**-*567"),
    ],
)
def test_masked_form_of_each_kind(written: str, masked: str) -> None:
    number = PhoneNumber(written)
    assert number.masked == masked
    assert repr(number) == f"PhoneNumber('{masked}')"


def test_str_is_the_raw_normalised_number() -> None:
    assert str(PhoneNumber("+86 138 1234 5678")) == "13812345678"


# -- properties ------------------------------------------------------------------------------


@given(st.one_of(mobile_numbers(), landline_numbers(), service_numbers()))
def test_every_normalised_number_parses_and_round_trips(text: str) -> None:
    assert str(PhoneNumber(text)) == text


@given(phone_inputs())
def test_written_forms_normalise_to_the_stored_form(case: tuple[str, str]) -> None:
    written, stored = case
    assert str(PhoneNumber(written)) == stored


@given(mobile_numbers())
def test_mobile_masking_hides_the_middle_four_digits(text: str) -> None:
    number = PhoneNumber(text)
    assert number.masked == text[:3] + "****" + text[7:]
    assert text not in repr(number)


@given(landline_numbers())
def test_landline_masking_hides_all_but_first_and_last_three_local_digits(text: str) -> None:
    number = PhoneNumber(text)
    area, local, *extension = text.split("-")
    expected = f"{area}-{local[0]}{'*' * (len(local) - 4)}{local[-3:]}"
    if extension:
        expected += "-" + "*" * len(extension[0])
    assert number.masked == expected
    assert local not in repr(number)


@given(st.one_of(mobile_numbers(), landline_numbers(), service_numbers()))
def test_repr_never_contains_the_raw_number(text: str) -> None:
    assert text not in repr(PhoneNumber(text))
