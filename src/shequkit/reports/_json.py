"""The JSON report: :meth:`Evaluation.to_dict` as UTF-8 JSON (Chinese not escaped)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Final

from shequkit._atomic import atomic_write
from shequkit._exceptions import UsageError
from shequkit.standards import Evaluation

__all__ = ["JsonReportWriter"]

_CHUNK: Final = 1 << 16


class JsonReportWriter:
    """Writes :meth:`Evaluation.to_dict() <shequkit.standards.Evaluation.to_dict>` as JSON.

    UTF-8 with Chinese written as is (``ensure_ascii=False``), indented, no NaN
    (shares without communities are ``null``); written atomically.
    """

    name: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def write(
        self,
        evaluation: Evaluation,
        path: Path,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write the JSON report to ``path`` atomically."""
        encoder = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False)
        document = evaluation.to_dict()
        try:
            with atomic_write(path) as stream:
                pending: list[str] = []
                size = 0
                for piece in encoder.iterencode(document):
                    pending.append(piece)
                    size += len(piece)
                    if size >= _CHUNK:
                        stream.write("".join(pending).encode())
                        pending, size = [], 0
                pending.append("\n")
                stream.write("".join(pending).encode())
        except ValueError:  # allow_nan=False: JSON has no NaN or infinity
            raise UsageError(
                "评估结果含有 JSON 无法表示的数值(NaN 或无穷大)",
                "the evaluation holds a number JSON cannot represent (NaN or infinity)",
                code="SQK-U100",
            ) from None
        if progress is not None:
            progress(len(evaluation.communities))
