"""Provincial return workbooks (省级报表): one row per community, as a bureau lays it out.

A return workbook is a *subset view* of a dataset, declared by a
:class:`ReturnSheet`: a title row (``江苏省和谐社区建设情况统计表``), a row with
填报单位 / 统计期 / 填表日期, a header row (two levels when columns are grouped)
with Chinese headers and units, one data row per community, and a 说明 (notes)
block citing the seed document the indicators come from.

Each column is either a :class:`~shequkit.model.Community` field or a *derived*
indicator: a number computed from per-community counts of the other records
(service items, volunteer team categories, committee members, kit items...).

Round trip, honestly: dataset → workbook → dataset keeps the community fields
the sheet holds exactly; derived columns come back as
:class:`~shequkit.model.IndicatorValue` records (kind ``"indicator"``, id
``"<community id>:<indicator>"``); every other record (grids, staff, services...)
is *not* in the workbook and does not come back. The metadata comes back as
填报单位, 统计期, 填表日期 and the title.

Writing reuses the XLSX codec's machinery (lazy xlsxwriter import, formula-safe
cells, constant-memory mode, atomic replacement with a scratch directory next
to the target); reading reuses its zip-bomb checks before calamine.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Final

import attrs

from shequkit._convert import json_converter
from shequkit._exceptions import MalformedInputError
from shequkit.codes import LabelledEnum
from shequkit.formats._base import META, RawRecord, ReadOptions, counted
from shequkit.formats._tabular import Column, columns, find_column
from shequkit.formats._xlsx import (
    _FORMULA_LEADS,
    _SPOOL_BYTES,
    XlsxCodec,
    _check_storable,
    _display_width,
    _long_cells,
    _meta_wire,
    _new_workbook,
    _require,
    _Spool,
    _WorkbookWriter,
)
from shequkit.formats._xlsx_rows import (
    _column_letter,
    _is_empty,
    _plain_text,
    _sheet_rows,
    _to_wire,
    _translated,
)
from shequkit.model import SCHEMA_VERSION, Community, Metadata, Record, kind_of

__all__ = [
    "Derived",
    "Field",
    "ReturnColumn",
    "ReturnSheet",
    "ReturnWorkbookCodec",
    "Tally",
    "present",
    "tally_key",
]

Tally = Mapping[str, float]
"""Per-community counts (missing keys count 0); see :func:`tally_key` for the keys."""

_META_LABELS: Final = {
    "填报单位": "reporting_unit",
    "统计期": "period",
    "填表日期": "prepared_at",
    "数据规范版本": "schema_version",
}
_NOTES_LABEL: Final = "说明"
_HEADER_SEARCH_ROWS: Final = 10  # the leaf header row is looked for among the first rows only
_NUMERIC: Final = frozenset({"int", "float", "decimal"})


def tally_key(
    kind: str,
    field: str | None = None,
    value: LabelledEnum | bool | None = None,
    *,
    total: str | None = None,
) -> str:
    """The tally key counting records of ``kind`` (whose ``field`` is ``value``).

    ``tally_key("service")`` counts services; ``tally_key("staff", "role",
    StaffRole.GRID_WORKER)`` counts grid workers; ``tally_key("facility",
    "books")`` sums a numeric field (here the books of all facilities);
    ``tally_key("equipment", "type", EquipmentType.COMPUTER, total="quantity")``
    sums a numeric field over the records with one enum value (computers held);
    ``tally_key("community", "households")`` is the community's own value.
    """
    if field is None:
        return kind
    if value is None:
        return f"{kind}.{field}"
    if isinstance(value, bool):
        key = f"{kind}.{field}={'true' if value else 'false'}"
    else:
        key = f"{kind}.{field}={value.name}"
    return f"{key}/{total}" if total else key


@attrs.frozen
class Field:
    """A column holding a :class:`~shequkit.model.Community` field (round-trips exactly).

    ``header`` overrides the model's Chinese header; the unit is the model's.
    """

    name: str
    header: str | None = None
    group: str | None = None


@attrs.frozen
class Derived:
    """A column computed from the tally of one community; read back as an indicator value.

    Attributes:
        indicator: dotted indicator name (``"jiangsu.service_items"``).
        header: Chinese header without the unit (``服务项目数``).
        unit: unit written in parentheses after the header (``项``).
        compute: the value from the community's :data:`Tally`.
        integer: whether the value is a whole number (cell format ``0``).
    """

    indicator: str
    header: str
    unit: str | None
    compute: Callable[[Tally], float]
    group: str | None = None
    integer: bool = True

    @property
    def full_header(self) -> str:
        """The header cell text: ``服务项目数(项)``."""
        return f"{self.header}({self.unit})" if self.unit else self.header


ReturnColumn = Field | Derived
"""One column of a return sheet."""


@attrs.frozen
class ReturnSheet:
    """The declarative layout of one provincial return (报表).

    Attributes:
        sheet_name: the worksheet's name (at most 31 characters).
        title: the title row (``江苏省和谐社区建设情况统计表``).
        columns: the columns, in order; consecutive columns with the same
            ``group`` share a merged upper header cell.
        notes: the lines of the 说明 block (seed citations, definitions).
    """

    sheet_name: str
    title: str
    columns: tuple[ReturnColumn, ...]
    notes: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        names = {column.name for column in columns(Community)}
        for column in self.columns:
            if isinstance(column, Field) and column.name not in names:
                raise ValueError(f"{column.name!r} is not a Community field")

    @property
    def grouped(self) -> bool:
        """Whether the header has two levels."""
        return any(column.group for column in self.columns)

    def header(self, column: ReturnColumn) -> str:
        """The leaf header cell text of ``column``."""
        if isinstance(column, Derived):
            return column.full_header
        model = _community_column(column.name)
        if column.header is None:
            return model.header
        return f"{column.header}({model.unit})" if model.unit else column.header


def _community_column(name: str) -> Column:
    return next(column for column in columns(Community) if column.name == name)


class ReturnWorkbookCodec:
    """Base of the provincial return codecs: subclasses set ``name`` and ``spec``.

    Export and import: writing groups the records per community, holding only
    a counter per community in memory (community rows are spooled to temporary
    storage, the workbook is written in xlsxwriter's constant-memory mode);
    reading yields the metadata, one ``community`` record per data row and one
    ``indicator`` record per derived cell. No extension is claimed: choose the
    codec by name (``--to jiangsu-return``), ``.xlsx`` belongs to the core codec.
    """

    name: ClassVar[str]
    spec: ClassVar[ReturnSheet]
    province: ClassVar[str | None] = None
    """Two-digit code of the province whose authorities ask for this return."""
    media_type: ClassVar[str] = XlsxCodec.media_type
    extensions: ClassVar[tuple[str, ...]] = ()
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    # -- writing ---------------------------------------------------------------------

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write the return atomically; return the number of community rows.

        ``records`` come in document order (communities before the records
        that belong to them), as every writer receives them; a record whose
        community is not in the stream has no row and is not counted.

        Raises:
            UsageError: ``SQK-U110`` for text a workbook cannot hold;
                ``SQK-U112`` when xlsxwriter is not installed.
        """
        xlsxwriter = _require("xlsxwriter")
        tallies: dict[str, defaultdict[str, float]] = {}
        with contextlib.ExitStack() as stack:
            spool = _Spool(stack.enter_context(tempfile.SpooledTemporaryFile(_SPOOL_BYTES)))
            for record in records:
                if isinstance(record, Community):
                    wire = json_converter.unstructure(record)
                    _check_storable(wire, f"/communities/{spool.count}")
                    spool.add(wire)
                    tallies[record.id] = _own_tally(record)
                    continue
                community_id = getattr(record, "community_id", None)
                # Records of communities not in the stream have no row to count into.
                if community_id in tallies:
                    _count(tallies[community_id], record)
            meta_wire = _meta_wire(meta)
            with _new_workbook(xlsxwriter, path) as workbook:
                properties: dict[str, Any] = {"title": self.spec.title}
                if meta.prepared_at is not None:
                    # Dated by the return, not the clock: the same data gives the same file.
                    properties["created"] = meta.prepared_at
                workbook.set_properties(properties)
                self._write_sheet(workbook, meta_wire, spool, tallies)
        return spool.count

    def _write_sheet(
        self,
        workbook: Any,
        meta: dict[str, Any],
        spool: _Spool,
        tallies: Mapping[str, Mapping[str, float]],
    ) -> None:
        spec = self.spec
        cells = _WorkbookWriter(workbook)
        add = workbook.add_format
        title = add({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        label = add({"bold": True})
        header = add(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DDEBF7",
            }
        )
        integer = add({"num_format": "0"})
        sheet = workbook.add_worksheet(spec.sheet_name)
        last = len(spec.columns) - 1
        for position, column in enumerate(spec.columns):
            width = max(_display_width(spec.header(column)) + 2, 10)
            sheet.set_column(position, position, min(width, 30))
        # Rows are written strictly top to bottom: constant-memory mode flushes each row.
        sheet.merge_range(0, 0, 0, last, spec.title, title)
        sheet.set_row(0, 30)
        position = 0
        for text, key in _META_LABELS.items():
            sheet.write_string(1, position, f"{text}:", label)
            value = meta.get(key)
            if value is not None:
                _write_text(sheet, 1, position + 1, str(value), cells.quoted)
            position += 2
        row = 2
        if spec.grouped:
            start = 0
            for end in range(len(spec.columns)):
                group = spec.columns[start].group
                if end < last and spec.columns[end + 1].group == group:
                    continue
                if start == end:
                    sheet.write_string(row, start, group or "", header)
                else:
                    sheet.merge_range(row, start, row, end, group or "", header)
                start = end + 1
            row += 1
        for position, column in enumerate(spec.columns):
            sheet.write_string(row, position, spec.header(column), header)
        sheet.freeze_panes(row + 1, 0)
        first_data = row + 1
        for wire in spool.replay():
            row += 1
            tally = tallies.get(wire["id"], {})
            for position, column in enumerate(spec.columns):
                if isinstance(column, Field):
                    value = wire.get(column.name)
                    if value is not None:
                        model = _community_column(column.name)
                        cells.cell(sheet, row, position, model, value)
                    continue
                number = column.compute(tally)
                if column.integer and float(number).is_integer():
                    sheet.write_number(row, position, int(number), integer)
                else:
                    sheet.write_number(row, position, float(number))
        if row >= first_data:
            sheet.autofilter(first_data - 1, 0, row, last)
        row += 2
        sheet.write_string(row, 0, f"{_NOTES_LABEL}:", label)
        for number, note in enumerate(spec.notes, 1):
            row += 1
            sheet.write_string(row, 0, f"{number}. {note}")

    # -- reading ---------------------------------------------------------------------

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the metadata, then per data row a community and its indicator values.

        The sheet named ``spec.sheet_name`` is read (else the first sheet);
        columns are found by their leaf headers, so reordered columns read
        fine; an unknown header becomes an unknown field for the validator
        (``SQK-E104``). Reading stops at the 说明 block.

        Raises:
            MalformedInputError: ``SQK-F103`` when the file is not a workbook or
                the header row cannot be found.
            HostileInputError: ``SQK-F104`` when the container breaks a limit.
            UsageError: ``SQK-U112`` when python-calamine is not installed.
        """
        return counted(self._read(path, options), options, path.name)

    def _read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        calamine = _require("python_calamine")
        long_cells = _long_cells(XlsxCodec()._inspect(path, options), options)
        where = path.name
        with _translated(where):
            workbook = calamine.CalamineWorkbook.from_path(str(path))
        with workbook:
            names = [
                sheet.name
                for sheet in workbook.sheets_metadata
                if sheet.typ == calamine.SheetTypeEnum.WorkSheet
            ]
            if not names:
                raise _no_header(where, self.spec)
            name = self.spec.sheet_name if self.spec.sheet_name in names else names[0]
            first_column, rows = _sheet_rows(workbook, name, where, long_cells)
            yield from self._records(rows, first_column, name, where)

    def _records(
        self, rows: Iterator[tuple[int, list[Any]]], first_column: int, sheet: str, where: str
    ) -> Iterator[RawRecord]:
        spec = self.spec
        leaf = {_normalise(spec.header(column)): column for column in spec.columns}
        # A return without the version cell is read as the version this layout was made for.
        meta: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        keys: list[ReturnColumn | str | None] | None = None
        for number, cells in rows:
            texts = [_plain_text(cell).strip() for cell in cells]
            if number == 1 and texts and texts[0]:
                meta["title"] = texts[0]
            for position, text in enumerate(texts[:-1]):
                item = _META_LABELS.get(text.removesuffix(":").removesuffix(":"))
                if item is not None and not _is_empty(cells[position + 1]):
                    meta[item] = _plain_text(cells[position + 1])
            if _normalise(spec.header(spec.columns[0])) in {_normalise(text) for text in texts}:
                keys = [_key(leaf, text) for text in texts]
                break
            if number >= _HEADER_SEARCH_ROWS:
                break
        if keys is None:
            raise _no_header(where, spec)
        yield RawRecord(META, 0, meta, "/meta", f"sheet {sheet}")
        communities = indicators = 0
        for number, cells in rows:
            if _is_notes(cells):
                return  # the 说明 block ends the data
            data: dict[str, Any] = {}
            derived: list[tuple[Derived, Any]] = []
            bad: list[str] = []
            for position, cell in enumerate(cells):
                if _is_empty(cell):
                    continue
                key = keys[position] if position < len(keys) else None
                letter = _column_letter(first_column + position)
                if isinstance(key, Derived):
                    derived.append((key, cell))
                    if type(cell) not in (int, float):
                        bad.append(f"column {letter} ({spec.header(key)})")
                    continue
                if isinstance(key, Field):
                    model = _community_column(key.name)
                    wire_value = _to_wire(model, cell)
                    if model.kind in ("int", "float") and type(wire_value) is str:
                        # Text where a number belongs: name the cell for the SQK-E102 report.
                        bad.append(f"column {letter} ({spec.header(key)})")
                    data[key.name] = wire_value
                    continue
                data[key or f"column {letter}"] = _plain_text(cell)
            if not data and not derived:
                continue  # a blank row
            location = f"sheet {sheet} row {number}" + (f" {', '.join(bad)}" if bad else "")
            path = f"/communities/{communities}"
            yield RawRecord("community", communities, data, path, location)
            communities += 1
            subject = data.get("id")
            if type(subject) is not str:
                continue  # no id to attach values to: the community's SQK-E101 says it all
            for column, cell in derived:
                value: Any = cell
                if type(cell) is float and cell.is_integer() and column.integer:
                    value = int(cell)
                elif type(cell) not in (int, float):
                    value = _plain_text(cell)  # passed on as text: the validator reports it
                wire = {
                    "id": f"{subject}:{column.indicator}",
                    "subject": subject,
                    "indicator": column.indicator,
                    "value": value,
                }
                if column.unit:
                    wire["unit"] = column.unit
                if meta.get("period"):
                    wire["period"] = meta["period"]
                yield RawRecord(
                    "indicator", indicators, wire, f"/indicators/{indicators}", location
                )
                indicators += 1


def _write_text(sheet: Any, row: int, col: int, text: str, quoted: Any) -> None:
    # write_string, never write(): text is never taken for a formula; quote-prefix keeps it so.
    sheet.write_string(row, col, text, quoted if text.startswith(_FORMULA_LEADS) else None)


def _key(leaf: Mapping[str, ReturnColumn], text: str) -> ReturnColumn | str | None:
    """The column a header names: the layout's, else any community field, else the text."""
    column = leaf.get(_normalise(text))
    if column is not None or not text:
        return column
    # A bureau may add a community column (绿化覆盖率) to its copy: read it as the field.
    model = find_column(Community, text)
    return Field(model.name) if model is not None else text


def _is_notes(cells: list[Any]) -> bool:
    """Whether a row is the 说明 heading: the label alone, so an id like 说明1 is still data."""
    if (
        not cells
        or _plain_text(cells[0]).strip().removesuffix(":").removesuffix(":") != _NOTES_LABEL
    ):
        return False
    return all(_is_empty(cell) for cell in cells[1:])


def _normalise(text: str) -> str:
    return text.strip().replace("(", "(").replace(")", ")").replace(" ", "").lower()


def _no_header(where: str, spec: ReturnSheet) -> MalformedInputError:
    first = spec.header(spec.columns[0])
    return MalformedInputError(
        f"{where} 不是“{spec.title}”:前 {_HEADER_SEARCH_ROWS} 行中找不到表头“{first}”",
        f"{where} is not a {spec.title!r} return: no header {first!r} in its first"
        f" {_HEADER_SEARCH_ROWS} rows",
        where=where,
    )


def _own_tally(community: Community) -> defaultdict[str, float]:
    """The community's own numeric, enum and bool fields, for derived columns (户数, 用房情形)."""
    tally: defaultdict[str, float] = defaultdict(float)
    for column in columns(Community):
        value = getattr(community, column.name)
        if value is None:
            continue
        if column.kind in _NUMERIC:
            tally[tally_key("community", column.name)] = float(value)
        elif column.kind == "enum":
            tally[tally_key("community", column.name, value)] = 1
        elif column.kind == "bool":
            tally[tally_key("community", column.name, bool(value))] = 1
    return tally


def _count(tally: defaultdict[str, float], record: Record) -> None:
    """Count one record into its community's tally: by kind, enum value, bool, and numeric sums."""
    kind = kind_of(record).name
    tally[kind] += 1
    cls: type = type(record)
    numbers = [
        (column.name, float(getattr(record, column.name)))
        for column in columns(cls)
        if column.kind in _NUMERIC and getattr(record, column.name) is not None
    ]
    for column in columns(cls):
        value = getattr(record, column.name)
        if value is None:
            continue
        if column.kind == "enum":
            tally[tally_key(kind, column.name, value)] += 1
            # Sums per enum value (computers held, allowance paid by the city...).
            for name, number in numbers:
                tally[tally_key(kind, column.name, value, total=name)] += number
        elif column.kind == "enum_list":
            for member in value:
                tally[tally_key(kind, column.name, member)] += 1
        elif column.kind == "bool":
            tally[tally_key(kind, column.name, bool(value))] += 1
        elif column.kind in _NUMERIC and not column.sensitive:
            tally[tally_key(kind, column.name)] += float(value)


def present(tally: Tally, kind: str, field: str, members: Iterable[LabelledEnum]) -> int:
    """How many of ``members`` occur at least once (e.g. volunteer team categories present)."""
    return sum(1 for member in members if tally.get(tally_key(kind, field, member), 0) > 0)
