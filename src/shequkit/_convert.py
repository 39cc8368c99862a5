"""cattrs converters: one configured converter per wire format (cattrs' "preconf" idea).

The model classes carry no serialisation code; everything about how a value
looks on the wire lives here. The JSON converter is strict: a string is never
silently turned into a number or a boolean, and an unknown key is an error, so
that structuring fails exactly where validation must report a problem.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

import attrs
from cattrs import Converter
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from shequkit._exceptions import FieldValueError
from shequkit.codes import USCC, DivisionCode, LabelledEnum, PersonName, PhoneNumber, ResidentID
from shequkit.model import RECORD_KINDS, Dataset, Metadata

__all__ = ["WireTypeError", "json_converter", "make_json_converter"]

_T = TypeVar("_T")

CODE_TYPES: Final = (DivisionCode, USCC, ResidentID, PhoneNumber, PersonName)
"""The official-code value types; each validates itself on construction."""


class WireTypeError(FieldValueError, TypeError):
    """A value on the wire has the wrong JSON type for its field (``SQK-E102``)."""

    default_code = "SQK-E102"


_JSON_TYPE_NAMES: Final = {
    str: ("文本", "a string"),
    int: ("整数", "an integer"),
    float: ("数值", "a number"),
    bool: ("布尔值", "true or false"),
    list: ("数组", "an array"),
    dict: ("对象", "an object"),
}


# How a wrong value is named to users: JSON's words, not Python's.
_JSON_NAMES_OF_VALUES: Final = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    type(None): "null",
}


def _wrong_type(value: Any, expected: type) -> WireTypeError:
    zh, en = _JSON_TYPE_NAMES.get(expected, (expected.__name__, expected.__name__))
    got = _JSON_NAMES_OF_VALUES.get(type(value), type(value).__name__)
    return WireTypeError(
        f"类型错误:应为{zh},实际为 {got}",
        f"wrong type: expected {en}, got {got}",
        value=value,
    )


def _structure_str(value: Any, _: type) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    raise _wrong_type(value, str)


def _structure_int(value: Any, _: type) -> int:
    if type(value) is int:
        return value
    raise _wrong_type(value, int)


def _structure_float(value: Any, _: type) -> float:
    if type(value) is float:
        if not math.isfinite(value):
            raise WireTypeError(
                "数值必须是有限数", "a number must be finite", code="SQK-E102", value=value
            )
        return value
    if type(value) is int:
        return float(value)
    raise _wrong_type(value, float)


def _structure_bool(value: Any, _: type) -> bool:
    if type(value) is bool:
        return value
    raise _wrong_type(value, bool)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if type(value) is str or type(value) is int:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if number.is_finite():
            return number
    elif type(value) is float and math.isfinite(value):
        return Decimal(repr(value))
    raise WireTypeError(
        '金额应为十进制数字文本,如 "12000.00"',
        'an amount must be a decimal number string such as "12000.00"',
        value=value,
    )


def _structure_date(value: Any, _: type) -> datetime.date:
    if type(value) is str:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise WireTypeError(
        "日期应为 YYYY-MM-DD 格式", "a date must be written YYYY-MM-DD", value=value
    )


def _structure_datetime(value: Any, _: type) -> datetime.datetime:
    if type(value) is str:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise WireTypeError("时间应为 ISO 8601 格式", "a date-time must be ISO 8601", value=value)


def _code_structure_hook(cls: Callable[[str], _T]) -> Callable[[Any, type], _T]:
    def structure(value: Any, _: type) -> _T:
        if isinstance(value, str):
            return cls(value)
        raise _wrong_type(value, str)

    return structure


def _structure_enum(value: Any, cls: type[LabelledEnum]) -> LabelledEnum:
    if type(value) is str:
        return cls.parse(value)
    raise _wrong_type(value, str)


def _tuple_structure_hook(converter: Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    def structure(value: Any, cls: Any) -> tuple[Any, ...]:
        # cattrs would happily iterate a string into characters; JSON arrays only.
        if type(value) is not list and type(value) is not tuple:
            raise _wrong_type(value, list)
        item_type = cls.__args__[0]
        return tuple(converter.structure(item, item_type) for item in value)

    return structure


def make_json_converter() -> Converter:
    """Build the converter for the canonical JSON / JSONL documents.

    On the wire: codes and names are strings, enums their official value
    (``"便民利民"``; English names are accepted on input), dates ISO 8601,
    money a decimal string. Fields equal to their default are omitted on output.
    """
    converter = Converter(forbid_extra_keys=True, prefer_attrib_converters=False)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(datetime.date, _structure_date)
    converter.register_structure_hook(datetime.datetime, _structure_datetime)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_unstructure_hook(datetime.datetime, datetime.datetime.isoformat)
    for code_type in CODE_TYPES:
        converter.register_structure_hook(code_type, _code_structure_hook(code_type))
        converter.register_unstructure_hook(code_type, str)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, LabelledEnum), _structure_enum
    )
    converter.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, LabelledEnum), lambda e: e.value
    )
    converter.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple, _tuple_structure_hook(converter)
    )
    converter.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple,
        lambda v: [converter.unstructure(item) for item in v],
    )
    for cls in (*(kind.cls for kind in RECORD_KINDS), Metadata):
        attrs.resolve_types(cls)
        converter.register_structure_hook(
            cls, make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)
        )
        converter.register_unstructure_hook(
            cls,
            make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True),
        )
    attrs.resolve_types(Dataset)
    return converter


json_converter: Final[Converter] = make_json_converter()
"""The converter for the canonical JSON document and JSONL records."""
