"""The common shape of the official-code value types."""

from __future__ import annotations

from typing import Any, Self

from shequkit._exceptions import CodeError

__all__ = ["OfficialCode", "SensitiveCode", "not_text"]


def not_text(value: Any, what_zh: str, what_en: str, code: str) -> CodeError:
    """The error for a code given as something other than text (names the type, not the value)."""
    got = type(value).__name__
    return CodeError(
        f"{what_zh}应为文本,实际为 {got}",
        f"{what_en} must be a string, got {got}",
        code=code,
        value=f"<{got}>",
    )


class OfficialCode(str):
    """Base of the code types (区划代码, 统一社会信用代码, ...): a ``str`` valid by construction.

    Subclasses validate (and normalise) in ``__new__``, so an instance is always
    a well-formed code and ``str(code)`` is what files hold.
    """

    __slots__ = ()

    @classmethod
    def parse(cls, value: str) -> Self:
        """Parse and validate ``value``; the same as calling the class."""
        return cls(value)


class SensitiveCode(OfficialCode):
    """A code that is personal data (身份号码, 电话号码, 姓名): its repr shows it masked."""

    __slots__ = ()

    @property
    def masked(self) -> str:
        """The masked form (脱敏显示) shown in reprs, logs, reports and errors."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked!r})"
