"""Finding the codec for a format name or a file name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from shequkit._exceptions import UnknownFormatError
from shequkit.formats._base import Codec, RawRecord, ReadOptions
from shequkit.formats._json import JsonCodec
from shequkit.formats._jsonl import JsonlCodec

__all__ = ["BUILTIN_CODECS", "codec_for", "codec_named", "read_raw"]

BUILTIN_CODECS: Final[tuple[Codec, ...]] = (JsonCodec(), JsonlCodec())
"""The codecs that ship with shequkit itself."""


def codec_named(name: str, codecs: tuple[Codec, ...] = BUILTIN_CODECS) -> Codec:
    """The codec called ``name`` (``"jsonl"``).

    Raises:
        UnknownFormatError: ``SQK-F105`` when no codec has that name.
    """
    for codec in codecs:
        if codec.name == name.lower():
            return codec
    known = ", ".join(codec.name for codec in codecs)
    raise UnknownFormatError(
        f"未知的格式“{name}”,可用格式:{known}",
        f"unknown format {name!r}; available formats: {known}",
        format=name,
    )


def codec_for(
    path: Path, format: str | None = None, codecs: tuple[Codec, ...] = BUILTIN_CODECS
) -> Codec:
    """The codec for ``path``: the one named by ``format``, else the one owning its extension.

    Raises:
        UnknownFormatError: ``SQK-F105`` when neither identifies a codec.
    """
    if format is not None:
        return codec_named(format, codecs)
    suffix = path.suffix.lower()
    for codec in codecs:
        if suffix in codec.extensions:
            return codec
    known = ", ".join(ext for codec in codecs for ext in codec.extensions)
    raise UnknownFormatError(
        f"无法从扩展名“{suffix or '(无)'}”判断 {path.name} 的格式,请用 --format 指定;"
        f"已知扩展名:{known}",
        f"cannot tell the format of {path.name} from its extension {suffix or '(none)'!r};"
        f" name it with --format. Known extensions: {known}",
        path=path.name,
    )


def read_raw(
    path: str | Path,
    *,
    format: str | None = None,
    options: ReadOptions | None = None,
    codecs: tuple[Codec, ...] = BUILTIN_CODECS,
) -> Iterator[RawRecord]:
    """Yield the raw records of the file at ``path`` with the codec for its format."""
    path = Path(path)
    codec = codec_for(path, format, codecs)
    return codec.read(path, options or ReadOptions())
