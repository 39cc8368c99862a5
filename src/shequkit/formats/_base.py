"""What every codec provides, and the raw records readers yield."""

from __future__ import annotations

import codecs
import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, ClassVar, Final, Generic, Protocol, TypeVar

import attrs

from shequkit._exceptions import (
    EncodingError,
    HostileInputError,
    InputNotFoundError,
    MalformedInputError,
)
from shequkit.model import RECORD_KINDS, Metadata, Record, RecordKind

__all__ = [
    "INT64_RANGE",
    "SPOOL_BYTES",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Codec",
    "KindSpools",
    "RawRecord",
    "ReadOptions",
    "check_json",
    "check_zip_directory",
    "counted",
    "decode_text",
    "limit_exceeded",
    "loads_json",
    "open_input",
]

SUPPORTED_SCHEMA_VERSIONS: Final = frozenset({"1.0"})
META: Final = "meta"
"""The kind name readers give the metadata of a document."""


@attrs.define  # not frozen: a frozen attrs class costs three times as much to make,
class RawRecord:  # and readers make one per record. Treat it as read-only all the same.
    """One record as read from a file, before any validation.

    Attributes:
        kind: the record kind name (``"community"``), ``"meta"`` for the
            metadata, or whatever unknown name the file used.
        index: position within its kind (0-based), as in ``/communities/3``.
        data: the decoded value, normally a ``dict`` of wire values.
        path: JSON pointer of the record in the canonical document.
        location: where in the source file (``"line 57"``), when known.
        columns: for formats with columns, where each field's cell is (field name
            → ``"column D (社区类型)"``); the validator adds it to the location of
            an issue about that field. Shared by every row of a sheet.
    """

    kind: str
    index: int
    data: Any
    path: str
    location: str | None = None
    columns: Mapping[str, str] | None = None


@attrs.frozen(kw_only=True)
class ReadOptions:
    """Options and safety limits (安全上限) for readers.

    Input beyond a limit raises :class:`~shequkit.HostileInputError`
    (``SQK-F104``) naming the limit and its value; docs/security.md explains
    each default.

    Attributes:
        encoding: overrides detection in text formats (JSON is UTF-8 by
            definition; CSV detects UTF-8, UTF-8 with BOM and GB18030).
        max_file_bytes: size of a file that must be read whole (JSON, XLSX
            and the provincial return workbooks); streaming formats have no
            file size limit.
        max_line_bytes: one line (JSONL), row (CSV) or record (XML).
        max_records: records in one input, metadata not counted.
        max_field_chars: characters in one value: a JSON string, a CSV or
            XLSX cell, an XML element's text.
        max_depth: nesting of JSON arrays and objects, the document itself
            being level 1 (a canonical document needs 4). XML has a fixed
            limit of its own (10 element levels; a document needs 5).
    """

    encoding: str | None = None
    max_file_bytes: int = 2 * 1024**3
    max_line_bytes: int = 16 * 1024**2
    max_records: int = 100_000_000
    max_field_chars: int = 1024**2
    max_depth: int = 32


class Codec(Protocol):
    """A file format shequkit can read and/or write.

    Readers yield :class:`RawRecord` items lazily (the metadata as kind
    ``"meta"``), raising :class:`~shequkit.InputError` subclasses only for input
    that cannot be read at all. Writers take records in document order and
    write atomically.
    """

    name: ClassVar[str]
    media_type: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    streams: ClassVar[bool]
    can_read: ClassVar[bool]
    can_write: ClassVar[bool]

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the raw records of the file at ``path``."""
        ...

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write ``meta`` and ``records`` to ``path``; return the number of records."""
        ...


def open_input(path: Path) -> Any:
    """Open ``path`` for binary reading, turning OS errors into ``InputNotFoundError``."""
    try:
        return path.open("rb")
    except OSError as error:
        raise InputNotFoundError(
            f"无法打开输入文件 {path.name}:{error.strerror}",
            f"cannot open input file {path.name}: {error.strerror}",
            path=str(path),
        ) from None


def decode_text(data: bytes, *, where: str, encoding: str | None = None) -> str:
    """Decode UTF-8 (a leading BOM is dropped) or the encoding the caller names."""
    try:
        if encoding is None and not data.startswith(codecs.BOM_UTF8):
            # Without a BOM "utf-8-sig" is "utf-8", whose C decoder is much faster.
            return data.decode("utf-8")
        return data.decode(encoding or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as error:
        position = getattr(error, "start", None)
        at_zh = f"第 {position} 字节处" if position is not None else ""
        at_en = f" at byte {position}" if position is not None else ""
        raise EncodingError(
            f"{where}{at_zh}不是有效的 {encoding or 'UTF-8'} 文本",
            f"{where} is not valid {encoding or 'UTF-8'} text{at_en}",
            where=where,
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in shequkit JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {duplicate!r}")
    return result


INT64_RANGE: Final = (-(2**63), 2**63 - 1)
"""Integers a reader accepts (JSON refuses others as hostile; cells keep them as text)."""


class _OutOfRange(ValueError):
    """A JSON integer outside :data:`INT64_RANGE`, raised from inside the decoder."""


def _int64(literal: str) -> int:
    # Checked before int(): converting a 100,000-digit literal takes quadratic time
    # unless sys.set_int_max_str_digits() forbids it, which an embedding program may undo.
    if len(literal) < 19:  # at most 18 digits: always in range
        return int(literal)
    if len(literal) <= 20:
        value = int(literal)
        if INT64_RANGE[0] <= value <= INT64_RANGE[1]:
            return value
    raise _OutOfRange(len(literal.lstrip("-")))


_DECODER: Final = json.JSONDecoder(
    parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys, parse_int=_int64
)


def loads_json(text: str, *, where: str) -> Any:
    """Parse JSON strictly: no NaN/Infinity, no duplicate keys, 64-bit integers.

    Duplicate keys are rejected rather than silently keeping the last value,
    so no data is lost without a word (documented in docs/formats.md). Nesting
    deeper than the interpreter's recursion limit and integers outside
    :data:`INT64_RANGE` are refused as hostile (see docs/security.md).
    """
    try:
        if text.startswith("\ufeff"):  # json.loads explains this case; decode() would not
            return json.loads(
                text,
                parse_constant=_reject_constant,
                object_pairs_hook=_no_duplicate_keys,
                parse_int=_int64,
            )
        return _DECODER.decode(text)  # what json.loads does, without a new decoder per call
    except RecursionError:
        raise HostileInputError(
            f"{where}嵌套层数过深", f"{where} is nested too deeply", where=where
        ) from None
    except _OutOfRange as error:
        digits = error.args[0]
        raise HostileInputError(
            f"{where}含有 {digits} 位的整数,超出 64 位整数范围",
            f"{where} holds an integer of {digits} digits, outside the 64-bit range"
            f" {INT64_RANGE[0]}..{INT64_RANGE[1]}",
            where=where,
            digits=digits,
        ) from None
    except ValueError as error:
        raise MalformedInputError(
            f"{where}不是有效的 JSON:{error}",
            f"{where} is not valid JSON: {error}",
            where=where,
        ) from None


def limit_exceeded(
    where: str, limit: str, value: int, zh: str, en: str, **details: Any
) -> HostileInputError:
    """``SQK-F104`` for input beyond the :class:`ReadOptions` limit named ``limit``.

    The message names the limit and its value (``max_records=1000``).
    """
    return HostileInputError(
        f"{where} {zh}(上限 {limit}={value})",
        f"{where} {en} (limit {limit}={value})",
        where=where,
        limit=value,
        limit_name=limit,
        **details,
    )


def counted(records: Iterator[RawRecord], options: ReadOptions, where: str) -> Iterator[RawRecord]:
    """``records``, refusing more than ``options.max_records`` (the metadata is not counted)."""
    limit = options.max_records
    count = 0
    for raw in records:
        if raw.kind != META:
            count += 1
            if count > limit:
                raise limit_exceeded(
                    where,
                    "max_records",
                    limit,
                    f"的记录超过 {limit} 条",
                    f"has more than {limit} records",
                )
        yield raw


def check_json(text: str, value: Any, options: ReadOptions, where: str) -> None:
    """Refuse parsed JSON nested deeper than ``max_depth`` or with a too long string.

    ``text`` is what ``value`` was parsed from: when it is too short to hold
    a long string or too few brackets to nest deeply, nothing is walked (the
    usual JSONL line). Otherwise containers are walked level by level, never
    deeper than the limit. Strings that are object keys are not checked.
    """
    chars, depth_limit = options.max_field_chars, options.max_depth
    if len(text) <= chars and text.count("[") + text.count("{") <= depth_limit:
        return
    kind = type(value)
    level = [value] if kind is dict or kind is list else []
    depth = 0
    while level:
        depth += 1
        if depth > depth_limit:
            raise limit_exceeded(
                where,
                "max_depth",
                depth_limit,
                f"的数组和对象嵌套超过 {depth_limit} 层",
                f"nests arrays and objects deeper than {depth_limit} levels",
            )
        deeper: list[Any] = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                kind = type(item)
                if kind is str:
                    if len(item) > chars:
                        raise limit_exceeded(
                            where,
                            "max_field_chars",
                            chars,
                            f"有长度为 {len(item)} 个字符的字符串",
                            f"holds a string of {len(item)} characters",
                        )
                elif kind is dict or kind is list:
                    deeper.append(item)
        level = deeper


ZIP_DIRECTORY_BYTES_PER_MEMBER: Final = 512
"""Central directory bytes allowed per permitted member (a record is 46 bytes and its name)."""


def check_zip_directory(stream: IO[bytes], where: str, max_members: int) -> None:
    """Refuse a zip whose central directory is too large for ``max_members`` members.

    zipfile builds an object for every entry of the central directory, however
    many the end record claims, before any limit can count them: a 30 MB zip of
    empty entries costs 200 MB. The directory's size, read from the end record
    (ZIP64 included), bounds that cost first. ``stream`` is left at its start.
    """
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(max(0, end - 22 - 65535))  # the end record, after a comment of up to 64 KiB
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    size = int.from_bytes(tail[at + 12 : at + 16], "little") if 0 <= at <= len(tail) - 22 else 0
    locator = at - 20
    if size == 0xFFFFFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        stream.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
        record = stream.read(56)
        if record[:4] == b"PK\x06\x06":
            size = int.from_bytes(record[40:48], "little")
    stream.seek(0)
    limit = max_members * ZIP_DIRECTORY_BYTES_PER_MEMBER
    if size > limit:
        raise HostileInputError(
            f"{where} 的 zip 目录有 {size} 字节,超过 {max_members} 个成员所需(上限 {limit} 字节)",
            f"{where} has a zip directory of {size} bytes, more than {max_members} members"
            f" need (limit {limit} bytes)",
            where=where,
            limit=limit,
        )


_T = TypeVar("_T")

SPOOL_BYTES: Final = 8 * 1024**2
"""How much of one kind's records a writer keeps in memory before spilling to disk."""


class KindSpools(Generic[_T]):
    """Temporary storage per record kind, for writers whose files group records by kind.

    Records reach a writer in any order (JSONL may interleave kinds), but
    JSON, CSV, XLSX and XML files hold each kind together, in document order.
    Each kind gets a spooled temporary file (memory first, disk past
    :data:`SPOOL_BYTES`), wrapped by ``open_kind`` into whatever the writer
    appends with; :meth:`in_order` hands them back in ``RECORD_KINDS`` order.
    Files close with ``stack``.
    """

    def __init__(
        self,
        stack: contextlib.ExitStack,
        open_kind: Callable[[RecordKind, IO[bytes]], _T],
        *,
        max_memory: int = SPOOL_BYTES,
    ) -> None:
        self._stack = stack
        self._open_kind = open_kind
        self._max_memory = max_memory
        self._spools: dict[str, _T] = {}

    def __getitem__(self, kind: RecordKind) -> _T:
        """The storage of ``kind``, created on first use."""
        spool = self._spools.get(kind.name)
        if spool is None:
            # Closed by the caller's ExitStack, which is the context manager here.
            spooled = tempfile.SpooledTemporaryFile(self._max_memory)  # noqa: SIM115
            file = self._stack.enter_context(spooled)
            spool = self._spools[kind.name] = self._open_kind(kind, file)
        return spool

    def in_order(self) -> Iterator[tuple[RecordKind, _T]]:
        """The kinds that received records, with their storage, in document order."""
        for kind in RECORD_KINDS:
            spool = self._spools.get(kind.name)
            if spool is not None:
                yield kind, spool
