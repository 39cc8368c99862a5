"""The sync state file: WAL SQLite, one transaction per step, outbox keys that survive restarts."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from shequkit import UsageError
from shequkit.sync._protocol import Change, OperationResult
from shequkit.sync._state import (
    STATE_SCHEMA_VERSION,
    OutboxOp,
    SyncState,
    content_hash,
)

COMMUNITY = {"id": "c1", "division_code": "320102001001", "name": "龙潭社区"}
FACILITY = {"id": "f1", "community_id": "c1", "type": "社区服务站", "name": "服务站"}


def _upsert(kind: str, data: dict[str, object], base: int | None = None) -> OutboxOp:
    return OutboxOp("upsert", kind, str(data["id"]), base, data, None, content_hash(data))


def _result(op: OutboxOp, index: int, status: str, **fields: object) -> OperationResult:
    return OperationResult(index=index, kind=op.kind, id=op.id, status=status, **fields)  # type: ignore[arg-type]


def _acknowledge(state: SyncState, *ops: OutboxOp) -> None:
    (batch,) = state.enqueue([list(ops)])
    results = [_result(op, i, "created", version=1) for i, op in enumerate(ops)]
    state.complete_batch(batch, results, batch_id="b", replayed=False, policy="manual")


@pytest.fixture
def state(tmp_path: Path) -> SyncState:
    with SyncState(tmp_path / "state.db") as opened:
        yield opened


def test_state_file_is_wal_with_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SyncState(path).close()

    with sqlite3.connect(path) as db:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        version = db.execute("SELECT version FROM schema_version").fetchall()
    db.close()

    assert mode == "wal"
    assert version == [(STATE_SCHEMA_VERSION,)]


def test_a_database_that_is_not_a_state_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)

    for path in (other, garbage):
        with pytest.raises(UsageError) as caught:
            SyncState(path)
        assert caught.value.code == "SQK-U144"


def test_a_state_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    SyncState(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (STATE_SCHEMA_VERSION + 1,))
    db.close()

    with pytest.raises(UsageError, match="layout version") as caught:
        SyncState(path)
    assert caught.value.code == "SQK-U144"


def test_outbox_batches_keep_their_keys_and_operations_across_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    community, facility = _upsert("community", COMMUNITY), _upsert("facility", FACILITY)
    with SyncState(path) as state:
        written = state.enqueue([[community], [facility]])

    with SyncState(path) as reopened:
        pending = reopened.pending_batches()

    assert [batch.key for batch in pending] == [batch.key for batch in written]
    assert all(uuid.UUID(batch.key).version == 4 for batch in pending)
    assert len({batch.key for batch in pending}) == 2
    assert [batch.operations for batch in pending] == [(community,), (facility,)]


def test_acknowledging_a_batch_records_versions_and_a_checkpoint(state: SyncState) -> None:
    community = _upsert("community", COMMUNITY)
    (batch,) = state.enqueue([[community]])

    outcome = state.complete_batch(
        batch,
        [_result(community, 0, "created", version=1)],
        batch_id="b1",
        replayed=False,
        policy="manual",
    )

    assert outcome.statuses == {"created": 1}
    assert state.pending_batches() == []
    known = state.known("community", "c1")
    assert known is not None
    assert (known.version, known.pushed, known.deleted) == (1, True, False)
    assert known.server_hash == known.local_hash == content_hash(COMMUNITY)
    assert [(k, i, v) for k, i, v, _ in state.iter_pulled()] == [("community", "c1", 1)]
    assert state.summary().completed_batches == 1


def test_a_batch_acknowledged_twice_is_recorded_once(state: SyncState) -> None:
    community = _upsert("community", COMMUNITY)
    (batch,) = state.enqueue([[community]])
    results = [_result(community, 0, "created", version=1)]
    state.complete_batch(batch, results, batch_id="b1", replayed=False, policy="manual")

    again = state.complete_batch(batch, results, batch_id="b1", replayed=True, policy="manual")

    assert again.statuses == {}
    assert state.summary().completed_batches == 1


def _insert_twice(state: SyncState) -> None:
    with state.transaction() as db:
        db.execute("INSERT INTO meta VALUES ('x', 'y')")
        db.execute("INSERT INTO meta VALUES ('x', 'z')")  # duplicate key: fails


def test_a_failed_step_leaves_the_state_as_it_was(state: SyncState) -> None:
    community = _upsert("community", COMMUNITY)
    (batch,) = state.enqueue([[community]])

    with pytest.raises(ValueError, match="one result per operation"):
        state.complete_batch(batch, [], batch_id="b", replayed=False, policy="manual")
    with pytest.raises(sqlite3.IntegrityError):
        _insert_twice(state)

    assert state.get_meta("x") is None
    assert [b.key for b in state.pending_batches()] == [batch.key]


def test_a_state_belongs_to_one_server(state: SyncState) -> None:
    state.bind_endpoint("http://127.0.0.1:1/")
    state.bind_endpoint("http://127.0.0.1:1")

    with pytest.raises(UsageError) as caught:
        state.bind_endpoint("http://127.0.0.1:2")
    assert caught.value.code == "SQK-U143"


def _conflicting_update(state: SyncState, policy: str) -> OperationResult:
    _acknowledge(state, _upsert("community", COMMUNITY))
    edited = _upsert("community", {**COMMUNITY, "name": "本地改名"}, base=1)
    (batch,) = state.enqueue([[edited]])
    server = {**COMMUNITY, "name": "服务端改名"}
    result = _result(edited, 0, "conflict", server_version=2, server_data=server)
    state.complete_batch(batch, [result], batch_id="b2", replayed=False, policy=policy)
    return result


def test_server_wins_takes_the_servers_record(state: SyncState) -> None:
    _conflicting_update(state, "server-wins")

    known = state.known("community", "c1")
    assert known is not None
    assert known.version == 2
    assert known.server_hash == content_hash({**COMMUNITY, "name": "服务端改名"})
    assert known.local_hash == content_hash({**COMMUNITY, "name": "本地改名"})
    assert state.conflicts() == []
    ((_, _, _, data),) = state.iter_pulled()
    assert data["name"] == "服务端改名"


def test_client_wins_queues_the_change_again_under_a_new_key(state: SyncState) -> None:
    _conflicting_update(state, "client-wins")

    (resend,) = state.pending_batches()
    (operation,) = resend.operations
    assert operation.base_version == 2
    assert operation.data is not None
    assert operation.data["name"] == "本地改名"
    assert operation.attempt == 1
    assert state.conflicts() == []


def test_manual_keeps_the_conflict_for_review(state: SyncState) -> None:
    _conflicting_update(state, "manual")

    (conflict,) = state.conflicts()
    assert (conflict.kind, conflict.id, conflict.server_version) == ("community", "c1", 2)
    assert conflict.local_data is not None
    assert conflict.server_data is not None
    assert (conflict.local_data["name"], conflict.server_data["name"]) == ("本地改名", "服务端改名")
    known = state.known("community", "c1")
    assert known is not None
    assert known.version == 1  # nothing overwritten
    assert state.pending_batches() == []


def test_rejections_are_kept_until_the_record_is_pushed(state: SyncState) -> None:
    community = _upsert("community", COMMUNITY)
    (batch,) = state.enqueue([[community]])
    state.complete_batch(
        batch, [_result(community, 0, "rejected")], batch_id="b", replayed=False, policy="manual"
    )
    assert [(r.kind, r.id) for r in state.rejections()] == [("community", "c1")]

    _acknowledge(state, community)

    assert state.rejections() == []


def test_a_pull_page_advances_the_cursor_and_skips_stale_changes(state: SyncState) -> None:
    _acknowledge(state, _upsert("community", {**COMMUNITY, "name": "新名"}))  # version 1
    with state.transaction() as db:
        db.execute("UPDATE records SET version = 3")

    counts = state.apply_page(
        [
            Change("community", "c1", 2, data=COMMUNITY),
            Change("facility", "f1", 1, data=FACILITY),
        ],
        "cursor-1",
    )

    assert counts == {"stale": 1, "upserted": 1}
    assert state.cursor == "cursor-1"
    names = {record_id: data["name"] for _, record_id, _, data in state.iter_pulled()}
    assert names == {"c1": "新名", "f1": "服务站"}


def test_a_tombstone_with_a_redirect_makes_references_follow(state: SyncState) -> None:
    other = {**COMMUNITY, "id": "c2", "name": "新社区"}
    late_child = {**FACILITY, "id": "f2"}
    state.apply_page(
        [
            Change("community", "c1", 1, data=COMMUNITY),
            Change("community", "c2", 1, data=other),
            Change("facility", "f1", 1, data=FACILITY),
        ],
        "a",
    )

    counts = state.apply_page(
        [
            Change("community", "c1", 2, deleted=True, redirect_to="c2"),
            Change("facility", "f2", 1, data=late_child),  # still names the old community
        ],
        "b",
    )

    assert counts["deleted"] == 1
    assert counts["redirected"] == 2
    pulled = {(kind, rid): data for kind, rid, _, data in state.iter_pulled()}
    assert ("community", "c1") not in pulled
    assert pulled[("facility", "f1")]["community_id"] == "c2"
    assert pulled[("facility", "f2")]["community_id"] == "c2"
    tombstone = state.known("community", "c1")
    assert tombstone is not None
    assert (tombstone.deleted, tombstone.redirect_to) == (True, "c2")


def test_redirects_chain_and_end_when_the_old_id_comes_back(state: SyncState) -> None:
    state.apply_page(
        [
            Change("community", "c1", 2, deleted=True, redirect_to="c2"),
            Change("community", "c2", 2, deleted=True, redirect_to="c3"),
        ],
        "a",
    )
    assert state.redirects() == {("community", "c1"): "c3", ("community", "c2"): "c3"}

    state.apply_page([Change("community", "c1", 3, data=COMMUNITY)], "b")

    assert state.redirects() == {("community", "c2"): "c3"}


def test_the_state_file_is_owner_only(tmp_path: Path) -> None:
    # It holds the records themselves, personal data included.
    state = SyncState(tmp_path / "state.db")
    state.close()

    assert (tmp_path / "state.db").stat().st_mode & 0o777 == 0o600


def test_an_in_memory_state_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `sync plan` on a state that does not exist yet plans against ":memory:".
    monkeypatch.chdir(tmp_path)
    with SyncState(":memory:") as state:
        assert state.redirects() == {}

    assert list(tmp_path.iterdir()) == []
