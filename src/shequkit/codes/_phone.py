"""Phone numbers (电话号码): mobile, landline and 400/800 service numbers."""

from __future__ import annotations

import re
from typing import Final, Self

from shequkit._exceptions import CodeError
from shequkit._masking import mask_phone
from shequkit.codes._base import SensitiveCode, not_text
from shequkit.codes._labelled import LabelledEnum

__all__ = ["PhoneKind", "PhoneNumber"]


class PhoneKind(LabelledEnum):
    """Kind of phone number (电话类型)."""

    MOBILE = "手机"
    LANDLINE = "固定电话"
    SERVICE = "服务热线"


# Characters allowed between the digits of a phone number as people write it.
_ALLOWED: Final = re.compile(r"[0-9 \-()（）]+")
_COUNTRY_PREFIX: Final = re.compile(r"[(（]?(?:\+|00)86[ \-()（）]*")
_EXTENSION_MARK: Final = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*", re.IGNORECASE)
_EXTENSION: Final = re.compile(r"[0-9]{1,6}")
_DIGIT_RUN: Final = re.compile(r"[0-9]+")
_MOBILE: Final = re.compile(r"1[3-9][0-9]{9}")
_SERVICE: Final = re.compile(r"[48]00[0-9]{7}")
# 010 and 02x are 3-digit area codes, every other one is 0 + 3 digits (区号规则).
_AREA_CODE: Final = re.compile(r"010|02[0-9]|0[3-9][0-9]{2}")


class PhoneNumber(SensitiveCode):
    """A phone number (联系电话) in normalised form; personal data.

    Accepted input and the stored form:

    * mobile (手机) ``1[3-9]`` + 9 digits, optionally after ``+86``, ``0086`` or
      ``86``, with spaces or dashes anywhere → ``13812345678``;
    * landline (固定电话): area code (``010``, ``02x`` or ``0`` + 3 digits), a
      7–8 digit number not starting with 0 or 1, an optional 1–6 digit
      extension (after a separator, ``转``, ``分机``, ``ext``, ``x`` or ``#``);
      spaces, dashes and parentheses accepted; ``+86 25 8456 7890`` (area code
      without its 0) too → ``025-84567890`` or ``025-84567890-123``;
    * service numbers (服务热线) ``400``/``800`` + 7 digits → ``400-123-4567``.

    ``str(number)`` is the normalised value; ``repr`` and error messages are masked.

    Raises:
        CodeError: ``SQK-E231`` when the value is none of these.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        """Parse, validate and normalise ``value``."""
        if type(value) is cls:
            return value
        if not isinstance(value, str):
            raise not_text(value, "电话号码", "a phone number", "SQK-E231")
        normalised = _normalise(value.strip())
        if normalised is None:
            masked = mask_phone(value)
            raise CodeError(
                f"电话号码“{masked}”格式错误:应为手机号、带区号的固定电话或 400/800 号码",
                f"phone number {masked!r} is malformed: expected a mobile number, a landline "
                "with its area code, or a 400/800 number",
                code="SQK-E231",
                value=masked,
            )
        return super().__new__(cls, normalised)

    @property
    def masked(self) -> str:
        """The masked form (脱敏显示): ``138****5678``, ``025-8****890``, ``400-1**-*567``."""
        return mask_phone(self)

    @property
    def kind(self) -> PhoneKind:
        """Mobile (手机), landline (固定电话) or service number (服务热线)."""
        if self[0] == "1":
            return PhoneKind.MOBILE
        if self[0] == "0":
            return PhoneKind.LANDLINE
        return PhoneKind.SERVICE

    @property
    def area_code(self) -> str | None:
        """The area code (区号) of a landline, ``None`` for other kinds."""
        return self.split("-", 1)[0] if self[0] == "0" else None

    @property
    def extension(self) -> str | None:
        """The extension (分机号) of a landline, if any."""
        if self[0] != "0":
            return None
        parts = self.split("-")
        return parts[2] if len(parts) == 3 else None


def _normalise(text: str) -> str | None:
    """The stored form of a phone number as written, or ``None`` if it is not one."""
    prefix = _COUNTRY_PREFIX.match(text)
    international = prefix is not None
    if prefix is not None:
        text = text[prefix.end() :]
    parts = _EXTENSION_MARK.split(text)
    if len(parts) > 2:
        return None
    main = parts[0]
    extension = parts[1] if len(parts) == 2 else None
    if not main or _ALLOWED.fullmatch(main) is None:
        return None
    runs = _DIGIT_RUN.findall(main)
    digits = "".join(runs)
    if extension is None:
        if _MOBILE.fullmatch(digits):
            return digits
        if (
            not international
            and len(digits) == 13
            and digits.startswith("86")
            and _MOBILE.fullmatch(digits, 2)
        ):
            return digits[2:]
        if not international and _SERVICE.fullmatch(digits):
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    elif _EXTENSION.fullmatch(extension) is None:
        return None
    if not runs:
        return None
    if international and digits[0] != "0":
        # Dialled from abroad the area code loses its leading 0 (+86 25 ...).
        digits = "0" + digits
        runs = ["0" + runs[0], *runs[1:]]
    return _landline(digits, runs, extension)


def _landline(digits: str, runs: list[str], extension: str | None) -> str | None:
    area_match = _AREA_CODE.match(digits)
    if area_match is None:
        return None
    area = area_match.group()
    # Written apart, the area code must be a piece of its own ("0258-4567890" is not 025).
    first = len(runs[0])
    if first < len(area) or (len(runs) > 1 and len(area) < first < len(area) + 7):
        return None
    number = digits[len(area) :]
    if extension is None and len(runs) >= 2:
        last = runs[-1]
        if len(last) <= 6 and 7 <= len(number) - len(last) <= 8:
            number, extension = number[: -len(last)], last
    if not 7 <= len(number) <= 8 or number[0] in "01":
        return None
    return f"{area}-{number}" if extension is None else f"{area}-{number}-{extension}"
