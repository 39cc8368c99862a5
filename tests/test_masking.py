"""Masking of personal data, the Sensitive protocol, and personal names (姓名)."""

from __future__ import annotations

import ast
import pathlib
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import shequkit._masking as masking
from shequkit._exceptions import CodeError
from shequkit._masking import (
    SENSITIVE,
    Sensitive,
    mask_name,
    mask_phone,
    mask_resident_id,
    mask_text,
)
from shequkit.codes._division import DivisionCode
from shequkit.codes._person_name import PersonName
from shequkit.codes._phone import PhoneNumber
from shequkit.codes._resident_id import ResidentID
from shequkit.codes._uscc import USCC
from strategies_codes import mobile_numbers, person_names, resident_ids

# -- mask_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [("abcdef", "a****f"), ("abc", "a*c"), ("ab", "**"), ("a", "*"), ("", ""), (" xyz ", "x*z")],
)
def test_mask_text_keeps_first_and_last_character(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@given(st.text())
def test_mask_text_shows_at_most_two_characters(text: str) -> None:
    masked = mask_text(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    assert sum(ch != "*" for ch in masked) <= 2
    if len(stripped) > 2:
        assert masked[1:-1] == "*" * (len(stripped) - 2)


# -- mask_resident_id ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("32010219900307123X", "3201**********123X"),
        ("320102199003071", "320*********071"),
        ("3201021990", "32******90"),
        ("1234567", "1*****7"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_resident_id_masks_valid_and_malformed_numbers(text: str, masked: str) -> None:
    assert mask_resident_id(text) == masked


@given(st.text())
def test_mask_resident_id_never_shows_more_than_half(text: str) -> None:
    masked = mask_resident_id(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    shown = sum(a == b and a != "*" for a, b in zip(masked, stripped, strict=True))
    assert shown <= len(stripped) // 2


@given(st.text("0123456789X", min_size=9, max_size=30))
def test_mask_resident_id_never_returns_the_raw_value(text: str) -> None:
    assert mask_resident_id(text) != text


# -- mask_phone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("8613812345678", "86138****5678"),
        ("025-84567890", "025-8****890"),
        ("0514-8612345", "0514-8***345"),
        ("025-84567890-123", "025-8****890-***"),
        ("400-123-4567", "400-1**-*567"),
        ("1381234567", "1********7"),
        ("call 13812345678", "**** 138****5678"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone_examples(text: str, masked: str) -> None:
    assert mask_phone(text) == masked


@given(st.text())
def test_mask_phone_keeps_length_and_stars_every_letter(text: str) -> None:
    masked = mask_phone(text)
    stripped = text.strip()
    assert len(masked) == len(stripped)
    for raw, out in zip(stripped, masked, strict=True):
        assert out in (raw, "*")
        if not ("0" <= raw <= "9" or raw in " -+()"):
            assert out == "*"


@given(st.text("0123456789", min_size=5, max_size=20))
def test_mask_phone_stars_at_least_three_digits_of_any_digit_string(text: str) -> None:
    masked = mask_phone(text)
    assert masked.count("*") >= 3


@given(mobile_numbers())
def test_mask_phone_stars_the_middle_of_a_mobile_number(text: str) -> None:
    assert mask_phone(text)[3:7] == "****"


# -- mask_name -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("欧阳", "欧*"),  # a name no longer than the compound surname keeps one character
        ("王", "*"),
        ("John Smith", "J*********"),
        (" 李四 ", "李*"),
        ("", ""),
    ],
)
def test_mask_name_keeps_the_surname(text: str, masked: str) -> None:
    assert mask_name(text) == masked


@given(person_names())
def test_mask_name_shows_at_most_two_characters(text: str) -> None:
    masked = mask_name(text)
    assert len(masked) == len(text)
    assert sum(ch != "*" for ch in masked) <= 2
    assert masked != text


# -- module contract -------------------------------------------------------------------------


def test_sensitive_metadata_key_is_stable() -> None:
    assert SENSITIVE == "shequkit.sensitive"


def test_masking_module_does_not_import_the_codes_package() -> None:
    # The code types import _masking; the other way round would be a cycle.
    tree = ast.parse(pathlib.Path(masking.__file__).read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
        elif isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
    assert not [name for name in imported if name.startswith("shequkit")]


def test_sensitive_code_types_satisfy_the_protocol() -> None:
    assert isinstance(ResidentID("32101219850617118X"), Sensitive)
    assert isinstance(PhoneNumber("13812345678"), Sensitive)
    assert isinstance(PersonName("张三"), Sensitive)


def test_non_sensitive_values_do_not_satisfy_the_protocol() -> None:
    assert not isinstance(DivisionCode("320102001001"), Sensitive)
    assert not isinstance(USCC("51320102MJ5012345K"), Sensitive)
    assert not isinstance("13812345678", Sensitive)


@given(resident_ids())
def test_code_types_mask_through_the_masking_functions(text: str) -> None:
    assert ResidentID(text).masked == mask_resident_id(text)


# -- personal names (PersonName) -------------------------------------------------------------


def test_name_is_stored_stripped_and_str_is_raw() -> None:
    name = PersonName("  张三 ")
    assert str(name) == "张三"
    assert type(str(name)) is str


def test_chinese_numeral_characters_are_letters_not_digits() -> None:
    assert PersonName("张三") == "张三"
    assert PersonName("王五") == "王五"


@pytest.mark.parametrize(
    "text", ["阿卜杜拉·艾合买提", "Mary-Jane O'Neil", "José Álvarez", "欧阳娜娜", "x" * 64]
)
def test_names_of_other_forms_are_accepted(text: str) -> None:
    assert PersonName(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 65,
        "张3",
        "张３",  # full-width digit
        "Agent 007",
        "张\x00三",
        "张\n三",
        "张\t三",
        "张\x7f三",
        "张\u2028三",
    ],
)
def test_invalid_name_is_rejected(text: str) -> None:
    with pytest.raises(CodeError) as info:
        PersonName(text)
    assert info.value.code == "SQK-E241"


def test_invalid_name_error_shows_it_masked() -> None:
    with pytest.raises(CodeError) as info:
        PersonName("诸葛孔明2")
    assert "孔明" not in info.value.message_zh
    assert "孔明" not in info.value.message_en
    assert info.value.details["value"] == "诸葛***"


def test_too_long_name_error_does_not_show_it() -> None:
    text = "Wolfeschlegelsteinhausenbergerdorff" * 2
    with pytest.raises(CodeError) as info:
        PersonName(text)
    assert "schlegel" not in str(info.value)


def test_non_string_name_is_rejected_naming_its_type() -> None:
    with pytest.raises(CodeError) as info:
        PersonName(42)  # type: ignore[arg-type]
    assert info.value.code == "SQK-E241"
    assert "int" in info.value.message_en


def test_name_repr_is_masked() -> None:
    assert repr(PersonName("欧阳娜娜")) == "PersonName('欧阳**')"


def test_parse_is_the_constructor_and_instances_pass_through() -> None:
    name = PersonName.parse("张三")
    assert type(name) is PersonName
    assert PersonName(name) is name


def test_person_name_survives_pickling() -> None:
    name = PersonName("张三")
    assert pickle.loads(pickle.dumps(name)) == name


@given(person_names())
def test_every_generated_name_parses_and_round_trips(text: str) -> None:
    assert str(PersonName(text)) == text


@given(person_names())
def test_name_repr_shows_only_the_masked_form(text: str) -> None:
    name = PersonName(text)
    assert repr(name) == f"PersonName({mask_name(text)!r})"
    assert text not in repr(name)[len("PersonName(") :]
