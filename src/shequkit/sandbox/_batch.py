"""Applying one batch of operations to the sandbox store, inside the caller's transaction.

Operations apply in order, so a later operation sees the effect of an earlier
one in the same batch. The rules per operation (see ``docs/sync-protocol.md``):

===========  ================  ===========================================
record       operation         outcome
===========  ================  ===========================================
absent       upsert, base -    ``created`` at version 1
absent       upsert, base N    ``conflict`` (server_version null)
absent       delete, base -    ``unchanged`` (nothing to delete)
absent       delete, base N    ``conflict`` (server_version null)
live v       upsert, base -    same data: ``unchanged``; else ``conflict``
live v       upsert, base v    same data: ``unchanged``; else ``updated`` v+1
live v       delete, base v    ``deleted`` v+1, a tombstone
tombstone v  upsert, base v    ``updated`` v+1 (restored)
tombstone v  delete, any base  ``unchanged`` (already deleted)
any          other base        ``conflict`` with server_version/server_data
===========  ================  ===========================================
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any, Final

import attrs

from shequkit._convert import json_converter
from shequkit.model import kind_by_name
from shequkit.sync._protocol import ErrorInfo, Operation, OperationResult
from shequkit.validate._report import Issue
from shequkit.validate._structural import structure_record

__all__ = ["OutOfScope", "StoredRecord", "apply_operations", "canonical_json", "data_hash"]

_DIVISION_CODE: Final = re.compile(r"[0-9]{12}")


class OutOfScope(Exception):
    """An operation touches a division outside the key's scope; the whole batch is refused."""

    def __init__(self, index: int, division: str) -> None:
        super().__init__(index, division)
        self.index = index
        self.division = division


@attrs.frozen
class StoredRecord:
    """One row of the ``records`` table."""

    kind: str
    id: str
    division: str
    version: int
    deleted: bool
    redirect_to: str | None
    data: dict[str, Any] | None
    data_hash: str | None
    seq: int


def canonical_json(data: Any) -> str:
    """Key-sorted compact JSON: equal data gives equal text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def data_hash(data: Any) -> str:
    """SHA-256 of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def load_record(conn: sqlite3.Connection, kind: str, record_id: str) -> StoredRecord | None:
    """The stored row of ``(kind, id)``, or ``None``."""
    row = conn.execute(
        "SELECT division, version, deleted, redirect_to, data, data_hash, seq"
        " FROM records WHERE kind = ? AND id = ?",
        (kind, record_id),
    ).fetchone()
    if row is None:
        return None
    division, version, deleted, redirect_to, data, digest, seq = row
    parsed = json.loads(data) if data is not None else None
    return StoredRecord(
        kind, record_id, division, version, bool(deleted), redirect_to, parsed, digest, seq
    )


def in_scope(division: str, prefixes: Sequence[str]) -> bool:
    """Whether a division code falls under one of the key's allowed prefixes."""
    return any(division.startswith(prefix) for prefix in prefixes)


class _Batch:
    def __init__(self, conn: sqlite3.Connection, prefixes: Sequence[str], ops: Sequence[Operation]):
        self.conn = conn
        self.prefixes = prefixes
        self.seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]
        # Communities created by this batch, for children that come before them.
        self.batch_communities: dict[str, str] = {}
        for op in ops:
            if op.op == "upsert" and op.kind == "community" and op.data is not None:
                code = op.data.get("division_code")
                if isinstance(code, str):
                    self.batch_communities.setdefault(op.id, code)

    def community_division(self, community_id: Any) -> str | None:
        if not isinstance(community_id, str):
            return None
        stored = load_record(self.conn, "community", community_id)
        if stored is not None:
            return None if stored.deleted else stored.division
        return self.batch_communities.get(community_id)

    def division_of(self, kind: str, data: dict[str, Any]) -> str | None:
        """The division a record belongs to, from its raw data (``None``: cannot tell)."""
        if kind == "division":
            value = data.get("code")
        elif kind == "community":
            value = data.get("division_code")
        elif kind == "indicator":
            subject = data.get("subject")
            if isinstance(subject, str) and _DIVISION_CODE.fullmatch(subject):
                value = subject
            else:
                value = self.community_division(subject)
        else:
            value = self.community_division(data.get("community_id"))
        return value if isinstance(value, str) and _DIVISION_CODE.fullmatch(value) else None

    def check_scope(self, index: int, division: str | None) -> None:
        if division is not None and not in_scope(division, self.prefixes):
            raise OutOfScope(index, division)

    def next_seq(self) -> int:
        self.seq += 1
        return int(self.seq)

    def apply(self, index: int, op: Operation) -> OperationResult:
        kind = kind_by_name(op.kind)
        if kind is None:
            return _rejected(
                index, op, "SQK-S400", f"未知的记录类别 {op.kind}", f"unknown kind {op.kind}"
            )
        stored = load_record(self.conn, op.kind, op.id)
        if stored is not None:
            self.check_scope(index, stored.division)
        if op.op == "delete":
            return self.delete(index, op, stored)
        assert op.data is not None
        division = self.division_of(op.kind, op.data)
        self.check_scope(index, division)
        record, issues = structure_record(kind.cls, op.data, "")
        if record is None:
            return _rejected_by_issue(index, op, issues)
        if str(getattr(record, kind.key_field)) != op.id:
            return _rejected(
                index,
                op,
                "SQK-S400",
                f"操作的 id 与数据中的 {kind.key_field} 不一致",
                f"the operation's id differs from the data's {kind.key_field}",
                path=f"/{kind.key_field}",
            )
        if division is None:
            return _rejected(
                index,
                op,
                "SQK-E301",
                "记录所属社区不存在(服务器上与本批次中均未找到)",
                "the record's community does not exist (neither on the server nor in this batch)",
                path="/subject" if op.kind == "indicator" else "/community_id",
            )
        data = json_converter.unstructure(record)
        return self.upsert(index, op, stored, division, data)

    def upsert(
        self,
        index: int,
        op: Operation,
        stored: StoredRecord | None,
        division: str,
        data: dict[str, Any],
    ) -> OperationResult:
        digest = data_hash(data)
        if stored is None:
            if op.base_version is not None:
                return _conflict(index, op, None)
            self.conn.execute(
                "INSERT INTO records (kind, id, division, version, deleted, redirect_to, data,"
                " data_hash, seq) VALUES (?, ?, ?, 1, 0, NULL, ?, ?, ?)",
                (op.kind, op.id, division, canonical_json(data), digest, self.next_seq()),
            )
            return OperationResult(index, op.kind, op.id, "created", version=1)
        if stored.deleted:
            if op.base_version != stored.version:
                return _conflict(index, op, stored)
        elif op.base_version is None or op.base_version == stored.version:
            if digest == stored.data_hash:
                return OperationResult(index, op.kind, op.id, "unchanged", version=stored.version)
            if op.base_version is None:
                return _conflict(index, op, stored)
        else:
            return _conflict(index, op, stored)
        version = stored.version + 1
        self.conn.execute(
            "UPDATE records SET division = ?, version = ?, deleted = 0, redirect_to = NULL,"
            " data = ?, data_hash = ?, seq = ? WHERE kind = ? AND id = ?",
            (division, version, canonical_json(data), digest, self.next_seq(), op.kind, op.id),
        )
        return OperationResult(index, op.kind, op.id, "updated", version=version)

    def delete(self, index: int, op: Operation, stored: StoredRecord | None) -> OperationResult:
        if stored is None:
            if op.base_version is None:
                return OperationResult(index, op.kind, op.id, "unchanged")
            return _conflict(index, op, None)
        if stored.deleted:
            # Already gone: the state the delete asks for holds, whatever its base.
            return OperationResult(index, op.kind, op.id, "unchanged", version=stored.version)
        if op.base_version != stored.version:
            return _conflict(index, op, stored)
        version = stored.version + 1
        self.conn.execute(
            "UPDATE records SET version = ?, deleted = 1, redirect_to = ?, data = NULL,"
            " data_hash = NULL, seq = ? WHERE kind = ? AND id = ?",
            (version, op.redirect_to, self.next_seq(), op.kind, op.id),
        )
        return OperationResult(index, op.kind, op.id, "deleted", version=version)


def _conflict(index: int, op: Operation, stored: StoredRecord | None) -> OperationResult:
    return OperationResult(
        index,
        op.kind,
        op.id,
        "conflict",
        version=None,
        server_version=None if stored is None else stored.version,
        server_data=None if stored is None else stored.data,
    )


def _rejected(
    index: int, op: Operation, code: str, zh: str, en: str, *, path: str | None = None
) -> OperationResult:
    error = ErrorInfo(code, zh, en, retryable=False, path=path)
    return OperationResult(index, op.kind, op.id, "rejected", error=error)


def _rejected_by_issue(index: int, op: Operation, issues: Sequence[Issue]) -> OperationResult:
    first = issues[0]
    zh, en = first.message_zh, first.message_en
    if len(issues) > 1:
        zh += f"(另有 {len(issues) - 1} 个问题)"
        en += f" (and {len(issues) - 1} more)"
    return _rejected(index, op, first.code, zh, en, path=first.path or None)


def apply_operations(
    conn: sqlite3.Connection, prefixes: Sequence[str], ops: Sequence[Operation]
) -> list[OperationResult]:
    """Apply ``ops`` in order on ``conn`` (inside the caller's transaction).

    Raises:
        OutOfScope: an operation touches a division outside ``prefixes``; the
            caller rolls back everything this call wrote.
    """
    batch = _Batch(conn, prefixes, ops)
    return [batch.apply(index, op) for index, op in enumerate(ops)]
