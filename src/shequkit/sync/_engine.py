"""The sync engine (同步引擎): plan, push, pull and status over a local state file.

Crash safety rests on three rules, each one SQLite transaction:

1. A push first writes its whole plan to the outbox, cut into batches, each
   with a fresh uuid4 Idempotency-Key. Killed before that commit, nothing was
   sent and the next run plans again; killed after, the outbox is the intent.
2. Batches are sent in order. A batch's results, the new server versions and
   its checkpoint are recorded together. Killed while a batch is in flight,
   the next run resends that batch first, with the *same* key and the same
   body: the server replays its stored answer if it had applied the batch, or
   applies it now if it had not. Nothing is lost and nothing is applied twice.
3. A pull applies each page and advances the cursor together, so a page is
   never half-applied nor applied under a cursor that skipped it.

Only then does a push plan the file again, against the acknowledged state.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from shequkit._convert import json_converter
from shequkit._exceptions import UsageError
from shequkit.model import Dataset, Metadata, kind_by_name
from shequkit.sync._config import FieldMapping
from shequkit.sync._conflicts import ConflictPolicy, write_conflict_file
from shequkit.sync._errors import SyncError
from shequkit.sync._plan import Plan, Redirects, make_plan
from shequkit.sync._state import (
    OutboxBatch,
    PendingConflict,
    Rejection,
    StateSummary,
    SyncState,
)

if TYPE_CHECKING:
    from shequkit._toolkit import Toolkit
    from shequkit.sync._client import SyncClient

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "PullReport",
    "PushReport",
    "plan",
    "pull",
    "push",
    "status",
]

DEFAULT_BATCH_SIZE: Final = 500
"""Operations per batch unless told otherwise (the protocol allows 1 to 1000)."""

MAX_BATCH_SIZE: Final = 1000

_REFUSED: Final = frozenset({400, 403, 413, 422})
"""HTTP statuses of a batch refused as a whole for good (resending the same body cannot help).

Authentication failures (401) and transient faults leave the batch pending: once the
cause is fixed, resending it with its key is exactly right.
"""

Progress = Callable[[int, int], None]
"""Called with ``(operations done, operations in total)`` after each batch (or page)."""

PathLike = str | os.PathLike[str]


@attrs.frozen
class PushReport:
    """What a push did.

    Attributes:
        plan: the plan made from the file (after resending interrupted batches).
        resumed: batches left by an interrupted run and resent first (same keys).
        batches: batches acknowledged by the server in this run (resumed ones included).
        replayed: of those, how many the server answered from its idempotency store.
        statuses: operation results by status (``created``, ``updated``, ``conflict``...).
        overridden: conflicts settled in the server's favour (``server-wins``).
        resent: conflicting operations queued again (``client-wins``).
        conflicts: conflicts pending in the state after the push.
        rejections: operations the server rejected and that are still not pushed.
        conflict_file: where the conflicts were written for review, if any.
    """

    plan: Plan
    resumed: int
    batches: int
    replayed: int
    statuses: Mapping[str, int]
    overridden: int
    resent: int
    conflicts: tuple[PendingConflict, ...]
    rejections: tuple[Rejection, ...]
    conflict_file: Path | None = None

    @property
    def ok(self) -> bool:
        """True when nothing is left for a human: no conflicts, no rejections."""
        return not self.conflicts and not self.rejections


@attrs.frozen
class PullReport:
    """What a pull did.

    Attributes:
        pages: pages read.
        changes: changes received.
        counts: ``upserted``, ``deleted``, ``stale`` (older than known) and
            ``redirected`` (references rewritten to follow a tombstone's redirect).
        cursor: the cursor after the pull.
        output: the dataset file written, if any.
        written: records written to it.
        unreadable: records of the local copy that could not be exported.
    """

    pages: int
    changes: int
    counts: Mapping[str, int]
    cursor: str | None
    output: Path | None = None
    written: int = 0
    unreadable: tuple[tuple[str, str], ...] = ()


@contextlib.contextmanager
def _opened(state: SyncState | PathLike) -> Iterator[SyncState]:
    if isinstance(state, SyncState):
        yield state
        return
    with SyncState(os.fspath(state)) as opened:
        yield opened


@contextlib.contextmanager
def exclusive(state: SyncState) -> Iterator[None]:
    """Hold the state's lock file so two processes never push or pull with one state.

    The lock is an ``flock`` on ``STATE.lock``; the system releases it when the
    process ends, however it ends (a SIGKILL included).

    Raises:
        UsageError: ``SQK-U145`` when another process holds it.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    lock_path = state.path.with_name(state.path.name + ".lock")
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                f"同步状态文件 {state.path.name} 正被另一个进程使用",
                f"the sync state file {state.path.name} is in use by another process",
                code="SQK-U145",
                path=state.path.name,
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _dataset(source: Dataset | PathLike, toolkit: Toolkit | None) -> Dataset:
    if isinstance(source, Dataset):
        return source
    from shequkit._api import load

    return load(source, toolkit=toolkit)


def plan(
    source: Dataset | PathLike,
    state: SyncState | PathLike,
    *,
    policy: ConflictPolicy | str = ConflictPolicy.MANUAL,
    redirects: Redirects | None = None,
    toolkit: Toolkit | None = None,
) -> Plan:
    """What pushing ``source`` (a dataset or a file in any readable format) would send.

    Read only: neither the state nor the server is changed. Batches an interrupted
    push left in the outbox are not part of the plan (they are resent first; see
    :func:`status`).

    Raises:
        DataError: ``SQK-D100`` when the file's data is invalid.
        InputError: when the file cannot be read.
    """
    dataset = _dataset(source, toolkit)
    with _opened(state) as opened:
        return make_plan(dataset, opened, policy=policy, redirects=redirects)


def push(
    source: Dataset | PathLike,
    state: SyncState | PathLike,
    client: SyncClient,
    *,
    policy: ConflictPolicy | str = ConflictPolicy.MANUAL,
    batch_size: int = DEFAULT_BATCH_SIZE,
    redirects: Redirects | None = None,
    field_mapping: FieldMapping | None = None,
    conflict_file: PathLike | None = None,
    show_sensitive: bool = False,
    progress: Progress | None = None,
    toolkit: Toolkit | None = None,
) -> PushReport:
    """Push the records of ``source`` to the server of ``client``, resuming any interrupted push.

    Steps: resend the batches an interrupted run left in the outbox (same keys);
    plan the file against the acknowledged state; write the plan to the outbox in
    one transaction; send the batches in order, recording each answer with its
    checkpoint in one transaction. Conflicts follow ``policy``; under ``manual``
    the pending conflicts are written to ``conflict_file`` (default: next to the
    state, ``STATE.conflicts.json``), personal data masked unless ``show_sensitive``.

    Raises:
        DataError: ``SQK-D100`` when the file's data is invalid (nothing is sent).
        UsageError: ``SQK-U143`` when the state belongs to another server,
            ``SQK-U145`` when another process uses it.
        SyncError: when the server refuses a batch or stays unreachable; the outbox
            keeps the batch and the next push resends it.
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise UsageError(
            f"批大小应在 1 到 {MAX_BATCH_SIZE} 之间,实际为 {batch_size}",
            f"the batch size must be 1 to {MAX_BATCH_SIZE}, got {batch_size}",
            code="SQK-U100",
        )
    policy = ConflictPolicy(policy)
    mapping = field_mapping or FieldMapping()
    dataset = _dataset(source, toolkit)
    with _opened(state) as opened, exclusive(opened):
        opened.bind_endpoint(_client_url(client))
        sender = _Sender(opened, client, policy, mapping, progress)
        resumed = opened.pending_batches()
        sender.expect(sum(len(batch.operations) for batch in resumed))
        sender.drain()
        the_plan = make_plan(dataset, opened, policy=policy, redirects=redirects)
        operations = [operation.to_outbox() for operation in the_plan.operations]
        chunks = [operations[i : i + batch_size] for i in range(0, len(operations), batch_size)]
        meta = json_converter.unstructure(dataset.meta)
        opened.set_meta("dataset_meta", json.dumps(meta, ensure_ascii=False))
        opened.enqueue(chunks, adopt=the_plan.adopt)
        sender.expect(len(operations))
        sender.drain()
        conflicts = tuple(opened.conflicts())
        written: Path | None = None
        target = Path(conflict_file) if conflict_file is not None else _conflict_path(opened)
        if not conflicts and conflict_file is None:
            # The default file always shows what is pending: none left, no file.
            target.unlink(missing_ok=True)
        if conflicts:
            written = write_conflict_file(
                target,
                conflicts,
                endpoint=opened.get_meta("endpoint_url"),
                show_sensitive=show_sensitive,
            )
        return PushReport(
            plan=the_plan,
            resumed=len(resumed),
            batches=sender.batches,
            replayed=sender.replayed,
            statuses=dict(sender.statuses),
            overridden=sender.overridden,
            resent=sender.resent,
            conflicts=conflicts,
            rejections=tuple(opened.rejections()),
            conflict_file=written,
        )


def _conflict_path(state: SyncState) -> Path:
    return state.path.with_name(state.path.stem + ".conflicts.json")


def _client_url(client: SyncClient) -> str:
    return str(client.base_url).rstrip("/")


class _Sender:
    """Sends the outbox in order, batch by batch, recording each answer."""

    def __init__(
        self,
        state: SyncState,
        client: SyncClient,
        policy: ConflictPolicy,
        mapping: FieldMapping,
        progress: Progress | None,
    ) -> None:
        self.state, self.client, self.policy = state, client, policy
        self.mapping, self.progress = mapping, progress
        self.total = self.done = self.batches = self.replayed = 0
        self.overridden = self.resent = 0
        self.statuses: Counter[str] = Counter()

    def expect(self, operations: int) -> None:
        self.total += operations
        if self.progress is not None:
            self.progress(self.done, self.total)

    def drain(self) -> None:
        # client-wins queues resends as new batches while draining: loop until empty.
        while batches := self.state.pending_batches():
            for batch in batches:
                self._send(batch)

    def _send(self, batch: OutboxBatch) -> None:
        from shequkit.sync._protocol import Operation

        operations = [
            Operation(
                op="delete" if op.op == "delete" else "upsert",
                kind=op.kind,
                id=op.id,
                base_version=op.base_version,
                data=None if op.data is None else self.mapping.outbound(op.kind, op.data),
                redirect_to=op.redirect_to,
            )
            for op in batch.operations
        ]
        try:
            answer = self.client.push(operations, idempotency_key=batch.key)
        except SyncError as error:
            if error.status in _REFUSED:
                # Refused whole, nothing applied, and resending cannot help: close the batch
                # so the next push plans its records again (after the cause is fixed).
                self.state.fail_batch(batch, error.code)
            raise
        results = [
            _Result.of(result, kind.kind, self.mapping)
            for result, kind in zip(answer.results, batch.operations, strict=True)
        ]
        outcome = self.state.complete_batch(
            batch,
            results,
            batch_id=answer.batch_id,
            replayed=answer.replayed,
            policy=self.policy.value,
        )
        self.batches += 1
        self.replayed += int(answer.replayed)
        self.statuses.update(outcome.statuses)
        self.overridden += outcome.overridden
        self.resent += outcome.resent
        self.total += outcome.resent
        self.done += len(batch.operations)
        if self.progress is not None:
            self.progress(self.done, self.total)


@attrs.frozen
class _Result:
    """An operation result with the server's data mapped back to shequkit's field names."""

    status: str
    version: int | None
    server_version: int | None
    server_data: Mapping[str, Any] | None
    error: object | None

    @classmethod
    def of(cls, result: Any, kind: str, mapping: FieldMapping) -> _Result:
        data = result.server_data
        return cls(
            status=str(result.status),
            version=result.version,
            server_version=result.server_version,
            server_data=None if data is None else mapping.inbound(kind, data),
            error=result.error,
        )


@attrs.frozen
class _Change:
    kind: str
    id: str
    version: int
    deleted: bool
    redirect_to: str | None
    data: Mapping[str, Any] | None


def pull(
    state: SyncState | PathLike,
    client: SyncClient,
    *,
    output: PathLike | None = None,
    format: str | None = None,
    kinds: Sequence[str] | None = None,
    page_size: int = DEFAULT_BATCH_SIZE,
    field_mapping: FieldMapping | None = None,
    progress: Progress | None = None,
    toolkit: Toolkit | None = None,
) -> PullReport:
    """Read the server's changes since the state's cursor into the local copy; optionally export it.

    Each page is applied and the cursor advanced in one transaction. Tombstones
    with a redirect make references in the local copy follow. With ``output``, the
    whole local copy is written (atomically) as a dataset file in any writable
    format, with the metadata of the last push from this state or a generic one.

    Raises:
        UsageError: ``SQK-U143`` when the state belongs to another server,
            ``SQK-U145`` when another process uses it.
        SyncError: when the server refuses or stays unreachable (pages applied so
            far are kept; the next pull continues after them).
    """
    mapping = field_mapping or FieldMapping()
    pages = received = 0
    counts: Counter[str] = Counter()
    with _opened(state) as opened, exclusive(opened):
        opened.bind_endpoint(_client_url(client))
        while True:
            since = opened.cursor_for(kinds)
            page = client.pull(since=since, limit=page_size, kinds=kinds)
            changes = [
                _Change(
                    change.kind,
                    change.id,
                    change.version,
                    change.deleted,
                    change.redirect_to,
                    None if change.data is None else mapping.inbound(change.kind, change.data),
                )
                for change in page.changes
            ]
            counts.update(opened.apply_page(changes, page.cursor, kinds=kinds))
            pages += 1
            received += len(changes)
            if progress is not None:
                progress(received, received)
            if not page.has_more or not changes:
                break
        report = PullReport(pages, received, dict(counts), opened.cursor_for(kinds))
        if output is None:
            return report
        written, unreadable = export(opened, output, format=format, toolkit=toolkit)
        return attrs.evolve(report, output=Path(output), written=written, unreadable=unreadable)


def export(
    state: SyncState,
    output: PathLike,
    *,
    format: str | None = None,
    toolkit: Toolkit | None = None,
) -> tuple[int, tuple[tuple[str, str], ...]]:
    """Write the state's local copy to ``output`` (streamed, atomically).

    Returns the number of records written and the ``(kind, id)`` of records that
    could not be read back into the model (left out and reported).
    """
    from shequkit._api import write_records

    unreadable: list[tuple[str, str]] = []

    def records() -> Iterator[Any]:
        for kind_name, record_id, _version, data in state.iter_pulled():
            kind = kind_by_name(kind_name)
            if kind is None:
                unreadable.append((kind_name, record_id))
                continue
            try:
                yield json_converter.structure(data, kind.cls)
            except Exception:  # cattrs groups every field problem; the id is what matters here
                unreadable.append((kind_name, record_id))

    written = write_records(output, _export_meta(state), records(), format=format, toolkit=toolkit)
    return written, tuple(unreadable)


def _export_meta(state: SyncState) -> Metadata:
    stored = state.get_meta("dataset_meta")
    if stored is not None:
        with contextlib.suppress(Exception):
            meta: Metadata = json_converter.structure(json.loads(stored), Metadata)
            return meta
    return Metadata(
        reporting_unit="同步拉取 sync pull",
        period=str(datetime.date.today().year),
        title="从服务端拉取的数据 records pulled from the server",
        source=state.get_meta("endpoint_url"),
    )


def status(state: SyncState | PathLike) -> StateSummary:
    """Counts describing a state file: records, outbox, checkpoints, conflicts, cursor."""
    with _opened(state) as opened:
        return opened.summary()
