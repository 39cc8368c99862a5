"""The common shape of the official-code value types."""

from __future__ import annotations

from typing import Self

__all__ = ["OfficialCode", "SensitiveCode"]


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
