"""The file-level API: load, dump, write and convert datasets."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from shequkit._exceptions import DataError
from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.formats import RawRecord, ReadOptions
from shequkit.formats._base import META
from shequkit.model import Dataset, Metadata, Record
from shequkit.validate import Report, Validator

__all__ = ["convert", "dump", "load", "write_records"]

PathLike = str | os.PathLike[str]


def load(
    path: PathLike,
    *,
    format: str | None = None,
    encoding: str | None = None,
    toolkit: Toolkit | None = None,
) -> Dataset:
    """Read and validate a file into a :class:`~shequkit.Dataset`.

    ``toolkit`` chooses whose formats to use (the default toolkit otherwise).

    Raises:
        DataError: ``SQK-D100`` when the data has errors; ``error.report`` lists them.
        InputError: when the file cannot be read at all.
    """
    path = Path(path)
    validator = Validator(source=path.name)
    records: list[Record] = []
    tools = toolkit or default_toolkit()
    for raw in tools.read(path, format=format, options=ReadOptions(encoding=encoding)):
        record = validator.feed(raw)
        if record is not None:
            records.append(record)
    report = validator.finish()
    if not report.valid or validator.meta is None:
        raise _invalid(path, report)
    return Dataset.from_records(validator.meta, records)


def dump(
    dataset: Dataset,
    path: PathLike,
    *,
    format: str | None = None,
    toolkit: Toolkit | None = None,
) -> int:
    """Write ``dataset`` to ``path`` (format from ``format`` or the extension), atomically.

    Returns the number of records written.
    """
    records = (record for _, record in dataset.records())
    return write_records(path, dataset.meta, records, format=format, toolkit=toolkit)


def write_records(
    path: PathLike,
    meta: Metadata,
    records: Iterable[Record],
    *,
    format: str | None = None,
    toolkit: Toolkit | None = None,
) -> int:
    """Stream ``records`` (in document order) with ``meta`` to ``path``, atomically."""
    path = Path(path)
    return (toolkit or default_toolkit()).codec_for(path, format).write(path, meta, records)


def convert(
    source: PathLike,
    target: PathLike,
    *,
    from_format: str | None = None,
    to_format: str | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    toolkit: Toolkit | None = None,
) -> Report:
    """Convert a file to another format, validating every record on the way.

    Streams where both formats do. The target is written atomically and only
    when the data is valid: on any error nothing is written and the previous
    target file, if any, is left as it was.

    Raises:
        DataError: ``SQK-D100`` when the data has errors; ``error.report`` lists them.
        InputError: when the source cannot be read at all.
    """
    source, target = Path(source), Path(target)
    options = ReadOptions(encoding=encoding)
    tools = toolkit or default_toolkit()
    writer = tools.codec_for(target, to_format)
    validator = Validator(source=source.name)
    raws = tools.read(source, format=from_format, options=options)
    first = next(raws, None)
    meta_raw = first
    if first is None or first.kind != META:
        # Metadata not first (possible in JSONL): find it with a cheap second pass.
        meta_raw = next(
            (
                raw
                for raw in tools.read(source, format=from_format, options=options)
                if raw.kind == META
            ),
            None,
        )
    if meta_raw is not None:
        validator.feed(meta_raw)
    if validator.meta is None:
        raise _invalid(source, validator.finish())

    def records() -> Iterator[Record]:
        pending: Iterable[RawRecord] = raws if first is meta_raw else _chain(first, raws)
        skipped_meta = first is meta_raw
        for raw in pending:
            if raw.kind == META and not skipped_meta:
                skipped_meta = True
                continue
            record = validator.feed(raw)
            if record is not None:
                yield record
            if progress is not None and validator.report.records % 1000 == 0:
                progress(validator.report.records)
        report = validator.finish()
        if not report.valid:
            # Raised inside the writer's atomic block: the target is never replaced.
            raise _invalid(source, report)

    writer.write(target, validator.meta, records())
    if progress is not None:
        progress(validator.report.records)
    return validator.report


def _chain(first: RawRecord | None, rest: Iterator[RawRecord]) -> Iterator[RawRecord]:
    if first is not None:
        yield first
    yield from rest


def _invalid(path: Path, report: Report) -> DataError:
    return DataError(
        f"{path.name} 的数据未通过校验:{report.error_count} 个错误",
        f"the data in {path.name} is invalid: {report.error_count} errors",
        report=report,
        path=path.name,
    )
