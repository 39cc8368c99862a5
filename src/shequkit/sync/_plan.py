"""Planning a push (同步计划): what a dataset file changes compared with the sync state.

Every record of the file is identified by ``(kind, id)`` (divisions by their
``code``) and compared by the SHA-256 of its canonical JSON (the form
:data:`shequkit.json_converter` writes, keys sorted):

* not known to the state → **created** (``upsert``, ``base_version`` null);
* known, and its hash is the one last pushed from this state or the one the
  server holds → unchanged;
* known with another hash → **updated** (``base_version`` = the known version);
* known as deleted on the server → **created** again (``base_version`` = the
  tombstone's version), unless this exact content lost a conflict before.

**Snapshot semantics.** A file is the complete set of records this state is
responsible for: a record *pushed from this state* and absent from the file is
planned as **deleted**. Records the state only learnt about by pulling are
never deleted by a push; push a file without them and they stay on the server.

**Redirects.** When a community is merged into another, split, or recoded, the
old record is deleted with ``redirect_to`` naming the record that replaces it.
The mapping comes from a redirects file (``--redirects FILE``), see
:func:`load_redirects`. A redirected record must be absent from the file and
its target must be in the file (or already on the server).

Operations come in a safe order: creates and updates in document order
(divisions and communities before the records that refer to them), then
deletes in reverse document order (children first).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._convert import json_converter
from shequkit._exceptions import InputNotFoundError, UsageError
from shequkit.model import RECORD_KINDS, Dataset, kind_by_name
from shequkit.sync._conflicts import ConflictPolicy
from shequkit.sync._state import (
    KnownRecord,
    OutboxOp,
    PendingConflict,
    SyncState,
    content_hash,
)

__all__ = ["ACTIONS", "Plan", "PlannedOperation", "load_redirects", "make_plan"]

ACTIONS: Final = ("created", "updated", "deleted")
"""What a planned operation does to a record on the server."""

Redirects = Mapping[tuple[str, str], str]
"""``(kind, old id) -> new id``."""

_KIND_ORDER: Final = {kind.name: index for index, kind in enumerate(RECORD_KINDS)}


@attrs.frozen
class PlannedOperation:
    """One operation of a plan.

    Attributes:
        action: ``created``, ``updated`` or ``deleted``.
        base_version: the server version the change is based on (``None`` to create).
        data: the record's canonical JSON (``None`` for a delete).
        hash: content hash of ``data``.
        redirect_to: for a delete, the id of the record that replaces this one.
    """

    action: str
    kind: str
    id: str
    base_version: int | None
    data: Mapping[str, Any] | None = None
    hash: str | None = None
    redirect_to: str | None = None

    @property
    def op(self) -> str:
        """The wire operation: ``upsert`` or ``delete``."""
        return "delete" if self.action == "deleted" else "upsert"

    def to_outbox(self) -> OutboxOp:
        """The operation as the state's outbox stores it."""
        return OutboxOp(
            self.op, self.kind, self.id, self.base_version, self.data, self.redirect_to, self.hash
        )


@attrs.frozen
class Plan:
    """The difference between a dataset file and the sync state.

    Attributes:
        operations: what to send, in sending order.
        unchanged: records per kind that need nothing.
        pending_conflicts: ``(kind, id)`` of records held back by a conflict under
            review (``manual`` policy, record not edited since).
        adopt: ``(kind, id)`` of conflicts settled in the server's favour by this push
            (``server-wins``, or the file now matches the server).
        unused_redirects: redirects of records that are not deleted by this plan.
    """

    operations: tuple[PlannedOperation, ...]
    unchanged: Mapping[str, int] = attrs.field(factory=dict)
    pending_conflicts: tuple[tuple[str, str], ...] = ()
    adopt: tuple[tuple[str, str], ...] = ()
    unused_redirects: tuple[tuple[str, str], ...] = ()

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {"created": n, "updated": n, "deleted": n, "unchanged": n}}``, kinds in order.

        Only kinds with at least one record or operation are listed.
        """
        table: dict[str, Counter[str]] = {}
        for operation in self.operations:
            table.setdefault(operation.kind, Counter())[operation.action] += 1
        for kind, number in self.unchanged.items():
            table.setdefault(kind, Counter())["unchanged"] += number
        return {
            kind: {action: table[kind][action] for action in (*ACTIONS, "unchanged")}
            for kind in sorted(table, key=lambda name: _KIND_ORDER.get(name, 99))
        }

    def totals(self) -> dict[str, int]:
        """Operations per action over all kinds, plus ``unchanged`` and ``conflicts``."""
        totals = Counter(operation.action for operation in self.operations)
        return {
            **{action: totals[action] for action in ACTIONS},
            "unchanged": sum(self.unchanged.values()),
            "conflicts": len(self.pending_conflicts),
        }

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (no record contents: no personal data)."""
        return {
            "totals": self.totals(),
            "kinds": self.counts(),
            "operations": [
                {
                    "action": operation.action,
                    "kind": operation.kind,
                    "id": operation.id,
                    "base_version": operation.base_version,
                    "redirect_to": operation.redirect_to,
                }
                for operation in self.operations
            ],
            "pending_conflicts": [{"kind": k, "id": i} for k, i in self.pending_conflicts],
            "unused_redirects": [{"kind": k, "id": i} for k, i in self.unused_redirects],
        }


def make_plan(
    dataset: Dataset,
    state: SyncState,
    *,
    policy: ConflictPolicy | str = ConflictPolicy.MANUAL,
    redirects: Redirects | None = None,
) -> Plan:
    """Compare ``dataset`` with ``state`` and return what a push would send.

    Args:
        dataset: the complete set of records this state is responsible for.
        state: the sync state (read only here).
        policy: how to treat conflicts still pending from an earlier push.
        redirects: ``(kind, old id) -> new id`` for deleted records that were replaced.

    Raises:
        UsageError: ``SQK-U142`` when a redirected record is still in the file or its
            target is neither in the file nor on the server.
    """
    policy = ConflictPolicy(policy)
    redirects = dict(redirects or {})
    known = {(entry.kind, entry.id): entry for entry in state.iter_known()}
    conflicts = {(conflict.kind, conflict.id): conflict for conflict in state.conflicts()}
    upserts: list[PlannedOperation] = []
    unchanged: Counter[str] = Counter()
    pending: list[tuple[str, str]] = []
    adopt: list[tuple[str, str]] = []
    in_file: set[tuple[str, str]] = set()

    for kind, record in dataset.records():
        key = (kind.name, str(getattr(record, kind.key_field)))
        in_file.add(key)
        data: dict[str, Any] = json_converter.unstructure(record)
        digest = content_hash(data)
        entry = known.get(key)
        if key in conflicts:
            verdict, entry = _settle(conflicts[key], entry, digest, policy)
            if verdict == "pending":
                pending.append(key)
                continue
            if verdict == "adopt":
                adopt.append(key)
        action, base = _compare(entry, digest)
        if action is None:
            unchanged[kind.name] += 1
        else:
            upserts.append(PlannedOperation(action, key[0], key[1], base, data, digest))

    _check_redirects(redirects, in_file, known)
    deletes: list[PlannedOperation] = []
    for key in sorted(known.keys() | conflicts.keys(), key=_delete_order):
        if key in in_file:
            continue
        entry = known.get(key)
        if key in conflicts:
            verdict, entry = _settle(conflicts[key], entry, None, policy)
            if verdict == "pending":
                pending.append(key)
                continue
            if verdict == "adopt":
                adopt.append(key)
        if entry is not None and entry.pushed and not entry.deleted:
            deletes.append(
                PlannedOperation("deleted", *key, entry.version, redirect_to=redirects.get(key))
            )
    deleted = {(operation.kind, operation.id) for operation in deletes}
    return Plan(
        operations=(*upserts, *deletes),
        unchanged=dict(unchanged),
        pending_conflicts=tuple(pending),
        adopt=tuple(adopt),
        unused_redirects=tuple(sorted(key for key in redirects if key not in deleted)),
    )


def _compare(entry: KnownRecord | None, digest: str) -> tuple[str | None, int | None]:
    if entry is None:
        return "created", None
    if digest == entry.local_hash:
        return None, None  # the file has not changed since it was last reconciled
    if entry.deleted:  # re-created on top of the tombstone (version 0: never existed)
        return "created", entry.version or None
    if digest == entry.server_hash:
        return None, None  # the server already holds exactly this
    return "updated", entry.version


def _settle(
    conflict: PendingConflict,
    entry: KnownRecord | None,
    digest: str | None,
    policy: ConflictPolicy,
) -> tuple[str, KnownRecord | None]:
    """How a pending conflict affects planning: ``pending``, ``adopt`` or ``send``.

    Returns the verdict and what to compare the file with: the server's side of the
    conflict, with the losing local content remembered only when the server wins.
    """
    server_hash = conflict.server_hash
    pushed = conflict.op != "delete" or (entry is not None and entry.pushed)
    if policy is ConflictPolicy.SERVER_WINS or digest == server_hash:
        local = conflict.local_hash if digest != server_hash else digest
        pushed = conflict.op != "delete"
        verdict = "adopt"
    elif policy is ConflictPolicy.MANUAL and digest == conflict.local_hash:
        return "pending", entry
    else:  # client-wins, or the record was edited since the conflict: send it
        local, verdict = None, "send"
    server_side = KnownRecord(
        kind=conflict.kind,
        id=conflict.id,
        version=conflict.server_version or 0,
        server_hash=server_hash,
        local_hash=local,
        pushed=pushed,
        deleted=conflict.server_deleted,
    )
    return verdict, server_side


def _delete_order(key: tuple[str, str]) -> tuple[int, str]:
    return (-_KIND_ORDER.get(key[0], 99), key[1])


def _check_redirects(
    redirects: Redirects,
    in_file: set[tuple[str, str]],
    known: Mapping[tuple[str, str], KnownRecord],
) -> None:
    for (kind, old), new in redirects.items():
        if (kind, old) in in_file:
            raise _redirect_error(
                f"重定向的 {kind} {old} 仍在文件中;被合并或改码的记录应从文件中删除",
                f"the redirected {kind} {old} is still in the file; a merged or recoded record"
                " must be removed from it",
            )
        target = known.get((kind, new))
        if (kind, new) not in in_file and (target is None or target.deleted):
            raise _redirect_error(
                f"{kind} {old} 重定向到的 {new} 既不在文件中,也不在服务端",
                f"{kind} {old} is redirected to {new}, which is neither in the file nor on"
                " the server",
            )


def _redirect_error(zh: str, en: str) -> UsageError:
    return UsageError(zh, en, code="SQK-U142")


def load_redirects(path: str | Path) -> dict[tuple[str, str], str]:
    """Read a redirects file: which deleted records were replaced by which.

    Two forms, chosen by the extension:

    * CSV (``.csv``, UTF-8, header row): columns ``old_id,new_id`` and optionally
      ``kind`` (default ``community``)::

          kind,old_id,new_id
          community,c000007,c000003

    * JSON (``.json``): an object of kind names, each mapping old id to new id::

          {"community": {"c000007": "c000003"}}

    Raises:
        InputNotFoundError: ``SQK-F101`` when the file is missing.
        UsageError: ``SQK-U141`` when it is malformed, names an unknown kind, maps an id
            to itself or maps one id twice.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputNotFoundError(
            f"找不到重定向文件 {path.name}",
            f"the redirects file {path.name} does not exist",
            path=path.name,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise _malformed(path, str(error)) from None
    triples = _json_triples(path, text) if path.suffix.lower() == ".json" else _csv_triples(text)
    redirects: dict[tuple[str, str], str] = {}
    for kind, old, new in triples:
        if kind_by_name(kind) is None:
            raise _malformed(path, f"unknown kind {kind!r}")
        if not old or not new or old == new:
            raise _malformed(path, f"{kind} {old!r} -> {new!r} is not a redirect")
        if (kind, old) in redirects:
            raise _malformed(path, f"{kind} {old} is redirected twice")
        redirects[(kind, old)] = new
    return redirects


def _csv_triples(text: str) -> Iterable[tuple[str, str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"old_id", "new_id"} <= set(reader.fieldnames):
        yield ("", "", "")  # reported as malformed by the caller
        return
    for row in reader:
        yield (
            (row.get("kind") or "community").strip(),
            (row.get("old_id") or "").strip(),
            (row.get("new_id") or "").strip(),
        )


def _json_triples(path: Path, text: str) -> Iterable[tuple[str, str, str]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _malformed(path, str(error)) from None
    if not isinstance(document, dict):
        raise _malformed(path, "expected an object of kinds")
    for kind, mapping in document.items():
        if not isinstance(mapping, dict) or not all(
            isinstance(old, str) and isinstance(new, str) for old, new in mapping.items()
        ):
            raise _malformed(path, f"{kind}: expected an object of old id to new id")
        for old, new in mapping.items():
            yield kind, old, new


def _malformed(path: Path, why: str) -> UsageError:
    return UsageError(
        f"重定向文件 {path.name} 无法使用:{why}",
        f"the redirects file {path.name} cannot be used: {why}",
        code="SQK-U141",
        path=path.name,
    )
