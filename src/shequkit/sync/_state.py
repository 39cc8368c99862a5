"""The local sync state (同步状态库): one SQLite file per dataset and endpoint.

The state file is what makes ``shequkit sync push`` safe to interrupt at any
moment. It holds:

* ``schema_version``: the layout of this file (:data:`STATE_SCHEMA_VERSION`);
* ``meta``: the endpoint the state belongs to and the metadata of the last
  dataset pushed (reused when a pull is exported);
* ``cursor``: how far ``pull`` has read the server's change feed;
* ``records``: per ``(kind, id)`` the last-known server version and content
  hash, the hash of the file content last reconciled with the server, and
  whether this state pushed the record (its *snapshot scope*);
* ``batches`` + ``outbox``: planned operations grouped into batches, each with
  the ``Idempotency-Key`` (a uuid4) it was given when it was written, so a
  resend after a crash carries the same key and the server replays instead of
  applying twice;
* ``checkpoints``: one row per batch the server acknowledged;
* ``pulled``: the local copy of the server's records that ``pull`` builds
  (and push acknowledgements keep current), plus ``redirects`` learnt from
  tombstones;
* ``conflicts`` and ``rejections``: what is left for a human.

The file is opened in WAL mode with ``synchronous=FULL``; every change is one
``BEGIN IMMEDIATE`` transaction, so a process killed at any instant leaves the
state as it was before or after a step, never in between.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._atomic import create_private
from shequkit._exceptions import UsageError
from shequkit.model import RECORD_KINDS
from shequkit.sync._local import apply_tombstone, follow_redirects, put_pulled
from shequkit.sync._stored import (
    BatchOutcome,
    ChangeLike,
    KnownRecord,
    OutboxBatch,
    OutboxOp,
    PendingConflict,
    Rejection,
    ResultLike,
    StateSummary,
    canonical_json,
    content_hash,
)

__all__ = [
    "STATE_SCHEMA_VERSION",
    "BatchOutcome",
    "ChangeLike",
    "KnownRecord",
    "OutboxBatch",
    "OutboxOp",
    "PendingConflict",
    "Rejection",
    "ResultLike",
    "StateSummary",
    "SyncState",
    "canonical_json",
    "content_hash",
]

STATE_SCHEMA_VERSION: Final = 1
"""Layout version of the state file written by this release."""

_SCHEMA: Final = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE cursor (
    scope TEXT PRIMARY KEY,
    value TEXT,
    pulled_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    server_hash TEXT,
    local_hash TEXT,
    pushed INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    redirect_to TEXT,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE outbox (
    batch_seq INTEGER NOT NULL REFERENCES batches (seq),
    position INTEGER NOT NULL,
    op TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    base_version INTEGER,
    data TEXT,
    redirect_to TEXT,
    hash TEXT,
    attempt INTEGER NOT NULL DEFAULT 0,
    status TEXT,
    version INTEGER,
    PRIMARY KEY (batch_seq, position)
) WITHOUT ROWID;
CREATE TABLE checkpoints (
    batch_seq INTEGER PRIMARY KEY REFERENCES batches (seq),
    batch_id TEXT,
    replayed INTEGER NOT NULL,
    completed_at TEXT NOT NULL,
    error TEXT
);
CREATE TABLE pulled (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE redirects (
    kind TEXT NOT NULL,
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    PRIMARY KEY (kind, old_id)
) WITHOUT ROWID;
CREATE TABLE conflicts (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    op TEXT NOT NULL,
    base_version INTEGER,
    server_version INTEGER,
    server_deleted INTEGER NOT NULL,
    local_hash TEXT,
    local_data TEXT,
    server_data TEXT,
    batch_key TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE rejections (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    error TEXT NOT NULL,
    batch_key TEXT NOT NULL,
    detected_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
"""

MAX_CLIENT_WINS_ATTEMPTS: Final = 3
"""How often ``client-wins`` resends one operation before leaving the conflict for review."""

_KIND_ORDER: Final = {kind.name: index for index, kind in enumerate(RECORD_KINDS)}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class SyncState:
    """The SQLite state file of the sync engine; a context manager that closes it.

    Args:
        path: the state file; created with the current layout if missing.

    Raises:
        UsageError: ``SQK-U144`` when the file is not a shequkit state file or was
            written by a newer release.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        create_private(self.path)  # it holds personal data
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise _not_a_state(self.path, str(error)) from None
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        if "schema_version" not in tables:
            if tables:
                raise _not_a_state(self.path, "unknown tables")
            # One script, one transaction: a crash never leaves half a layout behind.
            script = _SCHEMA.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
            self._db.executescript(
                f"BEGIN IMMEDIATE;{script}"
                f"INSERT INTO schema_version VALUES ({STATE_SCHEMA_VERSION});COMMIT;"
            )
            return
        row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
        if row is None or row[0] != STATE_SCHEMA_VERSION:
            found = None if row is None else row[0]
            raise UsageError(
                f"同步状态文件 {self.path.name} 的版本为 {found},本版本只支持"
                f" {STATE_SCHEMA_VERSION}",
                f"the sync state file {self.path.name} has layout version {found}; this release"
                f" reads version {STATE_SCHEMA_VERSION}",
                code="SQK-U144",
                path=self.path.name,
            )

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> SyncState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed on success, rolled back otherwise."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    # -- meta and endpoint ------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """The value stored under ``key`` in ``meta``, or ``None``."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in ``meta`` (one transaction)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def bind_endpoint(self, url: str) -> None:
        """Tie the state to the server at ``url``; versions mean nothing on another server.

        Raises:
            UsageError: ``SQK-U143`` when the state already belongs to another URL.
        """
        url = url.rstrip("/")
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'endpoint_url'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('endpoint_url', ?)", (url,))
            elif row[0] != url:
                raise UsageError(
                    f"同步状态文件 {self.path.name} 属于 {row[0]},不能用于 {url};"
                    "请为每个服务端使用单独的状态文件",
                    f"the sync state file {self.path.name} belongs to {row[0]}, not {url};"
                    " use one state file per server",
                    code="SQK-U143",
                    path=self.path.name,
                )

    # -- records -----------------------------------------------------------------

    def known(self, kind: str, record_id: str) -> KnownRecord | None:
        """What the state knows of ``(kind, id)``, or ``None``."""
        row = self._db.execute(
            "SELECT * FROM records WHERE kind = ? AND id = ?", (kind, record_id)
        ).fetchone()
        return None if row is None else _known(row)

    def iter_known(self) -> Iterator[KnownRecord]:
        """Every record the state knows, in (kind, id) order."""
        for row in self._db.execute("SELECT * FROM records ORDER BY kind, id"):
            yield _known(row)

    # -- outbox ------------------------------------------------------------------

    def enqueue(
        self,
        batches: Iterable[Sequence[OutboxOp]],
        *,
        reason: str = "plan",
        adopt: Iterable[tuple[str, str]] = (),
    ) -> list[OutboxBatch]:
        """Write ``batches`` to the outbox in one transaction, each with a fresh uuid4 key.

        ``adopt`` lists pending conflicts settled in the server's favour in the same
        transaction (the server's data becomes the local state, the conflict goes).
        """
        written: list[OutboxBatch] = []
        with self.transaction() as db:
            for kind, record_id in adopt:
                self._adopt_conflict(db, kind, record_id)
            for operations in batches:
                if operations:
                    written.append(self._write_batch(db, operations, reason))
        return written

    def _write_batch(
        self, db: sqlite3.Connection, operations: Sequence[OutboxOp], reason: str
    ) -> OutboxBatch:
        key = str(uuid.uuid4())
        cursor = db.execute(
            "INSERT INTO batches (idempotency_key, created_at, reason) VALUES (?, ?, ?)",
            (key, _now(), reason),
        )
        seq = int(cursor.lastrowid or 0)
        db.executemany(
            "INSERT INTO outbox (batch_seq, position, op, kind, id, base_version, data,"
            " redirect_to, hash, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    position,
                    op.op,
                    op.kind,
                    op.id,
                    op.base_version,
                    None if op.data is None else json.dumps(op.data, ensure_ascii=False),
                    op.redirect_to,
                    op.hash,
                    op.attempt,
                )
                for position, op in enumerate(operations)
            ],
        )
        return OutboxBatch(seq, key, tuple(operations))

    def pending_batches(self) -> list[OutboxBatch]:
        """Batches written to the outbox but not acknowledged, oldest first."""
        rows = self._db.execute(
            "SELECT seq, idempotency_key FROM batches"
            " WHERE seq NOT IN (SELECT batch_seq FROM checkpoints) ORDER BY seq"
        ).fetchall()
        return [OutboxBatch(seq, key, self._operations(seq)) for seq, key in rows]

    def _operations(self, seq: int) -> tuple[OutboxOp, ...]:
        rows = self._db.execute(
            "SELECT op, kind, id, base_version, data, redirect_to, hash, attempt FROM outbox"
            " WHERE batch_seq = ? ORDER BY position",
            (seq,),
        )
        return tuple(
            OutboxOp(op, kind, rid, base, _loads(data), redirect, hashed, attempt)
            for op, kind, rid, base, data, redirect, hashed, attempt in rows
        )

    def complete_batch(
        self,
        batch: OutboxBatch,
        results: Sequence[ResultLike],
        *,
        batch_id: str | None,
        replayed: bool,
        policy: str,
    ) -> BatchOutcome:
        """Record the server's answer to ``batch`` and its checkpoint in one transaction.

        Created/updated/unchanged/deleted results become the known server versions
        (and the local copy); conflicts follow ``policy`` (``server-wins``,
        ``client-wins`` or ``manual``, see :mod:`shequkit.sync._conflicts`);
        rejections are kept for review. A batch acknowledged twice (a replay after a
        crash between sending and recording) is recorded once.
        """
        if len(results) != len(batch.operations):
            raise ValueError("one result per operation expected")
        statuses: Counter[str] = Counter()
        conflicts: list[PendingConflict] = []
        resend: list[OutboxOp] = []
        overridden = 0
        with self.transaction() as db:
            done = db.execute(
                "SELECT 1 FROM checkpoints WHERE batch_seq = ?", (batch.seq,)
            ).fetchone()
            if done is not None:
                return BatchOutcome(statuses)
            now = _now()
            for position, (op, result) in enumerate(zip(batch.operations, results, strict=True)):
                statuses[result.status] += 1
                db.execute(
                    "UPDATE outbox SET status = ?, version = ?, data = NULL"
                    " WHERE batch_seq = ? AND position = ?",
                    (result.status, result.version, batch.seq, position),
                )
                if result.status == "conflict":
                    if policy == "server-wins":
                        self._take_server(db, op, result)
                        overridden += 1
                    elif policy == "client-wins" and op.attempt + 1 < MAX_CLIENT_WINS_ATTEMPTS:
                        resend.append(
                            attrs.evolve(
                                op, base_version=result.server_version, attempt=op.attempt + 1
                            )
                        )
                    else:
                        conflicts.append(self._keep_conflict(db, op, result, batch.key, now))
                elif result.status == "rejected":
                    db.execute(
                        "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, ?, ?)",
                        (op.kind, op.id, _error_json(result.error), batch.key, now),
                    )
                elif result.version is not None:
                    self._acknowledge(db, op, result.version)
            db.execute(
                "INSERT INTO checkpoints VALUES (?, ?, ?, ?, NULL)",
                (batch.seq, batch_id, int(replayed), now),
            )
            if resend:
                self._write_batch(db, resend, "client-wins")
        return BatchOutcome(statuses, tuple(conflicts), overridden, len(resend))

    def fail_batch(self, batch: OutboxBatch, code: str) -> None:
        """Close a batch the server refused as a whole (nothing applied), so it is not resent.

        Its records stay unpushed: the next plan includes them again, under a new key.
        """
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO checkpoints VALUES (?, NULL, 0, ?, ?)",
                (batch.seq, _now(), code),
            )
            db.execute("UPDATE outbox SET status = 'failed' WHERE batch_seq = ?", (batch.seq,))

    def _acknowledge(self, db: sqlite3.Connection, op: OutboxOp, version: int) -> None:
        db.execute("DELETE FROM conflicts WHERE kind = ? AND id = ?", (op.kind, op.id))
        db.execute("DELETE FROM rejections WHERE kind = ? AND id = ?", (op.kind, op.id))
        if op.op == "delete":
            gone = KnownRecord(op.kind, op.id, version, None, None, False, True, op.redirect_to)
            self._store(db, gone)
            apply_tombstone(db, op.kind, op.id, op.redirect_to)
            return
        self._store(db, KnownRecord(op.kind, op.id, version, op.hash, op.hash, True, False))
        db.execute("DELETE FROM redirects WHERE kind = ? AND old_id = ?", (op.kind, op.id))
        if op.data is not None:
            put_pulled(db, op.kind, op.id, version, op.data)

    def _take_server(self, db: sqlite3.Connection, op: OutboxOp, result: ResultLike) -> None:
        # server-wins: the server's record becomes the local state; the file content that
        # lost is remembered as reconciled, so an unchanged file does not resend it.
        data = result.server_data
        version = result.server_version or 0
        db.execute("DELETE FROM conflicts WHERE kind = ? AND id = ?", (op.kind, op.id))
        newer = db.execute(
            "SELECT 1 FROM records WHERE kind = ? AND id = ? AND version > ?",
            (op.kind, op.id, version),
        ).fetchone()
        if newer is not None:  # a pull already brought a later version: keep it
            db.execute(
                "UPDATE records SET local_hash = ? WHERE kind = ? AND id = ?",
                (op.hash, op.kind, op.id),
            )
            return
        if data is None:
            self._store(db, KnownRecord(op.kind, op.id, version, None, op.hash, False, True))
            db.execute("DELETE FROM pulled WHERE kind = ? AND id = ?", (op.kind, op.id))
            return
        pushed = op.op != "delete"
        digest = content_hash(data)
        self._store(db, KnownRecord(op.kind, op.id, version, digest, op.hash, pushed, False))
        put_pulled(db, op.kind, op.id, version, data)

    def _keep_conflict(
        self, db: sqlite3.Connection, op: OutboxOp, result: ResultLike, key: str, now: str
    ) -> PendingConflict:
        conflict = PendingConflict(
            kind=op.kind,
            id=op.id,
            op=op.op,
            base_version=op.base_version,
            server_version=result.server_version,
            server_deleted=result.server_data is None,
            local_hash=op.hash,
            local_data=op.data,
            server_data=result.server_data,
            batch_key=key,
            detected_at=now,
        )
        db.execute(
            "INSERT OR REPLACE INTO conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                op.kind,
                op.id,
                op.op,
                op.base_version,
                result.server_version,
                int(conflict.server_deleted),
                op.hash,
                None if op.data is None else json.dumps(op.data, ensure_ascii=False),
                None if result.server_data is None else canonical_json(result.server_data),
                key,
                now,
            ),
        )
        return conflict

    def _adopt_conflict(self, db: sqlite3.Connection, kind: str, record_id: str) -> None:
        row = db.execute(
            "SELECT * FROM conflicts WHERE kind = ? AND id = ?", (kind, record_id)
        ).fetchone()
        if row is None:
            return
        conflict = _conflict(row)
        op = OutboxOp(conflict.op, kind, record_id, conflict.base_version, hash=conflict.local_hash)
        self._take_server(db, op, _ServerSide(conflict.server_version, conflict.server_data))

    def _store(self, db: sqlite3.Connection, record: KnownRecord) -> None:
        db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            attrs.astuple(record),
        )

    # -- pull and the local copy ----------------------------------------------------

    @property
    def cursor(self) -> str | None:
        """The pull cursor of full pulls (``None`` before the first pull)."""
        return self.cursor_for()

    def cursor_for(self, kinds: Iterable[str] | None = None) -> str | None:
        """The pull cursor of pulls limited to ``kinds`` (each set of kinds has its own)."""
        row = self._db.execute(
            "SELECT value FROM cursor WHERE scope = ?", (_scope(kinds),)
        ).fetchone()
        return None if row is None else row[0]

    def apply_page(
        self, changes: Iterable[ChangeLike], cursor: str, *, kinds: Iterable[str] | None = None
    ) -> Counter[str]:
        """Apply one page of pulled changes and advance the cursor, in one transaction.

        A pull limited to some ``kinds`` keeps its own cursor, so it never makes a full
        pull skip the changes of other kinds.

        A change older than the version the state already knows (a push acknowledged
        it first) is skipped. Tombstones with a redirect make references in the local
        copy follow: children of a merged community then point at the community that
        replaced it, and so do records pulled later that still name the old id.
        Returns counts of ``upserted``, ``deleted``, ``stale`` and ``redirected``.
        """
        counts: Counter[str] = Counter()
        with self.transaction() as db:
            for change in changes:
                row = db.execute(
                    "SELECT version, local_hash, pushed FROM records WHERE kind = ? AND id = ?",
                    (change.kind, change.id),
                ).fetchone()
                if row is not None and row[0] > change.version:
                    counts["stale"] += 1
                    continue
                local_hash, pushed = (None, False) if row is None else (row[1], bool(row[2]))
                kind, rid, version = change.kind, change.id, change.version
                if change.deleted or change.data is None:
                    redirect = change.redirect_to
                    gone = KnownRecord(kind, rid, version, None, local_hash, False, True, redirect)
                    self._store(db, gone)
                    counts["redirected"] += apply_tombstone(db, kind, rid, redirect)
                    counts["deleted"] += 1
                    continue
                data = dict(change.data)
                digest = content_hash(data)
                self._store(db, KnownRecord(kind, rid, version, digest, local_hash, pushed, False))
                db.execute("DELETE FROM redirects WHERE kind = ? AND old_id = ?", (kind, rid))
                counts["redirected"] += follow_redirects(db, kind, data)
                put_pulled(db, kind, rid, version, data)
                counts["upserted"] += 1
            db.execute(
                "INSERT OR REPLACE INTO cursor VALUES (?, ?, ?)", (_scope(kinds), cursor, _now())
            )
        return +counts

    def iter_pulled(self) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
        """The local copy: ``(kind, id, version, data)`` in document order, then by id."""
        for kind in RECORD_KINDS:
            rows = self._db.execute(
                "SELECT id, version, data FROM pulled WHERE kind = ? ORDER BY id", (kind.name,)
            )
            for record_id, version, text in rows:
                yield kind.name, record_id, version, json.loads(text)

    def redirects(self) -> dict[tuple[str, str], str]:
        """Redirects learnt from tombstones: ``(kind, old id) -> new id``."""
        rows = self._db.execute("SELECT kind, old_id, new_id FROM redirects")
        return {(kind, old): new for kind, old, new in rows}

    # -- review ------------------------------------------------------------------------

    def conflicts(self) -> list[PendingConflict]:
        """Conflicts left for review, in document order of their kinds."""
        rows = self._db.execute("SELECT * FROM conflicts").fetchall()
        found = [_conflict(row) for row in rows]
        return sorted(found, key=lambda c: (_KIND_ORDER.get(c.kind, 99), c.id))

    def rejections(self) -> list[Rejection]:
        """Operations the server rejected and that have not been pushed successfully since."""
        rows = self._db.execute(
            "SELECT kind, id, error, batch_key FROM rejections ORDER BY kind, id"
        )
        return [Rejection(kind, rid, _loads(error), key) for kind, rid, error, key in rows]

    def summary(self) -> StateSummary:
        """Counts describing the state, for ``status``."""

        def count(sql: str) -> int:
            return int(self._db.execute(sql).fetchone()[0])

        cursor = self._db.execute(
            "SELECT value, pulled_at FROM cursor ORDER BY pulled_at DESC LIMIT 1"
        ).fetchone()
        pending = "(SELECT seq FROM batches WHERE seq NOT IN (SELECT batch_seq FROM checkpoints))"
        return StateSummary(
            path=str(self.path),
            endpoint=self.get_meta("endpoint_url"),
            cursor=None if cursor is None else cursor[0],
            pulled_at=None if cursor is None else cursor[1],
            records=count("SELECT count(*) FROM records WHERE deleted = 0"),
            deleted=count("SELECT count(*) FROM records WHERE deleted = 1"),
            pushed=count("SELECT count(*) FROM records WHERE pushed = 1 AND deleted = 0"),
            pulled=count("SELECT count(*) FROM pulled"),
            pending_batches=count(f"SELECT count(*) FROM {pending}"),
            pending_operations=count(f"SELECT count(*) FROM outbox WHERE batch_seq IN {pending}"),
            completed_batches=count("SELECT count(*) FROM checkpoints WHERE error IS NULL"),
            failed_batches=count("SELECT count(*) FROM checkpoints WHERE error IS NOT NULL"),
            conflicts=count("SELECT count(*) FROM conflicts"),
            rejections=count("SELECT count(*) FROM rejections"),
            redirects=count("SELECT count(*) FROM redirects"),
        )


@attrs.frozen
class _ServerSide:
    server_version: int | None
    server_data: Mapping[str, Any] | None
    status: str = "conflict"
    version: int | None = None
    error: object | None = None


def _scope(kinds: Iterable[str] | None) -> str:
    return ",".join(sorted(set(kinds))) if kinds else "*"


def _known(row: tuple[Any, ...]) -> KnownRecord:
    kind, record_id, version, server_hash, local_hash, pushed, deleted, redirect_to = row
    return KnownRecord(
        kind, record_id, version, server_hash, local_hash, bool(pushed), bool(deleted), redirect_to
    )


def _conflict(row: tuple[Any, ...]) -> PendingConflict:
    (kind, rid, op, base, server_version, server_deleted, local_hash, local, server, key, at) = row
    return PendingConflict(
        kind=kind,
        id=rid,
        op=op,
        base_version=base,
        server_version=server_version,
        server_deleted=bool(server_deleted),
        local_hash=local_hash,
        local_data=_loads(local),
        server_data=_loads(server),
        batch_key=key,
        detected_at=at,
    )


def _error_json(error: object) -> str:
    if error is None:
        return "null"
    if attrs.has(type(error)):
        return json.dumps(attrs.asdict(error), ensure_ascii=False)  # type: ignore[arg-type]
    if isinstance(error, Mapping):
        return json.dumps(dict(error), ensure_ascii=False, default=str)
    return json.dumps(str(error), ensure_ascii=False)


def _not_a_state(path: Path, why: str) -> UsageError:
    return UsageError(
        f"{path.name} 不是 shequkit 同步状态文件({why})",
        f"{path.name} is not a shequkit sync state file ({why})",
        code="SQK-U144",
        path=path.name,
    )
