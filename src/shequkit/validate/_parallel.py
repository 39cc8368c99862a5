"""Validating one large JSONL file with several processes, for the same report as one.

The file is cut into chunks at line boundaries. Worker processes read their
chunks exactly as the JSONL reader does and run the structural layer, which
is most of the work; what they find is recorded as *events* in file order:
an issue, a record for the semantic layer (only the fields it reads), the id
of a record that failed, a metadata line. The parent replays the events of
chunk after chunk, in order, into one :class:`~shequkit.validate.Validator`,
renumbering paths and lines by the records and lines of the chunks before, so
the report is the one the serial path makes, issue for issue and in order.

If a worker meets a file error (bad JSON, bad encoding, a hostile line), the
parent validates the file serially instead, which raises that error with the
line numbers of the whole file.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._exceptions import ShequkitError
from shequkit.formats import RawRecord, ReadOptions
from shequkit.formats._base import META, check_json, decode_text, loads_json
from shequkit.formats._jsonl import _raw_record
from shequkit.model import RECORD_KINDS, RecordKind, kind_by_name
from shequkit.validate._report import Issue, Report
from shequkit.validate._validate import Validator

__all__ = ["CHUNK_BYTES", "validate_parallel"]

CHUNK_BYTES: Final = 8 * 1024**2
"""Bytes of JSONL per chunk handed to a worker."""

# What the semantic layer reads of each kind of record (see _semantic.py).
_READS: Final[dict[str, tuple[str, ...]]] = {
    "division": ("code", "level", "parent_code"),
    "community": ("id", "division_code", "households", "population"),
    "grid": ("id", "community_id", "households", "worker_staff_id"),
    "organisation": ("id", "community_id", "type", "parent_id", "uscc"),
    "facility": ("id", "community_id"),
    "service": ("id", "community_id", "provider_id", "facility_id"),
    "staff": (
        "id",
        "community_id",
        "id_number",
        "gender",
        "organisation_id",
        "facility_id",
        "grid_id",
    ),
    "volunteer_team": ("id", "community_id"),
    "equipment": ("id", "community_id", "facility_id"),
    "funding": ("id", "community_id"),
    "designation": ("id", "community_id"),
    "indicator": ("id", "subject"),
}
# Module-level named tuples, so that pickle finds them in the parent.
for _kind in RECORD_KINDS:
    _name = f"{_kind.cls.__name__}Facts"
    globals()[_name] = collections.namedtuple(_name, _READS[_kind.name], module=__name__)
_FACTS: Final[dict[str, Any]] = {
    kind.name: globals()[f"{kind.cls.__name__}Facts"] for kind in RECORD_KINDS
}

# Event tags.
_ISSUE, _ADD, _UNSTRUCTURED, _META = 0, 1, 2, 3


class _Recorder:
    """Stands in for the semantic layer in a worker: notes what it would be given."""

    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.reporting_division: Any = None

    def add(self, kind: RecordKind, index: int, record: Any) -> None:
        facts = _FACTS[kind.name]
        self.events.append(
            (_ADD, kind.name, index, facts(*map(record.__getattribute__, facts._fields)))
        )

    def add_unstructured_id(self, kind: RecordKind, index: int, data: Any) -> None:
        if type(data) is dict:
            key = data.get(kind.key_field)
            if type(key) is str:
                community = data.get("community_id")
                small = {kind.key_field: key, "community_id": community}
                self.events.append((_UNSTRUCTURED, kind.name, index, small))


@attrs.frozen
class _Chunk:
    events: list[Any]
    counts: dict[str, int]  # records per kind name (including unknown names and meta)
    lines: int
    records: int  # as the validator counts them


def _check_chunk(path: str, start: int, end: int, options: ReadOptions) -> _Chunk:
    """A worker: the events of the lines from byte ``start`` to ``end`` (line-aligned)."""
    events: list[Any] = []
    validator = Validator(source="", records=False)
    validator._semantic = _Recorder(events)  # type: ignore[assignment]
    validator._emit = lambda issue: events.append((_ISSUE, issue))  # type: ignore[method-assign]
    counters: dict[str, int] = {}
    lines = 0
    name = Path(path).name
    with open(path, "rb") as stream:
        stream.seek(start)
        position = start
        limit = options.max_line_bytes
        while position < end:
            line = stream.readline(limit + 1)
            if not line:
                break
            position += len(line)
            lines += 1
            if len(line) > limit and not line.endswith(b"\n"):
                raise ShequkitError("line too long", "line too long")  # serial path explains
            if not line.strip():
                continue
            where = f"{name}:{lines}"
            text = decode_text(line, where=where, encoding=options.encoding)
            value = loads_json(text, where=where)
            check_json(text, value, options, where)  # the reader's limits, as serially
            raw = _raw_record(value, counters, f"line {lines}")
            if raw.kind == META:
                events.append((_META, raw))
                continue
            validator.feed(raw)
    return _Chunk(events, counters, lines, validator.report.records)


def _chunks(path: Path, size: int) -> Iterator[tuple[int, int]]:
    """Byte ranges of about ``size`` bytes, each ending at the end of a line."""
    total = path.stat().st_size
    with path.open("rb") as stream:
        start = 0
        while start < total:
            stream.seek(min(start + size, total))
            if stream.tell() < total:
                stream.readline()  # to the end of the line the cut fell in
            end = stream.tell()
            yield start, end
            start = end


def validate_parallel(
    path: str | os.PathLike[str],
    *,
    workers: int,
    encoding: str | None = None,
    max_issues: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Report:
    """Validate a JSONL file with ``workers`` processes; the report equals the serial one."""
    path = Path(path)
    options = ReadOptions(encoding=encoding)
    validator = Validator(source=path.name, max_issues=max_issues, records=False)
    context = multiprocessing.get_context("spawn")  # safe in threaded programs too
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            pending: collections.deque[Any] = collections.deque()
            ranges = _chunks(path, chunk_bytes)
            offsets: dict[str, int] = {}
            lines = 0
            for start, end in ranges:
                pending.append(pool.submit(_check_chunk, str(path), start, end, options))
                if len(pending) >= 2 * workers:  # keep memory bounded: a few chunks ahead
                    lines = _replay(pending.popleft().result(), validator, offsets, lines)
            while pending:
                lines = _replay(pending.popleft().result(), validator, offsets, lines)
        if validator.report.records > options.max_records:
            raise ShequkitError("too many records", "too many records")  # serial explains
    except ShequkitError:
        from shequkit.validate._validate import validate

        return validate(path, format="jsonl", encoding=encoding, max_issues=max_issues)
    return validator.finish()


def _replay(chunk: _Chunk, validator: Validator, offsets: dict[str, int], lines: int) -> int:
    """Feed one chunk's events to the validator, renumbered; return the lines so far."""
    semantic = validator._semantic
    report = validator.report
    emit = validator._emit
    for event in chunk.events:
        tag = event[0]
        if tag == _ADD:
            _, name, index, facts = event
            semantic.add(kind_by_name(name), index + offsets.get(name, 0), facts)  # type: ignore[arg-type]
        elif tag == _ISSUE:
            emit(_renumbered(event[1], offsets, lines))
        elif tag == _UNSTRUCTURED:
            _, name, index, data = event
            semantic.add_unstructured_id(kind_by_name(name), index + offsets.get(name, 0), data)  # type: ignore[arg-type]
        else:
            raw: RawRecord = event[1]
            location = f"line {int(raw.location.split()[1]) + lines}" if raw.location else None
            index = raw.index + offsets.get(META, 0)
            validator.feed(attrs.evolve(raw, index=index, location=location))
    report.records += chunk.records
    for name, count in chunk.counts.items():
        offsets[name] = offsets.get(name, 0) + count
    return lines + chunk.lines


def _renumbered(issue: Issue, offsets: dict[str, int], lines: int) -> Issue:
    path = issue.path
    parts = path.split("/", 3)
    if len(parts) >= 3 and parts[2].isdigit():
        kind = _BY_COLLECTION.get(parts[1], parts[1])
        index = int(parts[2]) + offsets.get(kind, 0)
        path = "/".join([*parts[:2], str(index), *parts[3:]])
    location = issue.location
    if location is not None and location.startswith("line "):
        location = f"line {int(location[5:]) + lines}"
    return attrs.evolve(issue, path=path, location=location)


_BY_COLLECTION: Final = {kind.collection: kind.name for kind in RECORD_KINDS}
