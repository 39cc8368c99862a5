"""Resident identity numbers (公民身份号码, GB 11643-1999) and numbers built the same way."""

from __future__ import annotations

import datetime
import operator
import re
from typing import Final, Self

from shequkit._exceptions import CodeError
from shequkit._masking import mask_resident_id
from shequkit.codes._base import SensitiveCode, not_text
from shequkit.codes._enums import Gender, ResidentIDKind

__all__ = ["ResidentID", "resident_id_check_char"]

_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
_BODY: Final = re.compile(r"[0-9]{17}")
_FIRST_GENERATION: Final = re.compile(r"[0-9]{15}")
_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"  # indexed by the weighted sum mod 11 (ISO 7064 MOD 11-2)
_ORDINAL_OFFSET: Final = ord("0") * sum(_WEIGHTS)
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)
# Births before this year are certainly not in the future; later ones ask the clock.
_YEAR_AT_IMPORT: Final = str(datetime.date.today().year)
_PERMIT_PREFIXES: Final = frozenset({"81", "82", "83"})  # 810000 HK, 820000 MO, 830000 TW


def resident_id_check_char(first17: str) -> str:
    """The check character (校验码) for the first 17 digits of an identity number.

    Raises:
        CodeError: ``SQK-E221`` when ``first17`` is not 17 ASCII digits (the
            message shows the value masked).
    """
    if not isinstance(first17, str) or _BODY.fullmatch(first17) is None:
        shown = mask_resident_id(first17) if isinstance(first17, str) else type(first17).__name__
        raise CodeError(
            f"“{shown}”不是身份号码的前 17 位数字",
            f"{shown!r} is not the first 17 digits of an identity number",
            code="SQK-E221",
            value=shown,
        )
    return _check_char(first17)


def _check_char(body: str) -> str:
    # Bytes of ASCII digits are their ordinals: subtract 48·Σw once instead of int() per digit.
    total = sum(map(operator.mul, body.encode("ascii"), _WEIGHTS)) - _ORDINAL_OFFSET
    return _CHECK_CHARS[total % 11]


def _error(code: str, zh: str, en: str, masked: str, **details: object) -> CodeError:
    return CodeError(zh, en, code=code, value=masked, **details)


class ResidentID(SensitiveCode):
    """An 18-character identity number (公民身份号码), always personal data.

    Layout (GB 11643-1999): address code 6 (地址码), birth date 8 (出生日期码,
    ``YYYYMMDD``), sequence 3 (顺序码, odd for men), check character 1 (校验码,
    ISO 7064 MOD 11-2, ``0``–``9`` or ``X``). Also accepted, with the same
    check-character algorithm and birth-date position:

    * residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证),
      address codes 810000, 820000, 830000;
    * the 2023 foreign permanent-residence identity card (外国人永久居留身份证):
      ``9``, province of issue 2, nationality code 3, birth date 8, sequence 3,
      check character 1.

    A lowercase ``x`` is normalised to ``X``. ``str(number)`` is the raw value
    (for serialisation); ``repr`` and every error message show it masked.

    Raises:
        CodeError: ``SQK-E221`` when malformed (including the 15-digit first
            generation numbers, which must be converted to 18 digits first);
            ``SQK-E222`` when the check character is wrong; ``SQK-E223`` when
            the birth date is not a real date, before 1900-01-01 or in the future.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        """Parse and validate ``value``."""
        if type(value) is cls:
            return value
        if not isinstance(value, str):
            raise not_text(value, "身份号码", "an identity number", "SQK-E221")
        number = value[:17] + "X" if len(value) == 18 and value[17] == "x" else value
        if _SHAPE.fullmatch(number) is None:
            masked = mask_resident_id(value)
            if _FIRST_GENERATION.fullmatch(value):
                raise _error(
                    "SQK-E221",
                    f"身份号码“{masked}”是 15 位的第一代号码,须先升位为 18 位",
                    f"identity number {masked!r} is a 15-digit first-generation number; "
                    "it must be converted to 18 digits",
                    masked,
                )
            raise _error(
                "SQK-E221",
                f"身份号码“{masked}”格式错误:应为 17 位数字加 1 位数字或 X"
                f"(实际 {len(value)} 个字符)",
                f"identity number {masked!r} is malformed: expected 17 digits and a digit or X "
                f"(got {len(value)} characters)",
                masked,
            )
        if number[17] != _check_char(number[:17]):
            masked = mask_resident_id(number)
            raise _error(
                "SQK-E222",
                f"身份号码“{masked}”校验码错误",
                f"identity number {masked!r} has a wrong check character",
                masked,
            )
        problem = _birth_date_problem(number[6:14])
        if problem is not None:
            masked = mask_resident_id(number)
            raise _error(
                "SQK-E223",
                f"身份号码“{masked}”的出生日期无效:{problem[0]}",
                f"identity number {masked!r} has an impossible birth date: {problem[1]}",
                masked,
            )
        return super().__new__(cls, number)

    @property
    def masked(self) -> str:
        """The masked form (脱敏显示), ``3201**********123X``."""
        return mask_resident_id(self)

    @property
    def address_code(self) -> str:
        """The first 6 digits (地址码): the county of first registration for mainland numbers."""
        return self[:6]

    @property
    def birth_date(self) -> datetime.date:
        """The date of birth (出生日期) in digits 7–14."""
        return datetime.date(int(self[6:10]), int(self[10:12]), int(self[12:14]))

    @property
    def gender(self) -> Gender:
        """Sex (性别) from the 17th digit: odd is male (男), even female (女)."""
        return Gender.MALE if int(self[16]) % 2 else Gender.FEMALE

    @property
    def kind(self) -> ResidentIDKind:
        """Which document series (证件类型) the number belongs to."""
        if self[0] == "9":
            return ResidentIDKind.FOREIGN_PERMANENT_RESIDENT
        if self[:2] in _PERMIT_PREFIXES:
            return ResidentIDKind.HK_MO_TW_RESIDENCE_PERMIT
        return ResidentIDKind.MAINLAND


def _birth_date_problem(digits: str) -> tuple[str, str] | None:
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return ("不是有效的日期", "not a real calendar date")
    if born < _EARLIEST_BIRTH:
        return ("早于 1900-01-01", "before 1900-01-01")
    if digits[:4] >= _YEAR_AT_IMPORT and born > datetime.date.today():
        return ("晚于今天", "in the future")
    return None
