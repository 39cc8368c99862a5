"""Finding the codec for a format name or a file name among a toolkit's codecs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shequkit._exceptions import UnknownFormatError
from shequkit.formats._base import Codec

__all__ = ["codec_for", "codec_named"]


def codec_named(name: str, codecs: Sequence[Codec]) -> Codec:
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


def codec_for(path: Path, format: str | None, codecs: Sequence[Codec]) -> Codec:
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
