"""Field declarations shared by the record classes.

Each field carries, in its attrs metadata, the Chinese header an official
workbook uses (``zh``), an optional unit and whether it holds personal data.
Formats, schema generation, docs and masking read these instead of keeping
their own tables.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from shequkit._exceptions import FieldValueError
from shequkit._masking import SENSITIVE
from shequkit.codes._labelled import LabelledEnum

__all__ = [
    "UNIT",
    "ZH",
    "field",
    "non_negative",
    "percentage",
    "positive",
    "text",
    "year",
]

ZH: Final = "shequkit.zh"
UNIT: Final = "shequkit.unit"
_MINIMUM: Final = "shequkit.minimum"
_MAXIMUM: Final = "shequkit.maximum"
_MAX_LENGTH: Final = "shequkit.max_length"

_REQUIRED: Any = attrs.NOTHING


def field(
    zh: str,
    *,
    unit: str | None = None,
    sensitive: bool = False,
    default: Any = _REQUIRED,
    validator: Any = None,
    minimum: float | None = None,
    maximum: float | None = None,
    max_length: int | None = None,
    coerce: type | None = None,
    many: bool = False,
) -> Any:
    """Declare a record field with its Chinese header, unit and bounds.

    ``minimum``/``maximum``/``max_length`` become attrs validators (single-field
    invariants only) and are also published in the JSON Schema. ``coerce`` names
    the code or enum type of the field: records built in Python may then pass
    plain text (``type="街道型"``, ``division_code="320102001001"``), which is
    parsed and checked on construction; ``many`` for a tuple of them.
    """
    metadata: dict[str, Any] = {ZH: zh, SENSITIVE: sensitive}
    validators = [validator] if validator is not None else []
    if unit is not None:
        metadata[UNIT] = unit
    if minimum is not None or maximum is not None:
        metadata[_MINIMUM] = minimum
        metadata[_MAXIMUM] = maximum
        validators.append(_Bounds(minimum, maximum))
    if max_length is not None:
        metadata[_MAX_LENGTH] = max_length
        validators.append(_MaxLength(max_length))
    chained = None
    if len(validators) == 1:
        chained = validators[0]
    elif validators:
        chained = attrs.validators.and_(*validators)
    converter = _coercer(coerce, many=many) if coerce is not None else None
    return attrs.field(default=default, validator=chained, metadata=metadata, converter=converter)


def _coercer(target: type, *, many: bool) -> Any:
    parse: Callable[[str], Any] = target.parse if issubclass(target, LabelledEnum) else target

    def one(value: Any) -> Any:
        if value is None or type(value) is target:
            return value
        if isinstance(value, str):
            return parse(value)
        if isinstance(value, target):
            return value
        raise FieldValueError(
            f"应为 {target.__name__} 或文本,实际为 {type(value).__name__}",
            f"expected {target.__name__} or text, got {type(value).__name__}",
            code="SQK-E102",
            value=f"<{type(value).__name__}>",
        )

    if many:
        return lambda values: tuple(one(value) for value in values)
    return one


def bounds(attribute: attrs.Attribute[Any]) -> tuple[float | None, float | None]:
    """The ``(minimum, maximum)`` a field declares, ``None`` where open."""
    return attribute.metadata.get(_MINIMUM), attribute.metadata.get(_MAXIMUM)


def max_length_of(attribute: attrs.Attribute[Any]) -> int | None:
    """The maximum text length a field declares, if any."""
    return attribute.metadata.get(_MAX_LENGTH)


@attrs.frozen
class _Bounds:
    minimum: float | None
    maximum: float | None

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise FieldValueError(
                f"字段 {attribute.name} 应为数值,实际为 {type(value).__name__}",
                f"field {attribute.name} must be a number, got {type(value).__name__}",
                code="SQK-E102",
                field=attribute.name,
                value=f"<{type(value).__name__}>",
            )
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            span_zh = _span(low, high, "至", "不小于", "不大于")
            span_en = _span(low, high, " to ", "at least ", "at most ")
            raise FieldValueError(
                f"字段 {attribute.name} 的值 {value} 超出范围:应{span_zh}",
                f"field {attribute.name} = {value} is out of range: must be {span_en}",
                code="SQK-E105",
                field=attribute.name,
                value=value,
            )


@attrs.frozen
class _MaxLength:
    limit: int

    def __call__(self, instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and len(value) > self.limit:
            raise FieldValueError(
                f"字段 {attribute.name} 过长:{len(value)} 个字符,上限 {self.limit}",
                f"field {attribute.name} is too long: {len(value)} characters, limit {self.limit}",
                code="SQK-E105",
                field=attribute.name,
                value=f"<{len(value)} characters>",
            )


def _span(low: float | None, high: float | None, to: str, at_least: str, at_most: str) -> str:
    if low is not None and high is not None:
        return f"{low:g}{to}{high:g}"
    if low is not None:
        return f"{at_least}{low:g}"
    return f"{at_most}{high:g}"


# Shorthands for the recurring kinds of field.


def non_negative(zh: str, *, unit: str | None = None, default: Any = _REQUIRED) -> Any:
    """A count or measure that cannot be negative (households, m², yuan)."""
    return field(zh, unit=unit, default=default, minimum=0)


def positive(zh: str, *, unit: str | None = None, default: Any = _REQUIRED) -> Any:
    """A count that must be at least one."""
    return field(zh, unit=unit, default=default, minimum=1)


def percentage(zh: str, *, default: Any = None) -> Any:
    """A share in percent, 0–100 (satisfaction, mediation rate, green coverage)."""
    return field(zh, unit="%", default=default, minimum=0, maximum=100)


def year(zh: str, *, default: Any = _REQUIRED) -> Any:
    """A calendar year."""
    return field(zh, unit="年", default=default, minimum=1949, maximum=2100)


def text(zh: str, *, default: Any = _REQUIRED, max_length: int = 200) -> Any:
    """Free text with a length cap that must not be blank (names, addresses)."""
    return field(zh, default=default, max_length=max_length, validator=_not_blank)


def _not_blank(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not value.strip():
        raise FieldValueError(
            f"字段 {attribute.name} 不能为空白",
            f"field {attribute.name} must not be blank",
            code="SQK-E105",
            field=attribute.name,
            value=value,
        )
