"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from shequkit._exceptions import CodeError
from shequkit.codes._uscc import USCC, uscc_check_char
from strategies_codes import (
    USCC_ALPHABET,
    single_char_substitutions,
    uscc_check,
    usccs,
    with_wrong_check_char,
)

# Shaped like real codes; check characters computed here, not copied from anywhere.
SOCIAL_ORGANISATION = "51320102MJ5012345K"  # civil affairs (5), social organisation (1)
PRIVATE_NON_ENTERPRISE = "52370481MJ4012345U"  # civil affairs (5), 民办非企业单位 (2)
LETTER_FIRST_N = "N2321012MA1X2Y3R4U"  # agriculture department (N)
LETTER_FIRST_Y = "Y1420116MB0A7C8D9Y"  # other departments (Y)


def _error_code(value: object) -> str:
    with pytest.raises(CodeError) as info:
        USCC(value)  # type: ignore[arg-type]
    return info.value.code


# -- valid codes -----------------------------------------------------------------------------


def test_civil_affairs_social_organisation_code_is_accepted_with_its_parts() -> None:
    code = USCC(SOCIAL_ORGANISATION)
    assert code.department == "5"
    assert code.organisation_type == "1"
    assert code.division == "320102"
    assert code.organisation_code == "MJ5012345"
    assert code.check_char == "K"


def test_private_non_enterprise_unit_code_is_accepted() -> None:
    assert USCC(PRIVATE_NON_ENTERPRISE).organisation_type == "2"


@pytest.mark.parametrize("text", [LETTER_FIRST_N, LETTER_FIRST_Y])
def test_letter_first_uscc_with_valid_check_char_is_accepted(text: str) -> None:
    code = USCC(text)
    assert str(code) == text
    assert code.department == text[0]


def test_letter_first_uscc_is_rejected_by_stdnum_but_accepted_here() -> None:
    # Documents why shequkit computes the check character itself.
    assert not stdnum_uscc.is_valid(LETTER_FIRST_N)
    assert USCC(LETTER_FIRST_N) == LETTER_FIRST_N


def test_lowercase_input_is_accepted_and_upper_cased() -> None:
    code = USCC(SOCIAL_ORGANISATION.lower())
    assert str(code) == SOCIAL_ORGANISATION
    assert type(str(code)) is str


def test_check_char_function_computes_the_last_character() -> None:
    assert uscc_check_char(SOCIAL_ORGANISATION[:17]) == "K"
    assert uscc_check_char(LETTER_FIRST_N[:17]) == "U"
    assert uscc_check_char(LETTER_FIRST_N[:17].lower()) == "U"


@pytest.mark.parametrize("body", ["51320102MJ501234", "51320102MJ5012345K", "5132010OMJ5012345"])
def test_check_char_function_rejects_a_body_that_is_not_17_uscc_characters(body: str) -> None:
    with pytest.raises(CodeError) as info:
        uscc_check_char(body)
    assert info.value.code == "SQK-E211"


def test_repr_shows_the_code_because_it_is_not_personal_data() -> None:
    assert repr(USCC(SOCIAL_ORGANISATION)) == f"USCC('{SOCIAL_ORGANISATION}')"


def test_parse_is_the_constructor_and_instances_pass_through() -> None:
    code = USCC.parse(SOCIAL_ORGANISATION)
    assert type(code) is USCC
    assert USCC(code) is code


def test_uscc_survives_pickling() -> None:
    code = USCC(LETTER_FIRST_Y)
    assert pickle.loads(pickle.dumps(code)) == code


# -- malformed (SQK-E211) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "51320102MJ5OI1234",  # the catalogue's example: 17 characters, O and I
        SOCIAL_ORGANISATION[:17],
        SOCIAL_ORGANISATION + "0",
        "51320102MJ5012I45K",  # I is not in the alphabet
        "51320102MJ5012O45K",
        "51320102MJ5012Z45K",
        "51320102MJ5012S45K",
        "51320102MJ5012V45K",
        "5132A102MJ5012345K",  # division part must be digits
        "51-20102MJ5012345K",
        "",
        " 51320102MJ5012345K",
    ],
)
def test_malformed_code_is_rejected(text: str) -> None:
    assert _error_code(text) == "SQK-E211"


def test_non_string_input_is_malformed_and_the_message_names_its_type() -> None:
    with pytest.raises(CodeError) as info:
        USCC(None)  # type: ignore[arg-type]
    assert info.value.code == "SQK-E211"
    assert "NoneType" in info.value.message_en


def test_malformed_message_names_the_forbidden_characters() -> None:
    with pytest.raises(CodeError) as info:
        USCC("51320102MJ5012I45K")
    assert "I" in info.value.message_en


# -- wrong check character (SQK-E212) -----------------------------------------------------


def test_wrong_check_character_is_rejected_with_the_expected_one_named() -> None:
    with pytest.raises(CodeError) as info:
        USCC(SOCIAL_ORGANISATION[:17] + "0")
    assert info.value.code == "SQK-E212"
    assert info.value.details["expected"] == "K"
    assert "K" in info.value.message_en


# -- properties ------------------------------------------------------------------------------


@given(usccs())
def test_every_generated_code_parses_and_round_trips(text: str) -> None:
    assert str(USCC(text)) == text


@given(usccs().map(str.lower))
def test_lowercase_generated_codes_parse_to_upper_case(text: str) -> None:
    assert str(USCC(text)) == text.upper()


_BODIES = st.builds(
    lambda head, division, tail: head + division + tail,
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)


@given(_BODIES)
def test_check_char_agrees_with_the_stdnum_formula(body: str) -> None:
    assert uscc_check_char(body) == uscc_check(body)


@given(usccs(letter_first=False))
def test_digit_first_generated_codes_agree_with_stdnum(text: str) -> None:
    # stdnum also insists on a digit in position 2.
    if text[1].isdigit():
        assert stdnum_uscc.is_valid(text)
    assert USCC(text) == text


@given(
    st.text("0123456789", min_size=8, max_size=8),
    st.text(USCC_ALPHABET, min_size=10, max_size=10),
)
def test_acceptance_matches_stdnum_for_all_digit_first_eight_codes(head: str, tail: str) -> None:
    text = head + tail
    try:
        USCC(text)
    except CodeError:
        accepted = False
    else:
        accepted = True
    assert accepted == stdnum_uscc.is_valid(text)


@given(single_char_substitutions(usccs(), USCC_ALPHABET))
def test_changing_any_one_character_is_never_accepted(case: tuple[str, int, str]) -> None:
    _, position, corrupted = case
    with pytest.raises(CodeError) as info:
        USCC(corrupted)
    if 2 <= position <= 7 and not corrupted[position].isdigit():
        assert info.value.code == "SQK-E211"
    else:
        assert info.value.code == "SQK-E212"


@given(with_wrong_check_char(usccs(), USCC_ALPHABET))
def test_any_wrong_check_character_is_reported_as_such(text: str) -> None:
    assert _error_code(text) == "SQK-E212"
