"""What every codec provides, and the raw records readers yield."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
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
    "SPOOL_BYTES",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Codec",
    "KindSpools",
    "RawRecord",
    "ReadOptions",
    "decode_text",
    "loads_json",
    "open_input",
]

SUPPORTED_SCHEMA_VERSIONS: Final = frozenset({"1.0"})
META: Final = "meta"
"""The kind name readers give the metadata of a document."""


@attrs.frozen
class RawRecord:
    """One record as read from a file, before any validation.

    Attributes:
        kind: the record kind name (``"community"``), ``"meta"`` for the
            metadata, or whatever unknown name the file used.
        index: position within its kind (0-based), as in ``/communities/3``.
        data: the decoded value, normally a ``dict`` of wire values.
        path: JSON pointer of the record in the canonical document.
        location: where in the source file (``"line 57"``), when known.
    """

    kind: str
    index: int
    data: Any
    path: str
    location: str | None = None


@attrs.frozen(kw_only=True)
class ReadOptions:
    """Options and safety limits for readers.

    ``max_file_bytes`` bounds whole-document formats that must be read at once
    (JSON); ``max_line_bytes`` bounds one line or field of streaming formats.
    ``encoding`` overrides detection in text formats (JSON is UTF-8 by
    definition; CSV detects UTF-8, UTF-8 with BOM and GB18030).
    """

    encoding: str | None = None
    max_file_bytes: int = 2 * 1024**3
    max_line_bytes: int = 16 * 1024**2


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


def loads_json(text: str, *, where: str) -> Any:
    """Parse JSON strictly: no NaN/Infinity, no duplicate keys.

    Duplicate keys are rejected rather than silently keeping the last value,
    so no data is lost without a word (documented in docs/formats.md). Nesting
    deeper than the interpreter's recursion limit is refused as hostile.
    """
    try:
        return json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except RecursionError:
        raise HostileInputError(
            f"{where}嵌套层数过深", f"{where} is nested too deeply", where=where
        ) from None
    except ValueError as error:
        raise MalformedInputError(
            f"{where}不是有效的 JSON:{error}",
            f"{where} is not valid JSON: {error}",
            where=where,
        ) from None


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
