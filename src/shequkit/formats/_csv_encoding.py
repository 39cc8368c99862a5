"""Reading CSV bytes as text: encoding detection (编码识别) and line splitting under limits.

CSV files saved by Chinese editions of Excel and WPS are GB18030 (GBK) with no
marker at all; other tools write UTF-8, with or without a byte-order mark. The
encoding of each file is decided once, from its bytes:

1. an encoding named by the caller (``--encoding``) is used as given;
2. a UTF-8 byte-order mark means UTF-8 (a UTF-16 one, UTF-16);
3. otherwise nothing is decided while the bytes are plain ASCII, which reads the
   same in both; at the first line with other bytes, that line and the next
   64 KiB are decoded strictly as UTF-8, and if that fails as GB18030;
4. if neither decodes, :class:`~shequkit.EncodingError` (``SQK-F102``) names the
   file and byte offset and suggests ``--encoding``.

Decoding is incremental and strict: a later byte that does not decode in the
chosen encoding is an ``EncodingError`` too, never a replacement character.
"""

from __future__ import annotations

import codecs
import functools
import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Final

from shequkit._exceptions import EncodingError, HostileInputError, MalformedInputError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = ["CHUNK_BYTES", "LineReader", "open_guarded"]

CHUNK_BYTES: Final = 64 * 1024
"""Read size, and how many bytes after the first non-ASCII line decide the encoding."""

_DETECTED: Final = ("utf-8", "gb18030")
_SHOWN: Final = {"utf-8": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16"}


class _GuardedRaw(io.RawIOBase):
    """A raw byte source over any binary stream: counts bytes and turns zip damage into errors."""

    def __init__(self, stream: IO[bytes], name: str, max_bytes: int | None) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._max_bytes = max_bytes
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._stream.read(len(view))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            # Raised by ZipExtFile on a bad CRC or truncated compressed data.
            raise MalformedInputError(
                f"{self._name} 已损坏,无法解压:{error}",
                f"{self._name} is damaged and cannot be decompressed: {error}",
                where=self._name,
            ) from None
        self._total += len(data)
        if self._max_bytes is not None and self._total > self._max_bytes:
            raise HostileInputError(
                f"{self._name} 解压后超过 {self._max_bytes} 字节上限(max_member_bytes)",
                f"{self._name} expands to more than the limit of {self._max_bytes} bytes"
                " (max_member_bytes)",
                where=self._name,
                limit=self._max_bytes,
            )
        view[: len(data)] = data
        return len(data)


def open_guarded(stream: IO[bytes], name: str, max_bytes: int | None = None) -> io.BufferedReader:
    """Buffer ``stream`` for :class:`LineReader`, refusing more than ``max_bytes`` from it."""
    return io.BufferedReader(_GuardedRaw(stream, name, max_bytes), buffer_size=CHUNK_BYTES)


class LineReader:
    """The decoded lines of one CSV byte stream, each ending in ``"\\n"`` (the last may not).

    Iterate it once, feeding a :func:`csv.reader`; call :meth:`end_row` after
    every row the reader returns, so that limits and error messages know which
    spreadsheet row (header = row 1) is being read.

    Raises (while iterating):
        EncodingError: ``SQK-F102``, the bytes do not decode.
        MalformedInputError: ``SQK-F103``, a NUL character (binary or UTF-16 data).
        HostileInputError: ``SQK-F104``, a row longer than ``max_line_bytes``.
    """

    def __init__(
        self, stream: io.BufferedReader, *, name: str, encoding: str | None, max_line_bytes: int
    ) -> None:
        self.name = name
        self.encoding: str | None = None
        """The encoding in use, once decided (``None`` while the bytes are ASCII)."""
        self.row = 0
        """Rows completed so far: the spreadsheet row number of the last one."""
        self._stream = stream
        self._requested = encoding
        self._limit = max_line_bytes
        self._decoder: codecs.IncrementalDecoder | None = None
        self._offset = 0
        self._row_start = 0

    def end_row(self) -> None:
        """Note that the CSV reader has returned a row: the next one starts here."""
        self.row += 1
        self._row_start = self._offset

    def __iter__(self) -> Iterator[str]:
        self._start()
        read = functools.partial(self._stream.readline, self._limit + 1)
        pending = ""
        for raw in iter(read, b""):
            start = self._offset
            self._offset += len(raw)
            if self._offset - self._row_start > self._limit:
                raise HostileInputError(
                    f"{self.name} 第 {self.row + 1} 行超过长度上限 {self._limit} 字节"
                    f"(max_line_bytes={self._limit})",
                    f"row {self.row + 1} of {self.name} exceeds the limit of {self._limit} bytes"
                    f" (max_line_bytes={self._limit})",
                    where=self.name,
                    row=self.row + 1,
                    limit=self._limit,
                )
            if self._decoder is not None:
                text = self._decode(raw, start)
            elif raw.isascii():
                text = raw.decode("ascii")
            else:
                self._use(self._detect(raw, start))
                text = self._decode(raw, start)
            self._check(text)
            if pending:
                text, pending = pending + text, ""
            if text.endswith("\n") and text.count("\n") == 1:
                yield text
                continue
            # Only encodings where a byte 0x0A is not always a line feed (UTF-16) get here.
            *lines, pending = text.split("\n")
            for line in lines:
                yield line + "\n"
        if self._decoder is not None:
            tail = self._decode(b"", self._offset, final=True)
            self._check(tail)
            pending += tail
        if pending:
            yield pending

    def _start(self) -> None:
        head = self._stream.peek(4)[:4]
        if self._requested is not None:
            encoding = _checked_encoding(self._requested, self.name)
            if encoding in ("utf-8", "utf-8-sig"):
                self._skip_bom(head)
                encoding = "utf-8"
            self._use(encoding)
        elif head.startswith(codecs.BOM_UTF8):
            self._skip_bom(head)
            self._use("utf-8")
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self._use("utf-16")

    def _skip_bom(self, head: bytes) -> None:
        # Dropped here rather than by "utf-8-sig" so that byte offsets in errors stay exact.
        if head.startswith(codecs.BOM_UTF8):
            self._offset = len(self._stream.read(len(codecs.BOM_UTF8)))

    def _use(self, encoding: str) -> None:
        self.encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

    def _detect(self, line: bytes, start: int) -> str:
        ahead = self._stream.peek(CHUNK_BYTES)[:CHUNK_BYTES]
        sample = line + ahead
        failures: dict[str, int] = {}
        for encoding in _DETECTED:
            try:
                codecs.getincrementaldecoder(encoding)().decode(sample, final=not ahead)
            except UnicodeDecodeError as error:
                failures[encoding] = start + error.start
                continue
            return encoding
        # The encoding that decoded further is the likelier one: report where it broke.
        offset = max(failures.values())
        raise EncodingError(
            f"{self.name} 既不是 UTF-8 也不是 GB18030 编码的文本(第 {offset} 字节处无法解码);"
            "请用 --encoding 指定文件的编码",
            f"{self.name} is neither UTF-8 nor GB18030 text (undecodable byte at offset"
            f" {offset}); name the file's encoding with --encoding",
            where=self.name,
            offset=offset,
            utf8_offset=failures["utf-8"],
            gb18030_offset=failures["gb18030"],
        )

    def _decode(self, data: bytes, start: int, *, final: bool = False) -> str:
        decoder = self._decoder
        assert decoder is not None
        pending = len(decoder.getstate()[0])
        try:
            return decoder.decode(data, final)
        except UnicodeDecodeError as error:
            offset = start - pending + error.start
            shown = _SHOWN.get(self.encoding or "", self.encoding)
            raise EncodingError(
                f"{self.name} 第 {self.row + 1} 行(第 {offset} 字节处)不是有效的 {shown} 文本;"
                "如果文件使用其他编码保存,请用 --encoding 指定",
                f"row {self.row + 1} of {self.name} is not valid {shown} text (byte offset"
                f" {offset}); if the file was saved in another encoding, name it with --encoding",
                where=self.name,
                row=self.row + 1,
                offset=offset,
                encoding=self.encoding,
            ) from None

    def _check(self, text: str) -> None:
        if "\x00" in text:
            raise MalformedInputError(
                f"{self.name} 第 {self.row + 1} 行含有 NUL 字符;这不是 CSV 文本"
                "(是否为 UTF-16 文件或 .xls 等二进制表格?)",
                f"row {self.row + 1} of {self.name} contains a NUL character; this is not CSV"
                " text (is it UTF-16, or a binary spreadsheet such as .xls?)",
                where=self.name,
                row=self.row + 1,
            )


def _checked_encoding(encoding: str, where: str) -> str:
    """The normalised name of a text encoding the caller asked for."""
    try:
        b"".decode(encoding)  # LookupError for unknown and for non-text codecs (base64)
        return codecs.lookup(encoding).name
    except LookupError:
        raise EncodingError(
            f"未知的文本编码“{encoding}”,无法读取 {where}",
            f"unknown text encoding {encoding!r}; cannot read {where}",
            where=where,
            encoding=encoding,
        ) from None
