"""Write a report of an evaluation, choosing the writer by the file's extension."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from shequkit._hookspecs import ReportWriter
from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.standards import Evaluation

__all__ = ["write_report"]


def write_report(
    evaluation: Evaluation,
    path: str | os.PathLike[str],
    *,
    toolkit: Toolkit | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReportWriter:
    """Write the report of ``evaluation`` to ``path`` with the writer for its extension.

    ``.xlsx``, ``.html`` and ``.json`` come with shequkit; plugins may add more
    through the ``shequkit_reports`` hook. Evaluate with
    ``figures=REPORT_FIGURES`` for the facility and service-space charts.

    Returns:
        The writer used.

    Raises:
        UsageError: ``SQK-U121`` when no writer produces that extension.
    """
    target = Path(path)
    writer = (toolkit or default_toolkit()).report_writer_for(target)
    writer.write(evaluation, target, progress=progress)
    return writer
