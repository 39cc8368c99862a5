"""Conflict policies (冲突处理策略) and the conflict file written for review.

A conflict is an operation whose ``base_version`` is not the server's current
version: someone else changed (or deleted) the record since this state last
saw it. What happens then is the caller's explicit choice:

* ``server-wins``: the server's record becomes the local state and the local
  change is dropped. The file content that lost is remembered, so pushing the
  same file again does not resend it; editing the record again does.
* ``client-wins``: the operation is queued again with ``base_version`` set to
  the server's version, under a new Idempotency-Key (a different payload must
  never reuse a key). After three attempts it is left for review.
* ``manual`` (the default): nothing is overwritten. Each conflict is written to
  a JSON conflict file with both versions (personal data masked unless asked
  otherwise) and stays pending in the state; the push exits with code 1.
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._atomic import atomic_write
from shequkit._masking import SENSITIVE, mask_name, mask_phone, mask_resident_id, mask_text
from shequkit.codes import PersonName, PhoneNumber, ResidentID
from shequkit.model import kind_by_name
from shequkit.sync._state import PendingConflict

__all__ = ["ConflictPolicy", "mask_record_data", "write_conflict_file"]

CONFLICT_FILE_FORMAT: Final = "shequkit-sync-conflicts/1"
"""``format`` field of a conflict file; changes when its layout does."""


class ConflictPolicy(enum.StrEnum):
    """What to do when the server's version is not the one a change was based on."""

    SERVER_WINS = "server-wins"
    CLIENT_WINS = "client-wins"
    MANUAL = "manual"


_MASKERS: Final[dict[Any, Callable[[str], str]]] = {
    ResidentID: mask_resident_id,
    PhoneNumber: mask_phone,
    PersonName: mask_name,
}


def _sensitive_fields(kind: str) -> dict[str, Callable[[str], str]]:
    record_kind = kind_by_name(kind)
    if record_kind is None:
        return {}
    attrs.resolve_types(record_kind.cls)
    found: dict[str, Callable[[str], str]] = {}
    for attribute in attrs.fields(record_kind.cls):
        if attribute.metadata.get(SENSITIVE):
            args = getattr(attribute.type, "__args__", (attribute.type,))
            plain = next((arg for arg in args if arg is not type(None)), attribute.type)
            found[attribute.name] = _MASKERS.get(plain, mask_text)
    return found


def mask_record_data(kind: str, data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy of a record's JSON ``data`` with its personal data masked (names, IDs, phones)."""
    if data is None:
        return None
    maskers = _sensitive_fields(kind)
    return {
        key: (maskers[key](value) if key in maskers and isinstance(value, str) else value)
        for key, value in data.items()
    }


def _differences(local: Mapping[str, Any] | None, server: Mapping[str, Any] | None) -> list[str]:
    if local is None or server is None:
        return []
    return sorted(key for key in local.keys() | server.keys() if local.get(key) != server.get(key))


def conflict_entry(conflict: PendingConflict, *, show_sensitive: bool = False) -> dict[str, Any]:
    """One conflict as a JSON-ready object: both versions and the fields that differ."""

    def shown(data: Mapping[str, Any] | None) -> Any:
        if data is None:
            return None
        return dict(data) if show_sensitive else mask_record_data(conflict.kind, data)

    return {
        "kind": conflict.kind,
        "id": conflict.id,
        "operation": conflict.op,
        "base_version": conflict.base_version,
        "server_version": conflict.server_version,
        "server_deleted": conflict.server_deleted,
        "differences": _differences(conflict.local_data, conflict.server_data),
        "local": shown(conflict.local_data),
        "server": shown(conflict.server_data),
        "batch_key": conflict.batch_key,
        "detected_at": conflict.detected_at,
    }


def write_conflict_file(
    path: str | Path,
    conflicts: Sequence[PendingConflict],
    *,
    endpoint: str | None,
    show_sensitive: bool = False,
) -> Path:
    """Write ``conflicts`` for review as JSON (atomically); personal data masked by default.

    The file lists, per conflict, the local change, the server's version and the fields
    that differ. To resolve one, edit the record in the dataset file (or keep the
    server's values) and push again, or push with ``--policy server-wins`` /
    ``--policy client-wins``.
    """
    path = Path(path)
    document = {
        "format": CONFLICT_FILE_FORMAT,
        "endpoint": endpoint,
        "written_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "personal_data": "shown" if show_sensitive else "masked",
        "count": len(conflicts),
        "conflicts": [conflict_entry(c, show_sensitive=show_sensitive) for c in conflicts],
    }
    with atomic_write(path) as stream:
        stream.write(json.dumps(document, ensure_ascii=False, indent=2).encode())
        stream.write(b"\n")
    return path
