"""Built-in file formats (codecs) and how a file's format is chosen."""

from shequkit.formats._base import (
    SUPPORTED_SCHEMA_VERSIONS,
    Codec,
    RawRecord,
    ReadOptions,
)
from shequkit.formats._json import JsonCodec
from shequkit.formats._jsonl import JsonlCodec

__all__ = [
    "SUPPORTED_SCHEMA_VERSIONS",
    "Codec",
    "JsonCodec",
    "JsonlCodec",
    "RawRecord",
    "ReadOptions",
]
