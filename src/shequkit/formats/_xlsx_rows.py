"""XLSX reading: calamine's typed rows of one sheet turned into raw records.

A sheet's first non-empty row is its header; each header names a field (in
Chinese, English or the field name) and fixes the conversion of its column,
so every row goes through code generated once per sheet. Empty cells are
absent values; cells calamine gives as numbers, booleans or dates become the
wire values the validator expects; anything that does not fit is passed on
for the validator to report. ``max_field_chars`` is enforced on text cells.
Errors calamine raises become ``MalformedInputError``, never its traceback.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Final, Literal

from shequkit._exceptions import MalformedInputError, ShequkitError
from shequkit.formats._base import META, RawRecord, limit_exceeded
from shequkit.formats._tabular import (
    Column,
    cell_converter,
    cell_to_wire,
    find_column,
    stripped_cell,
)
from shequkit.model import Metadata, RecordKind

_INT_CELL: Final = 2.0**63  # larger whole numbers stay floats: no 64-bit integer holds them
_CENTS: Final = Decimal("0.01")
_META_HEADER_LABELS: Final = frozenset({"项目", "item", "key", "field"})
Rows = Iterator[tuple[int, list[Any]]]
"""Row number (as Excel shows it) and calamine's typed cells of each row of a sheet."""


class _translated:  # used like a function: a context manager, as contextlib makes
    """Turn any error calamine raises into ``MalformedInputError``: never its traceback.

    A class rather than ``contextlib.contextmanager``: it wraps every row read.
    """

    __slots__ = ("_where",)

    def __init__(self, where: str) -> None:
        self._where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> Literal[False]:
        if error is None or isinstance(error, ShequkitError):
            return False
        # Exception: CalamineError and its subclasses, but also ValueError...; a Rust
        # panic is raised by pyo3 as PanicException, a BaseException.
        if isinstance(error, Exception) or type(error).__name__ == "PanicException":
            raise _malformed(self._where, error) from None
        return False


def _refuse_long_cells(rows: Rows, limit: int, where: str, sheet: str) -> Rows:
    """``rows``, refusing a text cell longer than ``limit`` (``max_field_chars``)."""
    for number, cells in rows:
        _refuse_long_row(cells, number, limit, where, sheet)
        yield number, cells


def _sheet_rows(
    workbook: Any, name: str, where: str, max_chars: int | None = None
) -> tuple[int, Rows]:
    """The first used column of sheet ``name`` and its rows, numbered as Excel shows them.

    calamine yields rows from the sheet's first row, empty ones included, but
    cells only from the first used column. With ``max_chars`` a longer text
    cell is refused (``SQK-F104``).
    """
    with _translated(where):
        sheet = workbook.get_sheet_by_name(name)
        first_column: int = (sheet.start or (0, 0))[1]
        rows = iter(sheet.iter_rows())

    def numbered() -> Rows:
        # Cells become Python objects row by row; a yield inside ``with`` is fine here:
        # errors of the consumer are raised in its own frame, not thrown in here.
        with _translated(where):
            yield from enumerate(rows, 1)

    if max_chars is None:
        return first_column, numbered()
    return first_column, _refuse_long_cells(numbered(), max_chars, where, name)


def _is_empty(cell: Any) -> bool:
    return type(cell) is str and (not cell or cell.isspace())


def _records(
    rows: Rows,
    first_column: int,
    kind: RecordKind,
    sheet: str,
    counters: dict[str, int],
    limit: int | None = None,
    where: str = "",
) -> Iterator[RawRecord]:
    """Turn the rows of one record sheet into raw records; ``counters`` numbers them per kind.

    With ``limit`` a text cell longer than that is refused (``max_field_chars``).
    """
    header = next(((n, cells) for n, cells in rows if not all(map(_is_empty, cells))), None)
    if header is None:
        return
    if limit is not None:
        _refuse_long_row(header[1], header[0], limit, where, sheet)
    keys = _header_keys(kind.cls, header[1], sheet)
    read = _row_reader(keys, first_column, limit, where, sheet)
    # Where each field's cell is, for issues about one field (shared by every row).
    cells_of = {
        key: f"column {_column_letter(first_column + position)} ({_plain_text(text).strip()})"
        for position, ((key, _), text) in enumerate(zip(keys, header[1], strict=True))
        if key is not None
    }
    name, collection = kind.name, kind.collection
    index = counters.get(name, 0)
    try:
        for number, cells in rows:
            data = read(cells, number)
            if not data:
                continue  # a blank row
            yield RawRecord(
                name, index, data, f"/{collection}/{index}", f"sheet {sheet} row {number}", cells_of
            )
            index += 1
    finally:
        counters[name] = index


def _row_reader(
    keys: list[tuple[str | None, Column | None]],
    first_column: int,
    limit: int | None,
    where: str,
    sheet: str,
) -> Callable[[list[Any], int], dict[str, Any]]:
    """A function turning one row's cells into a wire record, generated for this header.

    Rows as wide as the header (all of them, normally) go through one line of
    code per column with its conversion chosen in advance (as the CSV reader
    does); empty cells are absent values; a value in a column without a
    header is keyed ``column H`` for the validator to report.
    """
    width = len(keys)
    named = [
        (key or f"column {_column_letter(first_column + position)}", column)
        for position, (key, column) in enumerate(keys)
    ]
    readers = [_cell_reader(column) for _, column in named]

    def any_width(cells: list[Any], number: int) -> dict[str, Any]:
        if limit is not None:
            _refuse_long_row(cells, number, limit, where, sheet)
        data: dict[str, Any] = {}
        for (key, _), read, cell in zip(named, readers, cells, strict=False):
            if not _is_empty(cell):
                data[key] = read(cell)
        for position in range(width, len(cells)):
            if not _is_empty(cells[position]):
                data[f"column {_column_letter(first_column + position)}"] = _plain_text(
                    cells[position]
                )
        return data

    names: dict[str, Any] = {
        "_any_width": any_width,
        "_long": lambda cells, number: _refuse_long_row(cells, number, limit or 0, where, sheet),
        "_float": float,
        "_int": int,
        "_INT_CELL": _INT_CELL,
        "_plain": _plain_text,
        "_to_wire": _to_wire,
    }
    lines = ["def read(cells, number):", f"    if len(cells) != {width}:"]
    lines += ["        return _any_width(cells, number)", "    data = {}"]
    too_long = "" if limit is None else f"        if len(c) > {limit}: _long(cells, number)"
    for position, (key, column) in enumerate(named):
        # The conversions _cell_reader makes, spelt out per cell type (no call per cell).
        if column is None:
            text = other = "_plain(c)"
        else:
            names[f"_col{position}"] = column
            other = f"_to_wire(_col{position}, c)"
            convert = cell_converter(column)
            if column.kind == "str":
                text = "c"
            elif convert is stripped_cell:
                text = "c.strip()"
            else:
                names[f"_c{position}"] = convert
                text = f"_c{position}(c)"
        kind = column.kind if column is not None else None
        lines.append(f"    c = cells[{position}]")
        lines.append("    if type(c) is str:")
        lines.append("        if not c or c.isspace(): pass")
        lines.append("        else:")
        if too_long:
            lines.append("    " + too_long)
        # repr() of a str is always a plain string literal, whatever the header says.
        lines.append(f"            data[{key!r}] = {text}")
        if kind == "float":
            lines.append(f"    elif type(c) is _float: data[{key!r}] = c")
        elif kind == "int":
            lines.append(
                "    elif type(c) is _float and c.is_integer() and -_INT_CELL < c < _INT_CELL:"
                f" data[{key!r}] = _int(c)"
            )
        lines.append(f"    else: data[{key!r}] = {other}")
    lines.append("    return data")
    exec(compile("\n".join(lines) + "\n", "<shequkit xlsx row>", "exec"), names)
    reader: Callable[[list[Any], int], dict[str, Any]] = names["read"]
    return reader


def _refuse_long_row(cells: list[Any], number: int, limit: int, where: str, sheet: str) -> None:
    """Refuse a row with a text cell longer than ``limit`` (``max_field_chars``)."""
    for cell in cells:
        if type(cell) is str and len(cell) > limit:
            raise limit_exceeded(
                where,
                "max_field_chars",
                limit,
                f"工作表 {sheet} 第 {number} 行有单元格超过 {limit} 个字符",
                f"sheet {sheet} row {number} has a cell longer than {limit} characters",
                row=number,
            )


def _cell_reader(column: Column | None) -> Callable[[Any], Any]:
    """``_to_wire`` for one column (``_plain_text`` for an unknown one), fastest case first."""
    if column is None:
        return _plain_text
    if column.kind == "str":
        return lambda cell: cell if type(cell) is str else _to_wire(column, cell)
    if column.kind == "float":
        return lambda cell: cell if type(cell) is float else _to_wire(column, cell)
    if column.kind == "int":
        return lambda cell: (
            int(cell)
            if type(cell) is float and cell.is_integer() and abs(cell) < _INT_CELL
            else _to_wire(column, cell)
        )
    convert = cell_converter(column)  # what _to_wire does with text cells of this column
    return lambda cell: convert(cell) if type(cell) is str else _to_wire(column, cell)


def _header_keys(
    cls: type, header: list[Any], sheet: str
) -> list[tuple[str | None, Column | None]]:
    """The wire key (field name, or the header text when unknown) and column of each position."""
    keys: list[tuple[str | None, Column | None]] = []
    seen: dict[str, str] = {}
    for cell in header:
        text = _plain_text(cell).strip()
        column = find_column(cls, text) if text else None
        key = column.name if column is not None else (text or None)
        if key is not None:
            if key in seen:
                raise MalformedInputError(
                    f"工作表 {sheet} 的表头重复:“{seen[key]}”与“{text}”是同一列",
                    f"sheet {sheet} has a duplicate header: {seen[key]!r} and {text!r} name the"
                    " same column",
                    where=sheet,
                    header=text,
                )
            seen[key] = text
        keys.append((key, column))
    return keys


def _meta_record(rows: Rows, sheet: str) -> RawRecord:
    """The metadata: one 项目 / 内容 (item / value) row per field; the 说明 column is ignored.

    Rows with an item but no value (the title row, unfilled items) and the
    header row are skipped.
    """
    data: dict[str, Any] = {}
    for number, cells in rows:
        label = _plain_text(cells[0]).strip() if cells else ""
        value = cells[1] if len(cells) > 1 else ""
        if not label or label.lower() in _META_HEADER_LABELS or _is_empty(value):
            continue
        column = find_column(Metadata, label)
        key = column.name if column is not None else label
        if key in data:
            raise MalformedInputError(
                f"工作表 {sheet} 第 {number} 行重复了项目“{label}”",
                f"row {number} of sheet {sheet} repeats the item {label!r}",
                where=sheet,
                row=number,
            )
        data[key] = _to_wire(column, value) if column is not None else _plain_text(value)
    return RawRecord(META, 0, data, "/meta", f"sheet {sheet}")


def _to_wire(column: Column, cell: Any) -> Any:
    """The wire value of a typed calamine cell (str, float, bool, date, datetime...) in ``column``.

    A cell that does not fit the column is passed on as it is (a bool, a
    fractional number) or as text, for the validator to report (``SQK-E102``).
    """
    kind = column.kind
    if type(cell) is str:
        # No ``restore()``: XLSX marks text with a cell style, never with a leading "'".
        return cell if kind == "str" else cell_to_wire(column, cell)
    if type(cell) is float:
        if kind == "float":
            return cell
        if kind == "int":
            return int(cell) if cell.is_integer() and abs(cell) < _INT_CELL else cell
        if kind == "decimal" and math.isfinite(cell):
            return _decimal_text(cell)
    elif type(cell) is bool:
        return cell
    elif isinstance(cell, datetime.datetime):
        if kind == "date" and cell.time() == datetime.time():
            return cell.date().isoformat()
        return cell.isoformat()
    text = _plain_text(cell)
    return text if kind == "str" else cell_to_wire(column, text)


def _decimal_text(number: float) -> str:
    # Amounts are written as numbers; give back the usual two decimals ("12000.00").
    value = Decimal(repr(number))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2 and abs(value) < 10**15:
        value = value.quantize(_CENTS)
    return format(value, "f")


def _plain_text(cell: Any) -> str:
    """The text of a cell as a person would type it: 3000, not 3000.0."""
    if type(cell) is float and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    if isinstance(cell, datetime.date | datetime.time):
        return cell.isoformat()
    return str(cell)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _malformed(where: str, error: BaseException) -> MalformedInputError:
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return MalformedInputError(
        f"{where} 不是可读取的 XLSX 工作簿:{detail}",
        f"{where} is not a readable XLSX workbook: {detail}",
        where=where,
    )
