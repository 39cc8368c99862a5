"""CSV: a ``.zip`` package (数据包) of one CSV per record kind plus ``meta.csv``, or one ``.csv``.

The package holds ``meta.csv`` (项目,内容: one row per metadata field) and one
file per record kind present, named after its collection (``communities.csv``).
Rows become the same wire mappings the JSON reader yields, through the column
model shared with XLSX (:mod:`shequkit.formats._tabular`), so the validator
reports CSV problems with the usual codes and JSON pointers, plus the file and
spreadsheet row (``communities.csv row 5``) as the location.

Text is UTF-8 with a byte-order mark on output, so that Excel opens it; on
input UTF-8 (with or without the mark) and GB18030 are recognised (see
:mod:`shequkit.formats._csv_encoding`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, Any, ClassVar, Final

from shequkit._atomic import atomic_write
from shequkit._convert import json_converter
from shequkit._exceptions import (
    HostileInputError,
    MalformedInputError,
    ShequkitError,
    UsageError,
)
from shequkit._hookspecs import hookimpl
from shequkit.formats._base import (
    META,
    SPOOL_BYTES,
    Codec,
    KindSpools,
    RawRecord,
    ReadOptions,
    check_zip_directory,
    counted,
    limit_exceeded,
    open_input,
)
from shequkit.formats._csv_encoding import LineReader, open_guarded
from shequkit.formats._tabular import (
    Column,
    cell_converter,
    cell_to_wire,
    columns,
    find_column,
    stripped_cell,
    text_cell,
    wire_to_text,
)
from shequkit.model import RECORD_KINDS, Metadata, Record, RecordKind, kind_of

__all__ = ["CsvCodec", "Gb18030CsvCodec", "shequkit_formats"]

MAX_MEMBERS: Final = 100
"""Most entries (files and directories) a package may have."""
MAX_MEMBER_BYTES: Final = 1024**3
"""Largest uncompressed size of one package member."""
MAX_RATIO: Final = 200
"""Largest uncompressed-to-compressed ratio of a whole package (zip bombs exceed it)."""

_RATIO_FLOOR: Final = 1024**2  # below this total nothing can do harm, whatever the ratio
_META_NAMES: Final = ("meta.csv", "元数据.csv")
_META_HEADER: Final = ("项目", "内容")
_META_LABELS: Final = frozenset({"项目", "key", "item"})  # the header row's first cell
_IGNORED: Final = frozenset({"__macosx", "thumbs.db", "desktop.ini"})
_ZIP_MAGIC: Final = (b"PK\x03\x04", b"PK\x05\x06")
_DRIVE: Final = re.compile(r"\A[A-Za-z]:")
_KIND_BY_STEM: Final[dict[str, RecordKind]] = {
    spelling: kind
    for kind in RECORD_KINDS
    for spelling in (kind.collection, kind.name, kind.label_zh)
}

_Rows = Iterator[tuple[int, list[str]]]
"""Spreadsheet row number (header = 1) and cells of each row of one CSV file."""


class CsvCodec:
    """Reads and writes CSV (``.zip`` packages; a single ``.csv`` file is read too).

    Reading streams row by row, member by member, without extracting anything
    to disk. Writing spools each kind to temporary storage, so records may
    arrive in any order, then assembles the package atomically.

    Args:
        encoding: how written files are encoded: ``"utf-8-sig"`` (UTF-8 with a
            byte-order mark, which Excel needs to recognise UTF-8) by default;
            :class:`Gb18030CsvCodec` writes GB18030.
        max_members: most entries a package may have.
        max_member_bytes: largest uncompressed size of one member.
        max_ratio: largest uncompressed-to-compressed ratio of a package.
    """

    name: ClassVar[str] = "csv"
    media_type: ClassVar[str] = "text/csv"
    extensions: ClassVar[tuple[str, ...]] = (".zip", ".csv")
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def __init__(
        self,
        encoding: str = "utf-8-sig",
        *,
        max_members: int = MAX_MEMBERS,
        max_member_bytes: int = MAX_MEMBER_BYTES,
        max_ratio: float = MAX_RATIO,
    ) -> None:
        codecs.lookup(encoding)
        self.encoding = encoding
        self.max_members = max_members
        self.max_member_bytes = max_member_bytes
        self.max_ratio = max_ratio

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the metadata (kind ``"meta"``) first, then every row of every record file.

        A package's files are read in document order of their kinds (then any
        unknown ones); a single ``.csv`` holds one kind, named by the file
        (``communities.csv`` or ``社区.csv``), with its metadata from a
        ``meta.csv`` beside it.
        """
        return counted(self._read(path, options), options, path.name)

    def _read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        with open_input(path) as stream:
            if path.suffix.lower() == ".zip" or stream.peek(4)[:4] in _ZIP_MAGIC:
                yield from self._read_package(stream, path.name, options)
                return
            yield _sibling_meta(path, options)
            if _is_meta(path.name):
                return
            kind = _kind_for(path.name)
            if kind is None:
                yield _unknown(path.name)
                return
            rows = _rows(stream, path.name, options, None)
            yield from _records(rows, kind, path.name, {})

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write a ``.zip`` package atomically; return the number of records.

        Raises:
            UsageError: ``SQK-U111`` for a ``.csv`` target (a package holds several
                files); ``SQK-U110`` for text that CSV cannot hold (a NUL character)
                or that the encoding cannot encode.
        """
        if path.suffix.lower() == ".csv":
            raise UsageError(
                "CSV 格式写出的是 .zip 数据包(meta.csv 加每类记录一个 CSV 文件),"
                f"无法写入单个文件 {path.name};请把输出文件名改为 .zip",
                "the CSV format writes a .zip package (meta.csv plus one CSV file per record"
                f" kind), not the single file {path.name}; name the output .zip",
                code="SQK-U111",
                path=path.name,
            )
        count = 0
        with contextlib.ExitStack() as stack:
            tables = KindSpools(stack, self._open_table)
            for record in records:
                tables[kind_of(record)].record(json_converter.unstructure(record))
                count += 1
            meta_spool = stack.enter_context(tempfile.SpooledTemporaryFile(SPOOL_BYTES))
            _write_meta(_TableWriter(meta_spool, self.encoding, _META_NAMES[0]), meta)
            with atomic_write(path) as out, zipfile.ZipFile(out, "w") as archive:
                _store(archive, _META_NAMES[0], meta_spool)
                for kind, table in tables.in_order():
                    _store(archive, f"{kind.collection}.csv", table.spool)
        return count

    def _open_table(self, kind: RecordKind, spool: IO[bytes]) -> _TableWriter:
        table = _TableWriter(spool, self.encoding, f"{kind.collection}.csv")
        table.header(kind.cls)
        return table

    def _read_package(
        self, stream: IO[bytes], where: str, options: ReadOptions
    ) -> Iterator[RawRecord]:
        check_zip_directory(stream, where, self.max_members)
        try:
            archive = zipfile.ZipFile(stream)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            ValueError,
            NotImplementedError,  # "zip file version 25.5"
            OSError,  # a damaged directory points before the start of the file
        ) as error:
            raise MalformedInputError(
                f"{where} 不是有效的 zip 文件:{error}",
                f"{where} is not a valid zip file: {error}",
                where=where,
            ) from None
        with archive:
            members = self._checked_members(archive, where)
            metas = [(name, info) for name, info in members if _is_meta(name)]
            if not metas:
                yield RawRecord(META, 0, None, "/meta")
            for name, info in metas:
                yield _meta_record(self._member_rows(archive, info, name, options), name)
            counters: dict[str, int] = {}
            for kind in RECORD_KINDS:
                for name, info in members:
                    if _kind_for(name) is kind:
                        rows = self._member_rows(archive, info, name, options)
                        yield from _records(rows, kind, name, counters)
            for name, _ in members:
                if not _is_meta(name) and _kind_for(name) is None:
                    yield _unknown(name)

    def _checked_members(
        self, archive: zipfile.ZipFile, where: str
    ) -> list[tuple[str, zipfile.ZipInfo]]:
        """The package's files with their names, once the package is within every limit.

        Directories, ``__MACOSX`` and hidden files are left out.
        """
        infos = archive.infolist()
        if len(infos) > self.max_members:
            raise _hostile(
                where,
                f"有 {len(infos)} 个成员,超过上限 {self.max_members}",
                f"has {len(infos)} members, more than the limit of {self.max_members}",
            )
        expanded = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos)
        if expanded > _RATIO_FLOOR and expanded > self.max_ratio * max(compressed, 1):
            raise _hostile(
                where,
                f"压缩比超过 {self.max_ratio:g}:1,疑似 zip 炸弹",
                f"expands more than {self.max_ratio:g} times: a zip bomb",
            )
        members: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            name = _member_name(info)
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
                raise _hostile(
                    where, f"含有不安全的路径“{name}”", f"contains the unsafe member path {name!r}"
                )
            if info.file_size > self.max_member_bytes:
                raise _hostile(
                    where,
                    f"的成员 {name} 解压后超过 {self.max_member_bytes} 字节上限",
                    f"member {name} expands beyond the limit of {self.max_member_bytes} bytes",
                )
            junk = any(part.lower() in _IGNORED for part in parts) or parts[-1].startswith(".")
            if not (info.is_dir() or not parts[-1] or junk):
                members.append((name, info))
        return members

    def _member_rows(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, options: ReadOptions
    ) -> _Rows:
        if info.flag_bits & 0x1:
            raise MalformedInputError(
                f"{name} 已加密,无法读取;请不加密码重新压缩",
                f"{name} is encrypted; zip the files again without a password",
                where=name,
            )
        try:
            stream = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as error:
            # OSError: a damaged container points zipfile before the start of the file.
            raise MalformedInputError(
                f"无法解压 {name}:{error};请用标准 zip(deflate)重新压缩",
                f"cannot decompress {name}: {error}; zip the files again with standard deflate",
                where=name,
            ) from None
        with stream:
            yield from _rows(stream, name, options, self.max_member_bytes)


class Gb18030CsvCodec(CsvCodec):
    """CSV packages written in GB18030 (``--to csv-gb18030``), for older Excel on Chinese Windows.

    Chosen by name only (it owns no extension); reading is the same as
    :class:`CsvCodec`, which recognises GB18030 by itself.
    """

    name: ClassVar[str] = "csv-gb18030"
    extensions: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        encoding: str = "gb18030",
        *,
        max_members: int = MAX_MEMBERS,
        max_member_bytes: int = MAX_MEMBER_BYTES,
        max_ratio: float = MAX_RATIO,
    ) -> None:
        super().__init__(
            encoding,
            max_members=max_members,
            max_member_bytes=max_member_bytes,
            max_ratio=max_ratio,
        )


@hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """CSV packages: ``csv`` (UTF-8 with BOM) and ``csv-gb18030``."""
    return [CsvCodec(), Gb18030CsvCodec()]


def _rows(stream: IO[bytes], name: str, options: ReadOptions, max_bytes: int | None) -> _Rows:
    """Parse one CSV stream into rows; every ``csv.Error`` becomes ``MalformedInputError``."""
    lines = LineReader(
        open_guarded(stream, name, max_bytes),
        name=name,
        encoding=options.encoding,
        max_line_bytes=options.max_line_bytes,
    )
    reader = csv.reader(lines, strict=True)
    limit = options.max_field_chars  # the csv module counts a field's characters for us
    while True:
        # field_size_limit is process-wide: set it only for the length of one row.
        saved = csv.field_size_limit()
        if saved != limit:
            csv.field_size_limit(limit)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(error, name, lines.row + 1, limit) from None
        finally:
            if saved != limit:
                csv.field_size_limit(saved)
        lines.end_row()
        if lines.row == 1 and cells:
            cells[0] = cells[0].removeprefix("\ufeff")  # a BOM left by an explicit --encoding
        yield lines.row, cells


def _csv_error(error: csv.Error, name: str, row: int, limit: int) -> ShequkitError:
    """What a ``csv.Error`` means: a field over ``max_field_chars``, a bare CR, or broken CSV."""
    if str(error).startswith("field larger than field limit"):
        return limit_exceeded(
            name,
            "max_field_chars",
            limit,
            f"第 {row} 行有单元格超过 {limit} 个字符",
            f"row {row} has a cell longer than {limit} characters",
            row=row,
        )
    zh, en = str(error), str(error)
    if "new-line character seen in unquoted field" in en:
        # Lines ended by CR alone (classic Mac OS): CRLF and LF, even mixed, are read.
        zh = "有只以回车符(CR)结尾的行,这种换行不受支持;请以 CRLF 或 LF 换行保存"
        en = "a line ends in a carriage return alone, which is not supported; save with CRLF or LF"
    return MalformedInputError(
        f"{name} 第 {row} 行不是有效的 CSV:{zh}",
        f"row {row} of {name} is not valid CSV: {en}",
        where=name,
        row=row,
    )


def _records(
    rows: _Rows, kind: RecordKind, name: str, counters: dict[str, int]
) -> Iterator[RawRecord]:
    """Turn the rows of one record file into raw records; ``counters`` numbers them per kind."""
    header = next(rows, None)
    if header is None:
        return
    keys = _header_keys(kind.cls, header[1], name)
    read = _row_reader(keys)
    collection = kind.collection
    for row, cells in rows:
        data = read(cells)
        if not data:
            continue  # a blank row
        index = counters.get(kind.name, 0)
        counters[kind.name] = index + 1
        yield RawRecord(kind.name, index, data, f"/{collection}/{index}", f"{name} row {row}")


def _row_reader(keys: list[tuple[str, Column | None]]) -> Callable[[list[str]], dict[str, Any]]:
    """The function turning the cells of one row into a wire mapping, made once per file.

    An empty cell is an absent value; a value beyond the header is kept under
    ``column H`` for the validator to report. Rows as wide as the header (all of
    them, normally) go through code generated for this header, one line per
    column with its cell conversion chosen in advance; other rows take the loop.
    """
    width = len(keys)
    converters = [None if column is None else cell_converter(column) for _, column in keys]

    def any_width(cells: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for (key, _), convert, cell in zip(keys, converters, cells, strict=False):
            if cell and not cell.isspace():
                data[key] = convert(cell) if convert is not None else cell
        for position in range(width, len(cells)):
            if cells[position] and not cells[position].isspace():
                data[_unnamed(position)] = cells[position]
        return data

    names: dict[str, Any] = {"_any_width": any_width}
    lines = ["def read(cells):", f"    if len(cells) != {width}:"]
    lines.append("        return _any_width(cells)")
    lines.append("    data = {}")
    for position, ((key, column), convert) in enumerate(zip(keys, converters, strict=True)):
        lines.append(f"    c = cells[{position}]")
        # repr() of a str is always a plain string literal, whatever the header says.
        target = f"data[{key!r}]"
        if convert is None:
            lines.append(f"    if c and not c.isspace(): {target} = c")
            continue
        names[f"_convert{position}"] = convert
        lines.append("    if c and not c.isspace():")
        if convert is text_cell:
            lines.append(f'        {target} = c[1:] if c[0] == "\'" else c')  # restore()
        elif convert is stripped_cell:
            lines.append(f"        {target} = c.strip()")
        elif column is not None and column.kind == "int":
            # Plain ASCII digits, short enough for 64 bits: int() gives what _int_cell gives.
            lines.append(
                f"        if c.isdigit() and c.isascii() and len(c) < 19: {target} = int(c)"
            )
            lines.append(f"        else: {target} = _convert{position}(c)")
        elif column is not None and column.kind == "float":
            # float() ignores the same surrounding whitespace str.strip() removes.
            lines.append(f"        try: {target} = float(c)")
            lines.append(f"        except ValueError: {target} = c")
        else:
            lines.append(f"        {target} = _convert{position}(c)")
    lines.append("    return data")
    exec(compile("\n".join(lines) + "\n", "<shequkit csv row>", "exec"), names)
    read: Callable[[list[str]], dict[str, Any]] = names["read"]
    return read


def _header_keys(cls: type, header: list[str], name: str) -> list[tuple[str, Column | None]]:
    """The wire key and column of each position: the field, or the header text when unknown.

    A value under an empty header is keyed ``column H``, for the validator to report.
    """
    keys: list[tuple[str, Column | None]] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(header):
        text = cell.strip()
        column = find_column(cls, text) if text else None
        key = column.name if column is not None else (text or _unnamed(position))
        if key in seen:
            raise MalformedInputError(
                f"{name} 的表头重复:“{seen[key]}”与“{text}”是同一列",
                f"{name} has a duplicate header: {seen[key]!r} and {text!r} name the same column",
                where=name,
                header=text,
            )
        seen[key] = text
        keys.append((key, column))
    return keys


def _unnamed(position: int) -> str:
    """``column H``: a column without a header, named by its letter as spreadsheets show it."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"column {letters}"


def _meta_record(rows: _Rows, name: str) -> RawRecord:
    """The metadata of ``meta.csv``: one ``项目,内容`` (item, value) row per field.

    Header rows and items without a value are skipped; cells after the second
    (a 说明 notes column, as in the XLSX 填报信息 sheet) are ignored.
    """
    data: dict[str, Any] = {}
    for row, cells in rows:
        label = cells[0].strip() if cells else ""
        value = cells[1] if len(cells) > 1 else ""
        if not label:
            if value and not value.isspace():
                raise MalformedInputError(
                    f"{name} 第 {row} 行有内容但没有项目名",
                    f"row {row} of {name} has a value but no item",
                    where=name,
                    row=row,
                )
            continue
        if label.lower() in _META_LABELS or not value or value.isspace():
            continue
        column = find_column(Metadata, label)
        key = column.name if column is not None else label
        if key in data:
            raise MalformedInputError(
                f"{name} 第 {row} 行重复了项目“{label}”",
                f"row {row} of {name} repeats the item {label!r}",
                where=name,
                row=row,
            )
        data[key] = cell_to_wire(column, value) if column is not None else value
    return RawRecord(META, 0, data, "/meta", name)


def _sibling_meta(path: Path, options: ReadOptions) -> RawRecord:
    """The metadata of a single CSV file: from ``meta.csv`` beside it, else absent (SQK-E109)."""
    if _is_meta(path.name):
        sibling: Path | None = path
    else:
        sibling = next(
            (path.with_name(n) for n in _META_NAMES if path.with_name(n).is_file()), None
        )
    if sibling is None:
        return RawRecord(META, 0, None, "/meta")
    with open_input(sibling) as stream:
        return _meta_record(_rows(stream, sibling.name, options, None), sibling.name)


def _base(name: str) -> str:
    """The file name of a path inside a package or on disk (``数据/社区.csv`` → ``社区.csv``)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _is_meta(name: str) -> bool:
    return _base(name).lower() in _META_NAMES


def _kind_for(name: str) -> RecordKind | None:
    """The kind a CSV file holds, from its name: collection, kind name or Chinese label."""
    path = PurePosixPath(_base(name))
    if path.suffix.lower() != ".csv":
        return None
    return _KIND_BY_STEM.get(path.stem.lower())


def _unknown(name: str) -> RawRecord:
    # Not parsed: the validator reports the file once as an unknown kind (SQK-E106).
    base = _base(name)
    stem = base[: -len(".csv")] if base.lower().endswith(".csv") else base
    return RawRecord(stem, 0, {}, f"/{stem}", name)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, with GBK names from Chinese Windows decoded properly."""
    if info.flag_bits & 0x800:
        return info.filename
    # Without the UTF-8 flag zipfile decodes names as CP437; Chinese Windows wrote GBK.
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(encoding)
    return info.filename


def _hostile(where: str, zh: str, en: str) -> HostileInputError:
    return HostileInputError(f"zip 文件 {where} {zh}", f"zip file {where} {en}", where=where)


class _TableWriter:
    """One CSV file being written to a spool, encoded as it goes (a file object for csv.writer)."""

    def __init__(self, spool: IO[bytes], encoding: str, name: str) -> None:
        self.spool = spool
        self._name = name
        self._encode = codecs.getincrementalencoder(encoding)().encode
        self._encoding = encoding
        self._writer = csv.writer(self, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self._columns: tuple[Column, ...] = ()
        self._rows = 0

    def write(self, text: str) -> None:
        if "\x00" in text:
            raise self._unwritable("含有 NUL 字符", "contains a NUL character")
        try:
            self.spool.write(self._encode(text))
        except UnicodeEncodeError as error:
            char = error.object[error.start : error.end]
            raise self._unwritable(
                f"含有 {self._encoding} 无法编码的字符 {char!r}",
                f"contains the character {char!r}, which {self._encoding} cannot encode",
            ) from None

    def _unwritable(self, zh: str, en: str) -> UsageError:
        row = self._rows + 1
        return UsageError(
            f"{self._name} 第 {row} 行{zh},无法写成 CSV",
            f"row {row} of {self._name} {en} and cannot be written as CSV",
            code="SQK-U110",
            where=self._name,
            row=row,
        )

    def row(self, cells: list[str]) -> None:
        self._writer.writerow(cells)
        self._rows += 1

    def header(self, cls: type) -> None:
        self._columns = columns(cls)
        self.row([column.header for column in self._columns])

    def record(self, wire: dict[str, Any]) -> None:
        self.row([_cell(column, wire.get(column.name)) for column in self._columns])


def _cell(column: Column, value: Any) -> str:
    return "" if value is None else wire_to_text(column, value)


def _write_meta(table: _TableWriter, meta: Metadata) -> None:
    wire: dict[str, Any] = json_converter.unstructure(meta)
    wire["schema_version"] = meta.schema_version  # a default, so omitted by unstructure
    table.row(list(_META_HEADER))
    for column in columns(Metadata):
        table.row([column.header, _cell(column, wire.get(column.name))])


def _store(archive: zipfile.ZipFile, name: str, spool: IO[bytes]) -> None:
    size = spool.tell()
    spool.seek(0)
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped on Unix
    info.file_size = size  # lets zipfile decide on ZIP64 before writing
    with archive.open(info, "w") as member:
        shutil.copyfileobj(spool, member)
