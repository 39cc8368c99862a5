"""``shequkit sync push`` killed with SIGKILL partway, run again: every record exactly once.

The push runs as a separate process against a real sandbox on localhost. The
first run is killed while the server holds a batch it has reserved but not yet
applied (the worst moment: the client never learns the answer); the server then
applies it. The second run resends that batch with its stored key, so the server
replays it, and is killed again at a later checkpoint. The third run finishes.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shequkit.sandbox import FaultPlan, SandboxServer
from sync_fixtures import JS_KEY, JS_SECRET

COMMUNITIES = 100  # shequkit sample -n 100 writes 10,664 records
BATCH_SIZE = 200
HELD_BATCH = 6  # the first run is killed while the server holds this batch


def _shequkit(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shequkit", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(condition: Callable[[], bool], what: str, process: subprocess.Popen[str] | None) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if process is not None and process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"push ended (exit {process.returncode}) before {what}:\n{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def _checkpoints(state: Path) -> int:
    if not state.exists():
        return 0
    try:
        with _read_only(state) as db:
            return int(db.execute("SELECT count(*) FROM checkpoints").fetchone()[0])
    except sqlite3.OperationalError:  # the file exists but its tables are not written yet
        return 0


def _server_batches(server: SandboxServer) -> int:
    return server.store.counts()["batches"]


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "jiangsu.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "shequkit", "sample", "-n", str(COMMUNITIES), "-o", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path


def test_push_killed_twice_resumes_with_every_record_exactly_once(
    tmp_path: Path,
    sample_file: Path,
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    # Every request is slowed a little so the kills land partway; one batch is held.
    script = ("latency",) * (HELD_BATCH - 1) + ("hold",)
    faults = FaultPlan(rate=1.0, kinds=("latency",), latency_ms=20, script=script)
    server = sandbox_factory(faults=faults)
    state = tmp_path / "state.db"
    env = {
        **os.environ,
        "SHEQUKIT_SYNC_APP_KEY": JS_KEY,
        "SHEQUKIT_SYNC_SECRET": JS_SECRET.decode(),
    }
    push = ("sync", "push", str(sample_file), "--state", str(state), "--url", server.url)
    push += ("--batch-size", str(BATCH_SIZE), "--json")

    # Run 1: killed while the server holds batch 6, reserved but not applied.
    first = _shequkit(*push, env=env)
    _wait(server.control.held.is_set, "the server holds a batch", first)
    assert _checkpoints(state) == HELD_BATCH - 1
    _kill(first)
    server.control.release()  # the server now applies batch 6; nobody hears the answer
    _wait(lambda: _server_batches(server) == HELD_BATCH, "batch 6 is applied", None)
    with _read_only(state) as db:
        pending = db.execute(
            "SELECT count(*) FROM batches WHERE seq NOT IN (SELECT batch_seq FROM checkpoints)"
        ).fetchone()[0]
    assert pending > 0  # the outbox holds the rest of the plan, batch 6 included

    # Run 2: resends batch 6 first with its key (a replay), then is killed again.
    second = _shequkit(*push, env=env)
    _wait(lambda: _checkpoints(state) >= 20, "20 checkpoints", second)
    _kill(second)

    # Run 3: finishes.
    third = _shequkit(*push, env=env)
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0, err
    report = json.loads(out)

    records = sum(1 for line in sample_file.read_text(encoding="utf-8").splitlines()) - 1
    assert records >= 10_000
    with _read_only(Path(server.store.path)) as db:
        versions = db.execute(
            "SELECT version, deleted, count(*) FROM records GROUP BY version, deleted"
        ).fetchall()
        applied_ops, applied_batches, keys = db.execute(
            "SELECT sum(operations), count(*), count(DISTINCT idempotency_key) FROM batches"
        ).fetchone()
        server_keys = {row[0] for row in db.execute("SELECT idempotency_key FROM batches")}
    assert versions == [(1, 0, records)]
    assert applied_ops == records  # no operation applied twice
    assert applied_batches == keys == -(-records // BATCH_SIZE)

    with _read_only(state) as db:
        known = db.execute(
            "SELECT version, pushed, deleted, count(*) FROM records GROUP BY 1, 2, 3"
        ).fetchall()
        checkpoint_keys = {
            row[0]
            for row in db.execute(
                "SELECT idempotency_key FROM batches JOIN checkpoints ON batch_seq = seq"
            )
        }
        pending_after = db.execute(
            "SELECT count(*) FROM batches WHERE seq NOT IN (SELECT batch_seq FROM checkpoints)"
        ).fetchone()[0]
        held_replayed = db.execute(
            "SELECT replayed FROM checkpoints WHERE batch_seq = ?", (HELD_BATCH,)
        ).fetchone()[0]
    assert known == [(1, 1, 0, records)]
    assert pending_after == 0
    assert checkpoint_keys == server_keys  # the state and the server agree batch by batch
    assert held_replayed == 1  # batch 6 was answered from the server's idempotency store
    assert report["resumed_batches"] > 0  # run 3 first finished what run 2 left
    assert report["plan"]["unchanged"] == records  # then found nothing left to send
    assert report["conflicts"] == report["rejected"] == 0
