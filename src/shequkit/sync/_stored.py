"""What the sync state file stores, as values: known records, outbox operations, conflicts.

Also the content hash every comparison uses: SHA-256 of the canonical JSON of
a record (keys sorted, no spaces, UTF-8 kept), so equal records hash equal
whatever file format or key order they came from.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

import attrs

__all__ = [
    "BatchOutcome",
    "ChangeLike",
    "KnownRecord",
    "OutboxBatch",
    "OutboxOp",
    "PendingConflict",
    "Rejection",
    "ResultLike",
    "StateSummary",
    "canonical_json",
    "content_hash",
]


def canonical_json(data: Any) -> str:
    """``data`` as canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(data: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``data``: equal records hash equal."""
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


class ResultLike(Protocol):
    """What the state needs of one operation result (``shequkit.sync.OperationResult``)."""

    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int | None: ...
    @property
    def server_version(self) -> int | None: ...
    @property
    def server_data(self) -> Mapping[str, Any] | None: ...
    @property
    def error(self) -> object | None: ...


class ChangeLike(Protocol):
    """What the state needs of one pulled change (``shequkit.sync.Change``)."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def redirect_to(self) -> str | None: ...
    @property
    def data(self) -> Mapping[str, Any] | None: ...


@attrs.frozen
class KnownRecord:
    """What the state knows of one record on the server.

    Attributes:
        version: the last-known server version.
        server_hash: content hash of the server's data (``None`` for a tombstone).
        local_hash: hash of the file content last reconciled with the server (pushed,
            or dropped under ``server-wins``); a file still holding it is unchanged.
        pushed: the record is in this state's snapshot scope (it was pushed from here),
            so its absence from a later file means "delete it".
        deleted: the server holds a tombstone.
        redirect_to: the id that replaced a deleted record.
    """

    kind: str
    id: str
    version: int
    server_hash: str | None
    local_hash: str | None
    pushed: bool
    deleted: bool
    redirect_to: str | None = None


@attrs.frozen
class OutboxOp:
    """One operation as written to the outbox (``data`` is canonical JSON-ready)."""

    op: str
    kind: str
    id: str
    base_version: int | None
    data: Mapping[str, Any] | None = None
    redirect_to: str | None = None
    hash: str | None = None
    attempt: int = 0


@attrs.frozen
class OutboxBatch:
    """A batch of the outbox with the Idempotency-Key it is (re)sent with."""

    seq: int
    key: str
    operations: tuple[OutboxOp, ...]


@attrs.frozen
class PendingConflict:
    """A conflict left for review: the local change and the server's version of the record."""

    kind: str
    id: str
    op: str
    base_version: int | None
    server_version: int | None
    server_deleted: bool
    local_hash: str | None
    local_data: Mapping[str, Any] | None
    server_data: Mapping[str, Any] | None
    batch_key: str
    detected_at: str

    @property
    def server_hash(self) -> str | None:
        """Content hash of the server's data (``None`` when the server holds a tombstone)."""
        return None if self.server_data is None else content_hash(self.server_data)


@attrs.frozen
class Rejection:
    """An operation the server refused (its data failed the server's validation)."""

    kind: str
    id: str
    error: Any
    batch_key: str


@attrs.frozen
class BatchOutcome:
    """What acknowledging one batch changed in the state."""

    statuses: Counter[str]
    conflicts: tuple[PendingConflict, ...] = ()
    """Conflicts of this batch left for review (``manual``, or ``client-wins`` gave up)."""
    overridden: int = 0
    """Conflicts resolved in favour of the server (``server-wins``)."""
    resent: int = 0
    """Operations queued again under a new batch key (``client-wins``)."""


@attrs.frozen
class StateSummary:
    """Counts for ``shequkit sync status``."""

    path: str
    endpoint: str | None
    cursor: str | None
    pulled_at: str | None
    records: int
    deleted: int
    pushed: int
    pulled: int
    pending_batches: int
    pending_operations: int
    completed_batches: int
    failed_batches: int
    conflicts: int
    rejections: int
    redirects: int
