"""Built-in file formats (codecs) and how a file's format is chosen."""

from shequkit.formats._base import (
    SUPPORTED_SCHEMA_VERSIONS,
    Codec,
    RawRecord,
    ReadOptions,
)
from shequkit.formats._json import JsonCodec
from shequkit.formats._jsonl import JsonlCodec
from shequkit.formats._registry import BUILTIN_CODECS, codec_for, codec_named, read_raw

__all__ = [
    "BUILTIN_CODECS",
    "SUPPORTED_SCHEMA_VERSIONS",
    "Codec",
    "JsonCodec",
    "JsonlCodec",
    "RawRecord",
    "ReadOptions",
    "codec_for",
    "codec_named",
    "read_raw",
]
