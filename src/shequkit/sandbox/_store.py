"""The sandbox's SQLite store: records with a global change sequence, idempotency, nonces.

One connection, shared by the server's worker threads under a lock, in WAL
mode. Every write is an explicit transaction (``BEGIN IMMEDIATE``); a batch
and the idempotency record of its answer commit together, so a batch whose
answer was lost is replayed, never applied twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, Literal

import attrs

from shequkit._atomic import create_private
from shequkit.sandbox._batch import OutOfScope, StoredRecord, apply_operations, load_record
from shequkit.sync._protocol import (
    BatchResponse,
    Change,
    ErrorEnvelope,
    ErrorInfo,
    Operation,
    PullResponse,
    dumps,
)

__all__ = ["Reservation", "SandboxStore"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    division TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    redirect_to TEXT,
    data TEXT,
    data_hash TEXT,
    seq INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    app_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    operations INTEGER NOT NULL,
    applied_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    app_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
    status INTEGER,
    body BLOB,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (app_key, idempotency_key)
);
CREATE TABLE IF NOT EXISTS nonces (
    app_key TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (app_key, nonce)
);
"""

ReservationKind = Literal["new", "replay", "in-flight", "mismatch"]


@attrs.frozen
class Reservation:
    """The state of an Idempotency-Key when a request arrives with it."""

    kind: ReservationKind
    status: int | None = None
    body: bytes | None = None


class SandboxStore:
    """The sandbox database (opened on first use; :meth:`close` when done).

    Args:
        path: the SQLite file (``":memory:"`` for a throw-away store).
        clock: seconds since the epoch (tests move it).
        idempotency_ttl_s: how long an answer is kept for replay (24 h, as Stripe).
        in_flight_timeout_s: an in-flight key older than this is taken to be
            abandoned (its request died) and may be claimed again.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], float],
        idempotency_ttl_s: float = 24 * 3600,
        in_flight_timeout_s: float = 300,
    ) -> None:
        self.path = os.fspath(path)
        self._clock = clock
        self._ttl_ms = int(idempotency_ttl_s * 1000)
        self._in_flight_ms = int(in_flight_timeout_s * 1000)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._nonce_writes = 0

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                create_private(self.path)  # it holds personal data
                conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA busy_timeout=5000")
                conn.executescript(_SCHEMA)
                self._conn = conn
            yield self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (the store reopens on next use)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- nonces --------------------------------------------------------------
    def remember_nonce(self, app_key: str, nonce: str, expires_ms: int) -> bool:
        """Record a nonce until ``expires_ms``; ``False`` if it was already seen (a replay)."""
        now = self._now_ms()
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM nonces WHERE app_key = ? AND nonce = ? AND expires_ms < ?",
                (app_key, nonce, now),
            )
            cursor = conn.execute(
                "INSERT OR IGNORE INTO nonces (app_key, nonce, expires_ms) VALUES (?, ?, ?)",
                (app_key, nonce, expires_ms),
            )
            fresh = cursor.rowcount == 1
            self._nonce_writes += 1
            if self._nonce_writes % 1000 == 0:
                conn.execute("DELETE FROM nonces WHERE expires_ms < ?", (now,))
        return fresh

    # -- idempotency ---------------------------------------------------------
    def reserve(self, app_key: str, key: str, body_hash: str) -> Reservation:
        """Claim ``key`` for a request whose body hashes to ``body_hash``."""
        now = self._now_ms()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT body_hash, state, status, body, created_ms FROM idempotency"
                " WHERE app_key = ? AND idempotency_key = ?",
                (app_key, key),
            ).fetchone()
            if row is not None:
                stored_hash, state, status, body, created = row
                limit = self._in_flight_ms if state == "in-flight" else self._ttl_ms
                if now - created > limit:
                    conn.execute(
                        "DELETE FROM idempotency WHERE app_key = ? AND idempotency_key = ?",
                        (app_key, key),
                    )
                    row = None
            if row is None:
                conn.execute(
                    "INSERT INTO idempotency (app_key, idempotency_key, body_hash, state,"
                    " created_ms) VALUES (?, ?, ?, 'in-flight', ?)",
                    (app_key, key, body_hash, now),
                )
                return Reservation("new")
        if stored_hash != body_hash:
            return Reservation("mismatch")
        if state == "in-flight":
            return Reservation("in-flight")
        return Reservation("replay", status, bytes(body))

    def release(self, app_key: str, key: str) -> None:
        """Forget an in-flight key whose request failed before it was answered."""
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM idempotency WHERE app_key = ? AND idempotency_key = ?"
                " AND state = 'in-flight'",
                (app_key, key),
            )

    def apply_batch(
        self, app_key: str, key: str, prefixes: Sequence[str], ops: Sequence[Operation]
    ) -> tuple[int, bytes]:
        """Apply a batch and store its answer under ``key``, in one transaction.

        Returns the HTTP status and the JSON body: 200 with the results, or 403
        (``SQK-S404``) when an operation is outside ``prefixes`` (nothing applied).
        """
        now = self._now_ms()
        batch_id = uuid.uuid4().hex
        with self._transaction() as conn:
            conn.execute("SAVEPOINT operations")
            try:
                results = apply_operations(conn, prefixes, ops)
            except OutOfScope as refused:
                conn.execute("ROLLBACK TO operations")
                status, body = 403, _scope_error(refused)
            else:
                conn.execute(
                    "INSERT INTO batches (batch_id, app_key, idempotency_key, operations,"
                    " applied_ms) VALUES (?, ?, ?, ?, ?)",
                    (batch_id, app_key, key, len(ops), now),
                )
                status, body = 200, dumps(BatchResponse(batch_id, tuple(results)))
            conn.execute("RELEASE operations")
            conn.execute(
                "UPDATE idempotency SET state = 'done', status = ?, body = ?"
                " WHERE app_key = ? AND idempotency_key = ?",
                (status, body, app_key, key),
            )
        return status, body

    # -- pull ----------------------------------------------------------------
    def changes(
        self, prefixes: Sequence[str], since: int, limit: int, kinds: Sequence[str] | None
    ) -> PullResponse:
        """Up to ``limit`` changes after sequence ``since`` inside ``prefixes``, in commit order."""
        if not prefixes:
            return PullResponse((), str(since), False)
        where = ["seq > ?", "(" + " OR ".join("division LIKE ?" for _ in prefixes) + ")"]
        params: list[Any] = [since, *(f"{prefix}%" for prefix in prefixes)]
        if kinds:
            where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
            params.extend(kinds)
        params.append(limit + 1)
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT kind, id, version, deleted, redirect_to, data, seq FROM records"
                f" WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?",
                params,
            ).fetchall()
        has_more = len(rows) > limit
        rows = rows[:limit]
        changes = tuple(
            Change(
                kind,
                record_id,
                version,
                bool(deleted),
                redirect_to,
                json.loads(data) if data is not None else None,
            )
            for kind, record_id, version, deleted, redirect_to, data, _ in rows
        )
        cursor = str(rows[-1][6]) if rows else str(since)
        return PullResponse(changes, cursor, has_more)

    # -- inspection (tests, demos) -------------------------------------------
    def record(self, kind: str, record_id: str) -> StoredRecord | None:
        """The stored state of one record, or ``None``."""
        with self._connection() as conn:
            return load_record(conn, kind, record_id)

    def counts(self) -> dict[str, int]:
        """Rows per table, and records per version (``"version 1"``...) and tombstones."""
        with self._connection() as conn:
            result = {
                table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("records", "batches", "idempotency", "nonces")
            }
            for version, count in conn.execute(
                "SELECT version, COUNT(*) FROM records GROUP BY version"
            ):
                result[f"version {version}"] = count
            result["deleted"] = conn.execute(
                "SELECT COUNT(*) FROM records WHERE deleted = 1"
            ).fetchone()[0]
        return result


def _scope_error(refused: OutOfScope) -> bytes:
    return dumps(
        ErrorEnvelope(
            ErrorInfo(
                "SQK-S404",
                f"第 {refused.index} 个操作涉及行政区划 {refused.division},超出本应用密钥的权限;"
                "整个批次未被执行",
                f"operation {refused.index} touches division {refused.division}, outside this"
                " key's scope; nothing in the batch was applied",
            )
        )
    )


def body_hash(body: bytes) -> str:
    """SHA-256 hex of a request body (the plaintext JSON), for idempotency."""
    return hashlib.sha256(body).hexdigest()
