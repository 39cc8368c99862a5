"""Built-in file formats (codecs) and how a file's format is chosen."""

from shequkit.formats._base import (
    SUPPORTED_SCHEMA_VERSIONS,
    Codec,
    RawRecord,
    ReadOptions,
)
from shequkit.formats._json import JsonCodec
from shequkit.formats._jsonl import JsonlCodec
from shequkit.formats._return_workbook import (
    Derived,
    Field,
    ReturnColumn,
    ReturnSheet,
    ReturnWorkbookCodec,
    Tally,
    present,
    tally_key,
)
from shequkit.formats._tabular import neutralise, restore

__all__ = [
    "SUPPORTED_SCHEMA_VERSIONS",
    "Codec",
    "Derived",
    "Field",
    "JsonCodec",
    "JsonlCodec",
    "RawRecord",
    "ReadOptions",
    "ReturnColumn",
    "ReturnSheet",
    "ReturnWorkbookCodec",
    "Tally",
    "neutralise",
    "present",
    "restore",
    "tally_key",
]
