"""JSON Lines: the streaming canonical format, one record per line with a ``kind`` field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from shequkit._atomic import atomic_write
from shequkit._convert import json_converter
from shequkit.formats._base import (
    META,
    RawRecord,
    ReadOptions,
    check_json,
    counted,
    decode_text,
    limit_exceeded,
    loads_json,
    open_input,
)
from shequkit.model import Metadata, Record, kind_by_name, kind_of

__all__ = ["JsonlCodec"]


class JsonlCodec:
    """Reads and writes JSONL (``.jsonl``): a ``meta`` line, then one record per line.

    Reading holds one line at a time, so memory stays flat for any file size.
    Lines may come in any order; blank lines are ignored.
    """

    name: ClassVar[str] = "jsonl"
    media_type: ClassVar[str] = "application/jsonl"
    extensions: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson")
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield one raw record per non-blank line (the meta line as kind ``"meta"``)."""
        return counted(self._read(path, options), options, path.name)

    def _read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        counters: dict[str, int] = {}
        limit = options.max_line_bytes
        with open_input(path) as stream:
            for number, line in enumerate(iter(lambda: stream.readline(limit + 1), b""), 1):
                if len(line) > limit and not line.endswith(b"\n"):
                    raise limit_exceeded(
                        path.name,
                        "max_line_bytes",
                        limit,
                        f"第 {number} 行超过长度上限 {limit} 字节",
                        f"line {number} exceeds the limit of {limit} bytes",
                        line=number,
                    )
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                text = decode_text(line, where=where, encoding=options.encoding)
                value = loads_json(text, where=where)
                check_json(text, value, options, where)
                yield _raw_record(value, counters, f"line {number}")

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write the meta line and one line per record, atomically; return the record count."""
        count = 0
        with atomic_write(path) as out:
            head = {"kind": META, "schema_version": meta.schema_version}
            out.write(_line({**head, **json_converter.unstructure(meta)}))
            for record in records:
                out.write(
                    _line({"kind": kind_of(record).name, **json_converter.unstructure(record)})
                )
                count += 1
        return count


def _raw_record(value: Any, counters: dict[str, int], location: str) -> RawRecord:
    if type(value) is not dict or type(value.get("kind")) is not str:
        # Not an object, or no kind: the validator reports it at this line.
        return RawRecord("", 0, value, "", location)
    name = value.pop("kind")
    index = counters.get(name, 0)
    counters[name] = index + 1
    kind = kind_by_name(name)
    collection = kind.collection if kind is not None else name
    path = "/meta" if name == META else f"/{collection}/{index}"
    return RawRecord(name, index, value, path, location)


def _line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"
