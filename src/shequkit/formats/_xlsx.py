"""XLSX workbooks (Excel 工作簿), laid out as a civil-affairs return (报表) is.

The first sheet, ``填报信息``, holds the metadata as 项目 / 内容 (item / value)
rows; then comes one sheet per record kind present, named by the kind's
Chinese label (``社区``, ``网格``...), with the Chinese headers and units of
:mod:`shequkit.formats._tabular` in row 1 and one record per row from row 2.
Rows become the same wire mappings the JSON reader yields, so the validator
reports XLSX problems with the usual codes and JSON pointers, plus the sheet
and row as Excel shows them (``sheet 社区 row 5``).

This module opens workbooks (with the container checks) and writes them;
turning a sheet's rows into records is :mod:`shequkit.formats._xlsx_rows`.
Reading uses python-calamine and writing xlsxwriter, both from the optional
``xlsx`` extra (``pip install 'shequkit[xlsx]'``); they are imported only when
an XLSX file is read or written, so shequkit itself imports without them.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import json
import math
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, ClassVar, Final

from shequkit._atomic import atomic_write
from shequkit._convert import json_converter
from shequkit._exceptions import (
    HostileInputError,
    InputNotFoundError,
    MalformedInputError,
    UsageError,
)
from shequkit._hookspecs import hookimpl
from shequkit.formats._base import (
    META,
    Codec,
    KindSpools,
    RawRecord,
    ReadOptions,
    check_zip_directory,
    counted,
    limit_exceeded,
)
from shequkit.formats._tabular import (
    LIST_SEPARATOR,
    Column,
    columns,
)
from shequkit.formats._xlsx_rows import (
    _column_letter,
    _meta_record,
    _records,
    _sheet_rows,
    _translated,
)
from shequkit.model import RECORD_KINDS, Metadata, Record, RecordKind, kind_of

__all__ = ["LISTS_SHEET", "META_SHEET", "NOTES_SHEET", "XlsxCodec", "shequkit_formats"]

META_SHEET: Final = "填报信息"
"""The metadata sheet (``meta`` is accepted on input)."""
LISTS_SHEET: Final = "_lists"
"""The hidden sheet holding dropdown lists too long to write inline; skipped on input."""
NOTES_SHEET: Final = "填报说明"
"""The instructions sheet of a fill-in template (``shequkit template``); skipped on input."""
MAX_MEMBERS: Final = 10_000
"""Most parts (zip members) a workbook may have."""
MAX_UNCOMPRESSED_BYTES: Final = 1024**3
"""Largest total uncompressed size of a workbook's parts."""
MAX_RATIO: Final = 200
"""Largest uncompressed-to-compressed ratio of one part (zip bombs exceed it)."""

_MISSING_EXTRA: Final = "SQK-U112"
_UNSTORABLE: Final = "SQK-U110"  # shared with CSV: text the target format cannot store
_RATIO_FLOOR: Final = 1024**2  # a part smaller than this can do no harm, whatever its ratio
_SPOOL_BYTES: Final = 4 * 1024**2
_SHEET_ROWS: Final = 1_048_576  # Excel's rows per sheet, header included
_MAX_CELL_TEXT: Final = 32_767  # Excel's characters (UTF-16 code units) per cell
_INLINE_LIST_LIMIT: Final = 255  # Excel's limit for a dropdown list written in the rule itself
_FIRST_DATE: Final = datetime.date(1900, 3, 1)  # earlier serials differ between spreadsheet apps
_FORMULA_LEADS: Final = ("=", "+", "-", "@", "\t", "\r")
_META_TITLE: Final = "社区建设数据填报信息"
_META_HEADER: Final = ("项目", "内容", "说明")
_META_HINTS: Final = {
    "schema_version": "请勿修改",
    "reporting_division": "12 位统计用区划代码",
    "period": "如 2024、2024-06、2024-Q4、2024-H1",
    "prepared_at": "如 2024-06-30T09:00:00",
}
_CONTINUED: Final = re.compile(r"\s*[((]\s*\d+\s*[))]\s*\Z")  # 社区(2): rows past Excel's limit
_ESCAPED: Final = re.compile(r"_x[0-9a-fA-F]{4}_")  # OOXML's escape for characters XML cannot hold
_XML_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f]")
_CALAMINE_ESCAPE: Final = re.compile(r"_x([0-9A-F]{4})_")
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"
_DOCTYPE: Final = b"<!DOCTYPE"
_KIND_BY_SHEET: Final[dict[str, RecordKind]] = {
    spelling: kind
    for kind in RECORD_KINDS
    for spelling in (kind.label_zh, kind.collection, kind.name)
}
_WIDTHS: Final = {"int": 10, "float": 12, "decimal": 14, "date": 12, "datetime": 22, "bool": 8}

Sheet = Any
"""An xlsxwriter worksheet (xlsxwriter ships no type information)."""


class XlsxCodec:
    """Reads and writes XLSX workbooks (``.xlsx``): a metadata sheet and one sheet per kind.

    Not listed as streaming: reading yields records row by row, but
    python-calamine holds the cells of one whole sheet at a time (in its compact
    native form), so peak memory grows with the largest sheet (measured: 41 MB
    for 32k records, 125 MB for 318k). Writing spools each kind's records to
    temporary storage, then writes the sheets one after another in xlsxwriter's
    constant-memory mode, so writing memory stays flat.

    Before calamine sees a file, the zip container is checked: more than
    ``max_members`` parts, more than ``max_uncompressed_bytes`` in total, a
    part expanding more than ``max_ratio`` times, a part whose content does not
    match its declared size, or links to other workbooks (``xl/externalLinks/``)
    are refused as hostile (``SQK-F104``).
    """

    name: ClassVar[str] = "xlsx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx",)
    streams: ClassVar[bool] = False
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def __init__(
        self,
        *,
        max_members: int = MAX_MEMBERS,
        max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
        max_ratio: float = MAX_RATIO,
    ) -> None:
        self.max_members = max_members
        self.max_uncompressed_bytes = max_uncompressed_bytes
        self.max_ratio = max_ratio

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the metadata (kind ``"meta"``) first, then every row of every record sheet.

        Sheets are read in workbook order; a sheet whose name is no record kind
        is reported once as an unknown kind (``SQK-E106``), the hidden
        ``_lists`` sheet is skipped.

        Raises:
            MalformedInputError: ``SQK-F103`` when the file is not an XLSX workbook.
            HostileInputError: ``SQK-F104`` when the container breaks a limit.
            UsageError: ``SQK-U112`` when python-calamine is not installed.
        """
        return counted(self._read(path, options), options, path.name)

    def _read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        calamine = _require("python_calamine")
        long_cells = _long_cells(self._inspect(path, options), options)
        where = path.name
        with _translated(where):
            workbook = calamine.CalamineWorkbook.from_path(str(path))
        with workbook:
            names = [
                sheet.name
                for sheet in workbook.sheets_metadata
                if sheet.typ == calamine.SheetTypeEnum.WorkSheet
                and sheet.name not in (LISTS_SHEET, NOTES_SHEET)
            ]
            metas = [name for name in names if name.strip().lower() in (META_SHEET, META)]
            if not metas:
                yield RawRecord(META, 0, None, "/meta")  # reported as missing (SQK-E109)
            for name in metas:
                yield _meta_record(_sheet_rows(workbook, name, where, long_cells)[1], name)
            counters: dict[str, int] = {}
            for name in names:
                if name in metas:
                    continue
                kind = _KIND_BY_SHEET.get(_CONTINUED.sub("", name).strip().lower())
                if kind is None:
                    # Not read: the validator reports the sheet once as an unknown kind.
                    yield RawRecord(name, 0, {}, f"/{name}", f"sheet {name}")
                    continue
                first_column, rows = _sheet_rows(workbook, name, where)
                yield from _records(rows, first_column, kind, name, counters, long_cells, where)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write a workbook atomically; return the number of records.

        Raises:
            UsageError: ``SQK-U110`` for text a workbook cannot hold (U+FFFE,
                U+FFFF, over 32,767 characters); ``SQK-U112`` when xlsxwriter
                is not installed.
        """
        xlsxwriter = _require("xlsxwriter")
        count = 0
        with contextlib.ExitStack() as stack:
            spools = KindSpools(stack, lambda kind, file: _Spool(file), max_memory=_SPOOL_BYTES)
            for record in records:
                kind = kind_of(record)
                spool = spools[kind]
                wire = json_converter.unstructure(record)
                _check_storable(wire, f"/{kind.collection}/{spool.count}")
                spool.add(wire)
                count += 1
            meta_wire = _meta_wire(meta)
            with _new_workbook(xlsxwriter, path) as workbook:
                writer = _WorkbookWriter(workbook)
                writer.write_meta(meta_wire)
                for kind, spool in spools.in_order():
                    writer.write_kind(kind, spool)
                writer.finish()
        return count

    def _inspect(self, path: Path, options: ReadOptions | None = None) -> int:
        """Refuse a container that is no zip, breaks a limit or links to other workbooks.

        Returns the uncompressed size of the largest part: no text cell can be longer.
        """
        where = path.name
        if options is not None and _file_size(path) > options.max_file_bytes:
            raise limit_exceeded(
                where,
                "max_file_bytes",
                options.max_file_bytes,
                "超过工作簿文件大小上限",
                "is larger than a workbook may be",
            )
        try:
            with path.open("rb") as stream:
                check_zip_directory(stream, where, self.max_members)
            archive = zipfile.ZipFile(path)
        except OSError as error:
            raise InputNotFoundError(
                f"无法打开输入文件 {where}:{error.strerror}",
                f"cannot open input file {where}: {error.strerror}",
                path=str(path),
            ) from None
        except HostileInputError:
            raise
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            ValueError,
            NotImplementedError,  # "zip file version 25.5"
        ):
            raise _not_a_workbook(path) from None
        with archive:
            infos = archive.infolist()
            total = 0
            for info in infos:
                name, total = info.filename, total + info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if len(infos) > self.max_members:
                    zh = f"有 {len(infos)} 个部件,超过上限 {self.max_members}"
                    en = f"has {len(infos)} parts, more than the limit of {self.max_members}"
                elif name.lower().startswith("xl/externallinks/"):
                    zh = f"链接了其他工作簿({name});shequkit 不跟随外部链接,请把数据粘贴为值"
                    en = f"links to other workbooks ({name}); shequkit never follows them:"
                    en += " paste the data as values"
                elif total > self.max_uncompressed_bytes:
                    zh = f"解压后超过 {self.max_uncompressed_bytes} 字节上限"
                    en = f"expands beyond the limit of {self.max_uncompressed_bytes} bytes"
                elif info.file_size > _RATIO_FLOOR and ratio > self.max_ratio:
                    zh = f"的部件 {name} 压缩比 {ratio:.0f}:1,超过 {self.max_ratio:g}:1(zip 炸弹)"
                    en = f"part {name} expands {ratio:.0f}-fold, over {self.max_ratio:g}: zip bomb"
                else:
                    continue
                raise HostileInputError(f"{where} {zh}", f"{where} {en}", where=where)
            for info in infos:
                _verify_part(archive, info, where)
            return max((info.file_size for info in infos), default=0)


@hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """XLSX workbooks."""
    return [XlsxCodec()]


# -- reading ---------------------------------------------------------------------------


def _require(module: str) -> Any:
    """Import an optional dependency of the ``xlsx`` extra, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(
            f"读写 XLSX 需要 {module};请安装:pip install 'shequkit[xlsx]'",
            f"reading and writing XLSX needs {module}; install it: pip install 'shequkit[xlsx]'",
            code=_MISSING_EXTRA,
            module=module,
        ) from None


def _verify_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> None:
    """Inflate one part to check it: zipfile stops at the declared size and checks the CRC.

    The declared sizes checked against the limits are only claims; a part whose
    data expands further than it says fails its CRC here, before calamine
    inflates it without a bound.
    """
    xml = info.filename.lower().endswith((".xml", ".rels"))
    try:
        with archive.open(info) as stream:
            tail = b""
            while chunk := stream.read(1024**2):
                # OOXML forbids DTDs (ECMA-376 Part 2): refuse one rather than hope the
                # XML parser underneath ignores it (calamine's does, today).
                if xml and (_DOCTYPE in tail + chunk[:16] or _DOCTYPE in chunk):
                    raise HostileInputError(
                        f"{where} 的部件 {info.filename} 含有 DOCTYPE 声明(DTD 和实体),"
                        "Office 文档不允许使用,shequkit 拒绝读取",
                        f"{where} part {info.filename} has a DOCTYPE (a DTD or entities),"
                        " which Office documents may not use; shequkit refuses it",
                        where=where,
                    )
                tail = chunk[-16:]
    except (
        zipfile.BadZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
    ) as error:
        # RuntimeError: an encrypted part; NotImplementedError: an unknown compression;
        # zlib.error: deflate data damaged where the CRC check does not come first.
        raise MalformedInputError(
            f"{where} 已损坏:部件 {info.filename} 与其声明的大小或校验和不符,或无法解压({error})",
            f"{where} is damaged: part {info.filename} does not match its declared size or"
            f" checksum, or cannot be decompressed ({error})",
            where=where,
        ) from None


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported by zipfile.ZipFile just after, as the file cannot be opened


def _long_cells(largest_part: int, options: ReadOptions) -> int | None:
    """``max_field_chars`` if a part is large enough to hold a longer text, else ``None``."""
    return options.max_field_chars if largest_part > options.max_field_chars else None


# -- writing ---------------------------------------------------------------------------


def _check_storable(wire: dict[str, Any], path: str) -> None:
    """Refuse text a workbook cannot give back exactly (``SQK-U110``), before writing starts.

    XML cannot hold U+FFFE and U+FFFF at all; a cell holds at most 32,767
    characters. Control characters are kept: xlsxwriter escapes them as
    ``_xHHHH_`` and calamine unescapes them. The check simulates that escaping
    for text that contains such sequences, so a rare overlapping one
    (``_x005F_x0041_``) is refused rather than read back altered.
    """
    for key, value in wire.items():
        for text in value if type(value) is list else [value]:
            if type(text) is not str:
                continue
            if (
                len(text) > _MAX_CELL_TEXT // 2
                and len(text.encode("utf-16-le")) // 2 > _MAX_CELL_TEXT
            ):
                zh, en = (
                    f"超过 {_MAX_CELL_TEXT} 个字符",
                    f"is longer than {_MAX_CELL_TEXT} characters",
                )
            elif "\ufffe" in text or "\uffff" in text or not _survives_escaping(text):
                zh, en = "含有 XLSX 无法保存的字符", "holds characters XLSX cannot store"
            else:
                continue
            raise UsageError(
                f"{path}/{key} 的文本{zh},无法写入 XLSX;请改用 JSON 或 JSONL",
                f"the text of {path}/{key} {en}; write JSON or JSONL instead",
                code=_UNSTORABLE,
                path=f"{path}/{key}",
            )


def _survives_escaping(text: str) -> bool:
    if "_x" not in text:
        return True  # nothing can be mistaken for an escape
    escaped = _ESCAPED.sub(lambda m: "_x005F" + m.group(0), text)  # as xlsxwriter does
    escaped = _XML_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", escaped)
    return _CALAMINE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), escaped) == text


class _Spool:
    """One kind's records as JSON lines in temporary storage, so sheets are written in turn."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.count = 0

    def add(self, wire: dict[str, Any]) -> None:
        self.file.write(json.dumps(wire, ensure_ascii=False).encode() + b"\n")
        self.count += 1

    def replay(self) -> Iterator[dict[str, Any]]:
        self.file.seek(0)
        return (json.loads(line) for line in self.file)


def _meta_wire(meta: Metadata) -> dict[str, Any]:
    """The metadata as wire values, schema version included, checked storable in a cell."""
    wire = {"schema_version": meta.schema_version, **json_converter.unstructure(meta)}
    _check_storable(wire, "/meta")
    return wire


@contextlib.contextmanager
def _new_workbook(xlsxwriter: Any, path: Path) -> Iterator[Any]:
    """A constant-memory xlsxwriter workbook written atomically to ``path``, closed on success.

    On any exception the half-written workbook is abandoned and ``path`` is untouched.
    """
    # xlsxwriter's constant-memory row files go next to the target, not to a
    # /tmp that may be RAM; the directory is removed however writing ends.
    with (
        tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as scratch,
        atomic_write(path) as out,
    ):
        options = {"constant_memory": True, "tmpdir": scratch, "strings_to_formulas": False}
        workbook = xlsxwriter.Workbook(out, options)
        try:
            yield workbook
            workbook.close()
        except BaseException:
            _abandon(workbook)
            raise


def _abandon(workbook: Any) -> None:
    """Close the constant-memory row files of a workbook that will never be saved.

    xlsxwriter only closes them in ``close()``, which would assemble the whole
    workbook; the files themselves go with the scratch directory.
    """
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)  # xlsxwriter internals: guarded
        if handle is not None:
            with contextlib.suppress(Exception):
                handle.close()


def _display_width(text: str) -> int:
    # Chinese characters take two columns of Excel's width unit.
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _width(column: Column) -> int:
    """A constant width per column: enough for the header and a typical value."""
    typical = _WIDTHS.get(column.kind, 16)
    if column.enum is not None:
        typical = max(_display_width(member.value) for member in column.enum) + 4
    return min(max(_display_width(column.header) + 4, typical), 40)


class _WorkbookWriter:
    """Writes the sheets of one workbook in order, each row by row (constant-memory mode)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        add = workbook.add_format
        header = {"bold": True, "border": 1, "align": "center", "valign": "vcenter"}
        self.header_required = add({**header, "bg_color": "#FCE4D6"})
        self.header_optional = add({**header, "bg_color": "#DDEBF7"})
        self.title = add({"bold": True, "font_size": 14})
        self.quoted = add({"quote_prefix": True})
        self.integer = add({"num_format": "0"})
        self.money = add({"num_format": "#,##0.00"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.lists: list[tuple[str, list[str]]] = []
        self.list_sources: dict[str, str] = {}

    def write_meta(self, wire: dict[str, Any]) -> None:
        """The 填报信息 sheet: a title, then 项目 / 内容 / 说明 rows, one per metadata field."""
        sheet = self.workbook.add_worksheet(META_SHEET)
        for position, width in enumerate((20, 40, 36)):
            sheet.set_column(position, position, width)
        sheet.write_string(0, 0, _META_TITLE, self.title)
        for position, text in enumerate(_META_HEADER):
            sheet.write_string(1, position, text, self.header_optional)
        for row, column in enumerate(columns(Metadata), 2):
            sheet.write_string(row, 0, column.header)
            if wire.get(column.name) is not None:
                self.cell(sheet, row, 1, column, wire[column.name])
            hint = _META_HINTS.get(column.name)
            note = ("必填" if column.required else "选填") + (f";{hint}" if hint else "")
            sheet.write_string(row, 2, note)

    def write_kind(self, kind: RecordKind, spool: _Spool) -> None:
        """The sheets of one kind: ``社区``, then ``社区(2)``... past Excel's row limit."""
        cls: type = kind.cls
        cols = columns(cls)
        wires, count = spool.replay(), spool.count
        per_sheet = _SHEET_ROWS - 1
        for part in range(max(1, -(-count // per_sheet))):
            name = kind.label_zh if part == 0 else f"{kind.label_zh}({part + 1})"
            sheet = self.start_sheet(name, cols)
            rows = min(per_sheet, count - part * per_sheet)
            for row in range(1, rows + 1):
                wire = next(wires)
                for position, column in enumerate(cols):
                    value = wire.get(column.name)
                    if value is not None:
                        self.cell(sheet, row, position, column, value)
            sheet.autofilter(0, 0, max(rows, 1), len(cols) - 1)

    def start_sheet(self, name: str, cols: Sequence[Column]) -> Sheet:
        """A record sheet with its header row, widths, frozen header, and dropdowns."""
        sheet = self.workbook.add_worksheet(name)
        for position, column in enumerate(cols):
            default = {"int": self.integer, "decimal": self.money, "date": self.date}
            sheet.set_column(position, position, _width(column), default.get(column.kind))
            style = self.header_required if column.required else self.header_optional
            sheet.write_string(0, position, column.header, style)
            values = _dropdown(column)
            if values:
                rule = {"validate": "list", "source": self.list_source(column, values)}
                rule["error_title"] = "取值无效"
                rule["error_message"] = f"请从下拉列表中选择“{column.header_zh}”的规定取值"
                sheet.data_validation(1, position, _SHEET_ROWS - 1, position, rule)
        sheet.freeze_panes(1, 0)
        return sheet

    def list_source(self, column: Column, values: list[str]) -> list[str] | str:
        """The values themselves, or a range of the hidden ``_lists`` sheet when too long."""
        if len(",".join(values)) <= _INLINE_LIST_LIMIT:
            return values
        key = column.enum.__name__ if column.enum is not None else column.name
        if key not in self.list_sources:
            letter = _column_letter(len(self.lists))
            self.list_sources[key] = f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
            self.lists.append((key, values))
        return self.list_sources[key]

    def finish(self) -> None:
        """Write the hidden ``_lists`` sheet, if a dropdown needed it."""
        if not self.lists:
            return
        sheet = self.workbook.add_worksheet(LISTS_SHEET)
        for position, (key, _) in enumerate(self.lists):
            sheet.write_string(0, position, key)
        for row in range(1, max(len(values) for _, values in self.lists) + 1):
            for position, (_, values) in enumerate(self.lists):
                if row <= len(values):
                    sheet.write_string(row, position, values[row - 1])
        sheet.hide()

    def cell(self, sheet: Sheet, row: int, col: int, column: Column, value: Any) -> None:
        """Write one wire value as a typed cell; what a number or date cannot hold goes as text."""
        kind = column.kind
        if kind in ("int", "float") and type(value) in (int, float):
            if _exact_number(value):
                sheet.write_number(row, col, value, self.integer if kind == "int" else None)
                return
            value = repr(value) if type(value) is float else str(value)
        elif kind == "decimal" and type(value) is str:
            amount = Decimal(value)
            number = float(amount)
            if _exact_number(number) and Decimal(repr(number)) == amount:
                exponent = amount.as_tuple().exponent
                cents = isinstance(exponent, int) and exponent >= -2
                sheet.write_number(row, col, number, self.money if cents else None)
                return
        elif kind == "date" and type(value) is str:
            day = datetime.date.fromisoformat(value)
            if day >= _FIRST_DATE:
                sheet.write_datetime(row, col, day, self.date)
                return
        elif kind == "bool" and type(value) is bool:
            value = "是" if value else "否"
        elif kind == "enum_list" and type(value) is list:
            value = LIST_SEPARATOR.join(value)
        text = str(value)
        # write_string, never write(): text is never taken for a formula, number or URL.
        # The quote-prefix style keeps it text even when someone edits the cell in Excel.
        sheet.write_string(row, col, text, self.quoted if text.startswith(_FORMULA_LEADS) else None)


def _exact_number(value: float) -> bool:
    """Whether xlsxwriter's 16 significant digits give ``value`` back exactly."""
    if type(value) is int:
        return abs(value) <= 2**53
    return math.isfinite(value) and float(f"{value:.16G}") == value


def _dropdown(column: Column) -> list[str] | None:
    if column.kind == "enum" and column.enum is not None:
        return [member.value for member in column.enum]
    if column.kind == "bool":
        return ["是", "否"]
    return None  # enum_list cells hold several values: no dropdown can offer them


# -- errors ----------------------------------------------------------------------------


def _not_a_workbook(path: Path) -> MalformedInputError:
    with contextlib.suppress(OSError), path.open("rb") as stream:
        if stream.read(4) == _OLE_MAGIC:
            return MalformedInputError(
                f"{path.name} 是加密的工作簿或旧版 .xls 文件;请在 Excel 中去掉密码并另存为 .xlsx",
                f"{path.name} is an encrypted workbook or an old .xls file; remove the password"
                " and save it as .xlsx in Excel",
                where=path.name,
            )
    return MalformedInputError(
        f"{path.name} 不是 XLSX 工作簿(不是 zip 文件)",
        f"{path.name} is not an XLSX workbook (not a zip file)",
        where=path.name,
    )
