"""The validation pipeline: structural then semantic layer, streamed, never raising for bad data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from shequkit._toolkit import Toolkit, default_toolkit
from shequkit.formats import SUPPORTED_SCHEMA_VERSIONS, RawRecord, ReadOptions
from shequkit.formats._base import META
from shequkit.formats._json import iter_document
from shequkit.model import Dataset, Metadata, Record, kind_by_name
from shequkit.validate._report import Issue, Report
from shequkit.validate._semantic import SemanticChecks
from shequkit.validate._structural import structure_record

if TYPE_CHECKING:
    from shequkit.standards._rules import RulePack

__all__ = ["Source", "Validator", "check_source", "validate"]

Source = Dataset | Mapping[str, Any] | str | os.PathLike[str]
"""What :func:`validate` accepts: a dataset, a parsed canonical document, or a file path."""

_PROGRESS_EVERY: Final = 1000


class Validator:
    """Validates records fed one at a time; the engine behind :func:`validate`.

    Feed the raw records of one document with :meth:`feed` (it returns the
    model record when the record is structurally valid, so a caller can load
    and validate in one pass), then call :meth:`finish` for the report.
    With ``records=False`` nobody wants the records: :meth:`feed` returns
    ``None`` and valid records are checked without being built (faster).
    """

    def __init__(
        self, *, source: str | None = None, max_issues: int | None = None, records: bool = True
    ) -> None:
        self.report = Report(source=source)
        self.meta: Metadata | None = None
        self._max_issues = max_issues
        self._records = records
        self._meta_seen = False
        self._semantic = SemanticChecks(self._emit)

    def _emit(self, issue: Issue) -> None:
        self.report.add(issue, max_issues=self._max_issues)

    def _catalogued(self, code: str, path: str, location: str | None, **facts: Any) -> None:
        self._emit(Issue.catalogued(code, path, location=location, **facts))

    def feed(self, raw: RawRecord) -> Record | None:
        """Check one raw record; return the model record if it passed the structural layer."""
        if raw.kind == META:
            self._feed_meta(raw)
            return None
        kind = kind_by_name(raw.kind)
        if kind is None:
            if raw.index >= 0:
                self.report.records += 1
            self._catalogued("SQK-E106", raw.path, raw.location, kind=raw.kind or "(missing)")
            return None
        if type(raw.data) is not dict and raw.index >= 0:
            self.report.records += 1
            self._catalogued("SQK-E108", raw.path, raw.location, got=type(raw.data).__name__)
            return None
        if raw.index < 0:
            self._emit(
                Issue.of(
                    "SQK-E102",
                    raw.path,
                    f"“{kind.collection}”应为数组",
                    f"{kind.collection!r} must be an array of records",
                )
            )
            return None
        self.report.records += 1
        record, issues = structure_record(
            kind.cls, raw.data, raw.path, location=raw.location, build=self._records
        )
        for issue in issues:
            self._emit(_at_cell(issue, raw) if raw.columns else issue)
        if record is None:
            self._semantic.add_unstructured_id(kind, raw.index, raw.data)
            return None
        self._semantic.add(kind, raw.index, record)
        return record if self._records else None

    def _feed_meta(self, raw: RawRecord) -> None:
        if self._meta_seen:
            self._catalogued("SQK-E106", raw.path, raw.location, kind="meta (second)")
            return
        self._meta_seen = True
        data = raw.data
        if data is None:
            return  # reported as missing by finish()
        if type(data) is dict:
            version = data.get("schema_version")
            if version not in SUPPORTED_SCHEMA_VERSIONS:
                supported = ", ".join(sorted(SUPPORTED_SCHEMA_VERSIONS))
                shown = version if type(version) is str else "(missing)"
                self._catalogued(
                    "SQK-E107", "/schema_version", raw.location, version=shown, supported=supported
                )
                return
        meta, issues = structure_record(Metadata, data, raw.path, location=raw.location)
        for issue in issues:
            self._emit(issue)
        self.use_meta(meta)

    def use_meta(self, meta: Metadata | None) -> None:
        """Take ``meta`` as the document's metadata (for already-structured input)."""
        self._meta_seen = True
        self.meta = meta
        if meta is not None:
            self._semantic.reporting_division = meta.reporting_division

    def feed_dataset(self, dataset: Dataset) -> None:
        """Check an in-memory dataset: its records are structurally valid by construction."""
        self.use_meta(dataset.meta)
        counters: dict[str, int] = {}
        for kind, record in dataset.records():
            index = counters.get(kind.name, 0)
            counters[kind.name] = index + 1
            self.report.records += 1
            self._semantic.add(kind, index, record)

    def finish(self) -> Report:
        """Run the end-of-input checks and return the report."""
        metadata_reported = self.report.counts.get("SQK-E107") or any(
            issue.path.startswith("/meta") for issue in self.report.issues
        )
        if self.meta is None and not metadata_reported:
            self._catalogued("SQK-E109", "/meta", None)
        self._semantic.finish()
        return self.report


def validate(
    source: Source,
    *,
    format: str | None = None,
    encoding: str | None = None,
    max_issues: int | None = None,
    progress: Callable[[int], None] | None = None,
    toolkit: Toolkit | None = None,
    rules: RulePack | str | None = None,
) -> Report:
    """Validate a dataset, a parsed document or a file, and return a :class:`Report`.

    Never raises for invalid *data*: every problem becomes an :class:`Issue`.
    Files are read with the codec for ``format`` or their extension and
    streamed where the format allows, so memory stays flat for JSONL.

    Args:
        source: a :class:`~shequkit.Dataset`, a ``dict`` in the canonical JSON
            shape, or the path of a file.
        format: codec name when the extension does not tell (``"jsonl"``).
        encoding: text encoding override for text formats.
        max_issues: keep at most this many issues (all are still counted).
        progress: called with the number of records checked so far, every
            thousand records and at the end.
        toolkit: whose formats (and rule packs) to use; the default toolkit otherwise.
        rules: a rule pack, or the name of an installed one, to add the
            standards layer: every community is evaluated against the pack and
            each requirement it does not meet becomes an issue (``SQK-E401`` ...).
            See :func:`shequkit.standards.evaluate` for the full evaluation.

    Raises:
        InputError: the file cannot be read at all (missing, not JSON, wrong
            encoding, hostile); see the issue-code catalogue for the codes.
        UsageError: ``SQK-U120`` when no rule pack is called ``rules``.
    """
    if rules is not None:
        # The standards layer builds on this one; imported here to keep the layers one-way.
        from shequkit.standards._evaluate import evaluate

        evaluation = evaluate(
            source,
            rules,
            format=format,
            encoding=encoding,
            max_issues=max_issues,
            progress=progress,
            toolkit=toolkit,
        )
        for issue in evaluation.issues():
            evaluation.report.add(issue, max_issues=max_issues)
        return evaluation.report
    return check_source(
        source,
        format=format,
        encoding=encoding,
        max_issues=max_issues,
        progress=progress,
        toolkit=toolkit,
    ).finish()


def _at_cell(issue: Issue, raw: RawRecord) -> Issue:
    """Name the cell of an issue about one field: ``sheet 社区 row 5 column D (社区类型)``."""
    prefix = raw.path + "/"
    if raw.columns is None or issue.location is None or not issue.path.startswith(prefix):
        return issue
    column = raw.columns.get(issue.path[len(prefix) :].split("/", 1)[0])
    if column is None:
        return issue
    return attrs.evolve(issue, location=f"{issue.location} {column}")


def check_source(
    source: Source,
    *,
    format: str | None = None,
    encoding: str | None = None,
    max_issues: int | None = None,
    progress: Callable[[int], None] | None = None,
    toolkit: Toolkit | None = None,
    sink: Callable[[Record], None] | None = None,
) -> Validator:
    """Feed every record of ``source`` through a :class:`Validator` (not yet finished).

    ``sink`` receives each structurally valid record, so a caller (the
    standards evaluation) reads and validates a file in one pass.
    """
    if isinstance(source, Dataset):
        validator = Validator(source="<dataset>", max_issues=max_issues)
        validator.feed_dataset(source)
        if sink is not None:
            for _, member in source.records():
                sink(member)
        return validator
    if isinstance(source, Mapping):
        raws: Iterable[RawRecord] = iter_document(dict(source), where="<document>")
        name = "<document>"
    else:
        path = Path(source)
        tools = toolkit or default_toolkit()
        raws = tools.read(path, format=format, options=ReadOptions(encoding=encoding))
        name = path.name
    validator = Validator(source=name, max_issues=max_issues, records=sink is not None)
    for raw in raws:
        record = validator.feed(raw)
        if record is not None and sink is not None:
            sink(record)
        if progress is not None and validator.report.records % _PROGRESS_EVERY == 0:
            progress(validator.report.records)
    if progress is not None:
        progress(validator.report.records)
    return validator
