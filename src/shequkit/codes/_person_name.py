"""Personal names (姓名)."""

from __future__ import annotations

import re
from typing import Final, Self

from shequkit._exceptions import CodeError
from shequkit._masking import mask_name, mask_text
from shequkit.codes._base import SensitiveCode, not_text

__all__ = ["PersonName"]

MAX_LENGTH: Final = 64
# Control characters (Cc), line/paragraph separators and decimal digits of any script.
_FORBIDDEN: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\d]")


class PersonName(SensitiveCode):
    """A person's name (姓名), Chinese or not; personal data.

    Stored with surrounding whitespace removed. Chinese numerals such as ``三``
    are letters, not digits, so ``张三`` is a valid name. ``str(name)`` is the
    name; ``repr`` and error messages are masked (``张*``).

    Raises:
        CodeError: ``SQK-E241`` when the name is empty, longer than 64
            characters, or contains control characters or digits.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        """Validate ``value`` and strip surrounding whitespace."""
        if type(value) is cls:
            return value
        if not isinstance(value, str):
            raise not_text(value, "姓名", "a name", "SQK-E241")
        name = value.strip()
        if not name:
            raise CodeError("姓名为空", "the name is empty", code="SQK-E241", value="")
        if len(name) > MAX_LENGTH:
            masked = mask_text(name[:8]) + "…"
            raise CodeError(
                f"姓名“{masked}”过长:{len(name)} 个字符,最多 {MAX_LENGTH} 个",
                f"name {masked!r} is too long: {len(name)} characters, at most {MAX_LENGTH}",
                code="SQK-E241",
                value=masked,
            )
        if _FORBIDDEN.search(name) is not None:
            masked = mask_name(name)
            raise CodeError(
                f"姓名“{masked}”含有数字或控制字符",
                f"name {masked!r} contains digits or control characters",
                code="SQK-E241",
                value=masked,
            )
        return super().__new__(cls, name)

    @property
    def masked(self) -> str:
        """The masked form (脱敏显示): the surname and one ``*`` per other character."""
        return mask_name(self)
