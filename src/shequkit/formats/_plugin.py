"""The built-in formats, registered through the same hook as any external plugin."""

from __future__ import annotations

from collections.abc import Sequence

from shequkit._hookspecs import hookimpl
from shequkit.formats._base import Codec
from shequkit.formats._json import JsonCodec
from shequkit.formats._jsonl import JsonlCodec

__all__ = ["shequkit_formats"]


@hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The canonical JSON document and JSONL."""
    return [JsonCodec(), JsonlCodec()]
