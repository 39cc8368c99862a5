"""Shared by the tabular formats (CSV, XLSX): columns, headers and cell conversion.

Tabular readers turn each row into the same *wire* mapping the JSON reader
produces (``{"households": 3000, ...}``), so one validator serves every
format and reports problems with the same codes and JSON pointers. A cell
that cannot be converted is passed on as text, for the validator to report
(``SQK-E102``) instead of being guessed at or dropped.

Headers are the Chinese headers an official workbook uses (``户数``); the
English field names (``households``) and ``中文(单位)`` forms are accepted too.
"""

from __future__ import annotations

import datetime
import functools
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from shequkit._convert import CODE_TYPES
from shequkit._masking import SENSITIVE
from shequkit.codes import LabelledEnum
from shequkit.formats._base import INT64_RANGE
from shequkit.model._fields import UNIT, ZH

__all__ = [
    "LIST_SEPARATOR",
    "Column",
    "cell_converter",
    "cell_to_wire",
    "columns",
    "header_lookup",
    "neutralise",
    "restore",
    "stripped_cell",
    "text_cell",
    "wire_to_text",
]

LIST_SEPARATOR: Final = "、"
"""Joins the items of a list field in one cell (``老年人、残疾人``), as Chinese forms do."""

_DANGEROUS_LEADS: Final = ("=", "+", "-", "@", "\t", "\r", "'")
_TRUE: Final = frozenset({"是", "true", "True", "TRUE", "1", "Y", "y", "yes", "√"})
_FALSE: Final = frozenset({"否", "false", "False", "FALSE", "0", "N", "n", "no", "×"})


@attrs.frozen
class Column:
    """One column of a record kind's sheet: a model field with its headers and cell type.

    ``kind`` is one of ``str``, ``int``, ``float``, ``bool``, ``decimal``,
    ``date``, ``datetime``, ``enum``, ``enum_list``.
    """

    name: str
    header_zh: str
    unit: str | None
    kind: str
    enum: type[LabelledEnum] | None
    required: bool
    sensitive: bool

    @property
    def header(self) -> str:
        """The header written to files: Chinese, with the unit in parentheses (``户数(户)``)."""
        return f"{self.header_zh}({self.unit})" if self.unit else self.header_zh


@functools.cache
def columns(cls: type) -> tuple[Column, ...]:
    """The columns of a record class, in field order."""
    attrs.resolve_types(cls)
    return tuple(_column(attribute) for attribute in attrs.fields(cls))


def _column(attribute: attrs.Attribute[Any]) -> Column:
    field_type: Any = attribute.type
    args = typing.get_args(field_type)
    if type(None) in args:
        field_type = next(arg for arg in args if arg is not type(None))
    enum: type[LabelledEnum] | None = None
    if typing.get_origin(field_type) is tuple:
        kind, enum = "enum_list", typing.get_args(field_type)[0]
    elif isinstance(field_type, type) and issubclass(field_type, LabelledEnum):
        kind, enum = "enum", field_type
    elif field_type in CODE_TYPES or field_type is str:
        kind = "str"
    else:
        kind = _KINDS[field_type]
    return Column(
        name=attribute.name,
        header_zh=attribute.metadata.get(ZH, attribute.name),
        unit=attribute.metadata.get(UNIT),
        kind=kind,
        enum=enum,
        required=attribute.default is attrs.NOTHING,
        sensitive=bool(attribute.metadata.get(SENSITIVE)),
    )


_KINDS: Final[dict[Any, str]] = {
    int: "int",
    float: "float",
    bool: "bool",
    Decimal: "decimal",
    datetime.date: "date",
    datetime.datetime: "datetime",
}


@functools.cache
def header_lookup(cls: type) -> dict[str, Column]:
    """Every accepted spelling of every header of ``cls``, normalised, to its column."""
    lookup: dict[str, Column] = {}
    for column in columns(cls):
        for spelling in (column.name, column.header_zh, column.header):
            lookup[_normalise_header(spelling)] = column
    return lookup


def _normalise_header(text: str) -> str:
    # Excel users type full-width parentheses and stray spaces; compare loosely.
    return text.strip().replace("(", "(").replace(")", ")").replace(" ", "").lower()


def find_column(cls: type, header: str) -> Column | None:
    """The column a header cell names, or ``None`` for an unknown header."""
    return header_lookup(cls).get(_normalise_header(header))


def cell_to_wire(column: Column, text: str) -> Any:
    """Convert a text cell to its wire value; text that does not convert is returned as is.

    Returning the text unchanged lets the validator report the cell with its
    code and path rather than the reader guessing or failing.
    """
    return cell_converter(column)(text)


def cell_converter(column: Column) -> Callable[[str], Any]:
    """:func:`cell_to_wire` for one column, chosen once (readers call it per cell)."""
    return _CELLS.get(column.kind, stripped_cell)


def text_cell(text: str) -> Any:
    """A text cell: kept as is, but for the ``'`` :func:`neutralise` added."""
    return restore(text)


def stripped_cell(text: str) -> Any:
    """Decimal, date, date-time and enumeration cells travel as stripped text on the wire."""
    return text.strip()


def _int_cell(text: str) -> Any:
    try:
        return _integer(text.strip())
    except ValueError:
        return text


def _float_cell(text: str) -> Any:
    try:
        return float(text.strip())
    except ValueError:
        return text


def _bool_cell(text: str) -> Any:
    value = text.strip()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return text


def _list_cell(text: str) -> Any:
    value = text.strip()
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


_CELLS: Final[dict[str, Callable[[str], Any]]] = {
    "str": text_cell,
    "int": _int_cell,
    "float": _float_cell,
    "bool": _bool_cell,
    "enum_list": _list_cell,
}


def _integer(value: str) -> int:
    # Spreadsheets often hand integers over as "3000.0". Past 64 bits a cell counts
    # nothing: it stays text, for the validator to report (and int() of a long digit
    # string takes quadratic time, so such a string is not even tried).
    if len(value) > 24:
        raise ValueError(value)
    try:
        number = int(value)
    except ValueError:
        real = float(value)
        if not real.is_integer():
            raise
        number = int(real)
    if not INT64_RANGE[0] <= number <= INT64_RANGE[1]:
        raise ValueError(value)
    return number


def wire_to_text(column: Column, value: Any) -> str:
    """The text of a cell for a wire value (as produced by the JSON converter)."""
    if column.kind == "str":
        return neutralise(str(value))
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "enum_list":
        return LIST_SEPARATOR.join(value)
    if column.kind == "float":
        return repr(value)
    return str(value)


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets: prefix ``'`` when it could start a formula.

    Cells beginning with ``= + - @``, tab or CR are prefixed (OWASP CSV
    injection), and so are cells that already begin with ``'`` so that
    :func:`restore` can undo exactly what was added.
    """
    return "'" + text if text.startswith(_DANGEROUS_LEADS) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'``."""
    return text[1:] if text.startswith("'") else text
