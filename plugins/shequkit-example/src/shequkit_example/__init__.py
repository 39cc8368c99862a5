"""A minimal shequkit plugin: an export-only format listing communities (社区名录).

Install it (``pip install -e plugins/shequkit-example``) and ``shequkit
formats`` shows ``community-list``; ``shequkit convert data.json list.names``
writes one line per community.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import shequkit
from shequkit.formats import Codec, RawRecord, ReadOptions
from shequkit.model import Metadata, Record

__all__ = ["CommunityListCodec", "shequkit_formats"]


class CommunityListCodec:
    """Writes ``<division code> <name>`` per community; other records are skipped."""

    name: ClassVar[str] = "community-list"
    media_type: ClassVar[str] = "text/plain"
    # A distinctive extension: claiming a common one such as .txt would be rude.
    extensions: ClassVar[tuple[str, ...]] = (".names",)
    streams: ClassVar[bool] = True
    can_read: ClassVar[bool] = False
    can_write: ClassVar[bool] = True

    def read(self, path: Path, options: ReadOptions) -> Iterator[RawRecord]:
        """Export-only: reading is refused with a clear error."""
        raise shequkit.UsageError(
            "community-list 格式只能写出,不能读入",
            "the community-list format is export-only and cannot be read",
            code="SQK-U113",
        )

    def write(self, path: Path, meta: Metadata, records: Iterable[Record]) -> int:
        """Write one line per community, atomically; return the number of lines."""
        lines = [
            f"{record.division_code} {record.name}\n"
            for record in records
            if isinstance(record, shequkit.Community)
        ]
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(f"# {meta.reporting_unit} {meta.period}\n" + "".join(lines), "utf-8")
        temporary.replace(path)
        return len(lines)


@shequkit.hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The formats this plugin adds."""
    return [CommunityListCodec()]
