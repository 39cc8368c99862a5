"""What one Spark partition does with its JSONL lines: plain Python, no Spark needed.

Each line is read exactly as the JSONL reader reads it, structured exactly as
the validator does, and checked by the semantic checks of one record alone
(:func:`~shequkit.validate._semantic.division_issues` and its siblings). Out
come *rows*, all of one shape (:data:`ROW_FIELDS`):

``issue``
    an issue found here, its path and line still relative to the partition
    (``kind``/``idx``/``rest`` and ``line``; the driver adds the offsets);
``count`` / ``lines``
    how many records of each kind, and how many lines, the partition holds;
``meta``
    a metadata line, for the driver to check in order;
``id``, ``division``, ``ref``, ``code``, ``community``, ``grid``, ``org``, ``sub``
    the facts the checks between records need, as the semantic layer indexes them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any, Final, TypeVar

from shequkit.codes import DivisionLevel
from shequkit.formats._base import META, ReadOptions, check_json, loads_json
from shequkit.formats._jsonl import _raw_record
from shequkit.model import kind_by_name
from shequkit.validate._report import Issue
from shequkit.validate._semantic import (
    _REFERENCES,
    _SUBCOMMITTEES,
    community_issues,
    division_issues,
    staff_issues,
)
from shequkit.validate._structural import structure_record

__all__ = ["ARROW_BATCH_ROWS", "ROW_FIELDS", "check_lines", "chunked", "issue_row"]

T = TypeVar("T")

ARROW_BATCH_ROWS: Final = 4096
"""Rows per Arrow batch a ``mapInArrow`` function yields: bounded memory per task."""

ROW_FIELDS: Final = (
    ("t", "string"),
    ("kind", "string"),
    ("coll", "string"),
    ("idx", "long"),
    ("rest", "string"),
    ("line", "long"),
    ("code", "string"),
    ("severity", "string"),
    ("layer", "string"),
    ("path", "string"),
    ("message_zh", "string"),
    ("message_en", "string"),
    ("value", "string"),
    ("record_id", "string"),
    ("key", "string"),
    ("community", "string"),
    ("field", "string"),
    ("target", "string"),
    ("number", "long"),
    ("text", "string"),
    ("structured", "boolean"),
)
_NAMES: Final = tuple(name for name, _ in ROW_FIELDS)
_OPTIONS: Final = ReadOptions()


def chunked(rows: Iterable[T], size: int = ARROW_BATCH_ROWS) -> Iterator[list[T]]:
    """``rows`` in lists of at most ``size``, the last one shorter (never empty)."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def issue_row(issue: Issue) -> dict[str, Any]:
    """The issue columns of a row: :meth:`Issue.to_dict`, the value as JSON text."""
    data = issue.to_dict()
    value = data.get("value")
    return {
        "code": data["code"],
        "severity": data["severity"],
        "layer": data["layer"],
        "path": data["path"],
        "message_zh": data["message_zh"],
        "message_en": data["message_en"],
        "value": None if value is None else json.dumps(value, ensure_ascii=False),
        "record_id": data.get("record_id"),
    }


def _row(t: str, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(_NAMES)
    row["t"] = t
    row.update(values)
    return row


def check_lines(lines: Iterator[str | None], *, where: str = "<spark>") -> Iterator[dict[str, Any]]:
    """The rows for one partition's lines (in order)."""
    counters: dict[str, int] = {}
    total = 0
    for number, line in enumerate(lines, 1):
        total += 1
        if line is None or not line.strip():
            continue
        location = f"line {number}"
        value = loads_json(line, where=f"{where}:{number}")
        check_json(line, value, _OPTIONS, f"{where}:{number}")  # the reader's limits
        raw = _raw_record(value, counters, location)
        if raw.kind == META:
            yield _row("meta", line=number, text=line)
            continue
        yield from _check_record(raw.kind, raw.index, raw.data, number)
    for name, count in counters.items():
        yield _row("count", kind=name, number=count)
    yield _row("lines", number=total)


def _issue(issue: Issue, kind: str | None, collection: str | None, index: int, line: int) -> Any:
    rest = None
    if kind is not None:
        prefix = f"/{collection}/{index}"
        rest = issue.path[len(prefix) :] if issue.path.startswith(prefix) else None
    if rest is None:
        kind = collection = None  # not under the record's path: kept as it is
    # ``structured`` says here whether the issue names its line (semantic ones do not).
    located = issue.location is not None
    return _row(
        "issue",
        kind=kind,
        coll=collection,
        idx=index,
        rest=rest,
        line=line,
        structured=located,
        **issue_row(issue),
    )


def _check_record(name: str, index: int, data: Any, line: int) -> Iterator[dict[str, Any]]:
    kind = kind_by_name(name)
    location = f"line {line}"
    if kind is None:
        # Unknown kind, or no kind at all (then no index and an empty path).
        collection = name or None
        issue = Issue.catalogued(
            "SQK-E106",
            f"/{name}/{index}" if name else "",
            location=location,
            kind=name or "(missing)",
        )
        yield _issue(issue, name or None, collection, index, line)
        return
    collection = kind.collection
    path = f"/{collection}/{index}"
    if type(data) is not dict:
        issue = Issue.catalogued("SQK-E108", path, location=location, got=type(data).__name__)
        yield _issue(issue, name, collection, index, line)
        return
    record, issues = structure_record(kind.cls, data, path, location=location)
    for issue in issues:
        yield _issue(issue, name, collection, index, line)
    if record is None:
        key = data.get(kind.key_field)
        if type(key) is str:
            community = data.get("community_id")
            fact = "division" if name == "division" else "id"
            yield _row(
                fact,
                kind=name,
                key=key,
                idx=index,
                line=line,
                structured=False,
                community=community if type(community) is str else None,
            )
        return
    yield from _facts(name, collection, index, line, record)


def _facts(name: str, collection: str, index: int, line: int, record: Any) -> Iterator[Any]:
    if name == "division":
        code = record.code
        village = 1 if code.level is DivisionLevel.VILLAGE else 0
        yield _row(
            "division", kind=name, key=code, idx=index, line=line, number=village, structured=True
        )
        yield _row(
            "code", kind=name, field="division code", key=code, idx=index, line=line, record_id=code
        )
        for issue in division_issues(record, index):
            yield _issue(issue, name, collection, index, line)
        return
    record_id = record.id
    community = getattr(record, "community_id", None)
    yield _row(
        "id", kind=name, key=record_id, idx=index, line=line, community=community, structured=True
    )
    if name == "community":
        yield _row(
            "community",
            kind=name,
            key=record_id,
            idx=index,
            line=line,
            number=record.households,
            text=record.division_code,
        )
        yield _row(
            "code",
            kind=name,
            field="community division code",
            key=record.division_code,
            idx=index,
            line=line,
            record_id=record_id,
        )
        for issue in community_issues(record, index):
            yield _issue(issue, name, collection, index, line)
        return
    # Paths of facts stay relative (kind, index, rest) until the driver adds the offsets.
    place = {"kind": name, "coll": collection, "idx": index, "line": line, "record_id": record_id}
    if community is not None:
        yield _row(
            "ref",
            rest="/community_id",
            field="community_id",
            key=community,
            target="community",
            **place,
        )
    for reference in _REFERENCES.get(name, ()):
        value = getattr(record, reference.field)
        if value is not None:
            scope = community if reference.same_community else None
            yield _row(
                "ref",
                rest=f"/{reference.field}",
                field=reference.field,
                key=value,
                target=reference.target,
                community=scope,
                **place,
            )
    if name == "indicator":
        yield _row(
            "ref", rest="/subject", field="subject", key=record.subject, target="subject", **place
        )
    elif name == "grid":
        yield _row("grid", key=community, number=record.households, line=line)
    elif name == "organisation":
        yield _row("org", key=record_id, text=record.type.value, line=line)
        if record.parent_id is not None and record.type in _SUBCOMMITTEES:
            yield _row("sub", rest="/parent_id", key=record.parent_id, **place)
        if record.uscc is not None:
            yield _row("code", field="USCC", key=record.uscc, **place)
    elif name == "staff" and record.id_number is not None:
        yield _row("code", field="resident ID", key=record.id_number, **place)
        for issue in staff_issues(record, index):
            yield _issue(issue, name, collection, index, line)
