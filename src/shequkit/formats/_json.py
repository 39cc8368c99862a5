"""The canonical shequkit JSON document: ``schema_version``, ``meta`` and one array per kind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from shequkit._atomic import atomic_write
from shequkit._convert import json_converter
from shequkit._exceptions import MalformedInputError
from shequkit.formats._base import (
    META,
    KindSpools,
    RawRecord,
    ReadOptions,
    check_json,
    counted,
    decode_text,
    limit_exceeded,
    loads_json,
    open_input,
)
from shequkit.model import Metadata, Record, kind_by_collection, kind_of

__all__ = ["JsonCodec"]


class JsonCodec:
    """Reads and writes the canonical JSON document (``.json``).

    The document is read whole (JSON has no record boundaries to stream on);
    use JSONL for files larger than memory. Writing streams: records of each
    kind are spooled to temporary storage so they may arrive in any order.
    """

    name: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    extensions: ClassVar[tuple[str, ...]] = (".json",)
    streams: ClassVar[bool] = False
    can_read: ClassVar[bool] = True
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Yield the metadata (kind ``"meta"``) and then every record, in file order."""
        limit = options.max_file_bytes
        with open_input(path) as stream:
            # The size on disk first: a file over the limit is not read into memory at all.
            too_big = os.fstat(stream.fileno()).st_size > limit
            data = b"" if too_big else stream.read(limit + 1)
        if too_big or len(data) > limit:
            raise limit_exceeded(
                path.name,
                "max_file_bytes",
                limit,
                "超过 JSON 文件大小上限(JSON 须整体读入内存),请改用 JSONL",
                "is larger than a JSON file may be (JSON is read whole); use JSONL for large files",
            )
        text = decode_text(data, where=path.name, encoding=options.encoding)
        del data
        document = loads_json(text, where=path.name)
        check_json(text, document, options, path.name)
        del text
        yield from counted(iter_document(document, where=path.name), options, path.name)

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write a canonical document atomically; return the number of records."""
        count = 0
        with contextlib.ExitStack() as stack:
            spools: KindSpools[IO[bytes]] = KindSpools(stack, lambda kind, file: file)
            for record in records:
                spool = spools[kind_of(record)]
                if spool.tell():
                    spool.write(b",\n")
                spool.write(b"  " + _dumps(json_converter.unstructure(record)))
                count += 1
            with atomic_write(path) as out:
                out.write(b'{"schema_version": ' + _dumps(meta.schema_version))
                out.write(b',\n"meta": ' + _dumps(_meta_body(meta)))
                for kind, spool in spools.in_order():
                    out.write(f',\n"{kind.collection}": [\n'.encode())
                    spool.seek(0)
                    shutil.copyfileobj(spool, out)
                    out.write(b"\n]")
                out.write(b"}\n")
        return count


def iter_document(document: Any, *, where: str) -> Iterator[RawRecord]:
    """Yield the raw records of an already-parsed canonical document (a ``dict``)."""
    if type(document) is not dict:
        raise MalformedInputError(
            f"{where}的顶层应为 JSON 对象",
            f"the top level of {where} must be a JSON object",
            where=where,
        )
    meta = document.get("meta")
    if "schema_version" in document and type(meta) is dict:
        meta = {"schema_version": document["schema_version"], **meta}
    yield RawRecord(META, 0, meta, "/meta")
    for key, value in document.items():
        if key in ("schema_version", "meta"):
            continue
        kind = kind_by_collection(key)
        if kind is None or type(value) is not list:
            # Reported once for the whole key (even an empty array), not per item.
            yield RawRecord(kind.name if kind else key, -1, value, f"/{key}")
            continue
        name = kind.name
        for index, item in enumerate(value):
            yield RawRecord(name, index, item, f"/{key}/{index}")


def _meta_body(meta: Metadata) -> dict[str, Any]:
    body: dict[str, Any] = json_converter.unstructure(meta)
    body.pop("schema_version", None)  # stated once, at the top of the document
    return body


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")).encode()
