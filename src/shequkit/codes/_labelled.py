"""Enumerations that carry an official Chinese label and an English name."""

from __future__ import annotations

import enum
from typing import Self

from shequkit._exceptions import CodeError

__all__ = ["LabelledEnum"]


class LabelledEnum(enum.Enum):
    """An enumeration whose value is what official files write.

    For most enums the value is the Chinese label itself (``"便民利民"``); for
    coded enumerations it is the code (``"111"``) and ``label_zh`` holds the
    Chinese name. The member name is the English name (``CONVENIENCE``).

    Members are declared as ``NAME = "value"`` or ``NAME = ("value", "中文名")``.
    """

    _label_zh: str

    def __new__(cls, value: str, label_zh: str | None = None) -> Self:
        member = object.__new__(cls)
        member._value_ = value
        member._label_zh = label_zh if label_zh is not None else value
        return member

    @property
    def label_zh(self) -> str:
        """The Chinese label (e.g. ``"主城区"``)."""
        return self._label_zh

    @property
    def label_en(self) -> str:
        """A readable English label derived from the member name (``"main urban area"``)."""
        return self.name.replace("_", " ").lower()

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member for an official value, Chinese label or English name.

        Matching is exact for the official value and the Chinese label and
        case-insensitive for the English name (``"Convenience"``, ``"main_urban_area"``,
        ``"main urban area"``). Surrounding whitespace is ignored.

        Raises:
            CodeError: ``SQK-E103`` when nothing matches.
        """
        lookup = _lookup(cls)
        key = text.strip()
        member = lookup.get(key) or lookup.get(_english_key(key))
        if member is None:
            allowed = "、".join(m.value for m in cls)
            raise CodeError(
                f"“{text}”不是有效的{cls.__name__}取值,应为:{allowed}",
                f"{text!r} is not a valid {cls.__name__}; expected one of: {allowed}",
                code="SQK-E103",
                value=text,
            )
        return member  # type: ignore[return-value]


def _english_key(text: str) -> str:
    return "en:" + text.strip().lower().replace(" ", "_").replace("-", "_")


_LOOKUPS: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {}


def _lookup(cls: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    # Built once per enum on first use; parse() is on the hot path of every reader.
    table = _LOOKUPS.get(cls)
    if table is None:
        table = {}
        for member in cls:
            table[member.value] = member
            table[member.label_zh] = member
            table[_english_key(member.name)] = member
        _LOOKUPS[cls] = table
    return table
