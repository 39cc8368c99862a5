"""The local copy (本地副本) in the state file: pulled records, tombstones and redirects.

These functions work inside a transaction the caller (:class:`~shequkit.sync._state.SyncState`)
holds. When a record is deleted with ``redirect_to`` (a community merged into
another, or recoded), every reference to it in the local copy is rewritten to
the replacement, and the redirect is remembered so records pulled later that
still name the old id follow it too. Redirects chain: if ``c1 → c2`` and then
``c2 → c3``, both lead to ``c3``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any, Final

import attrs

from shequkit.model import RECORD_KINDS

__all__ = ["REFERENCES", "apply_tombstone", "follow_redirects", "put_pulled"]

REFERENCES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "division": (("division", "parent_code"), ("community", "division_code")),
    "community": (
        *(
            (kind.name, "community_id")
            for kind in RECORD_KINDS
            if "community_id" in attrs.fields_dict(kind.cls)
        ),
        ("indicator", "subject"),
    ),
    "organisation": (
        ("organisation", "parent_id"),
        ("service", "provider_id"),
        ("staff", "organisation_id"),
    ),
    "facility": (
        ("service", "facility_id"),
        ("staff", "facility_id"),
        ("equipment", "facility_id"),
    ),
    "grid": (("staff", "grid_id"),),
    "staff": (("grid", "worker_staff_id"),),
}
"""Per kind, the ``(kind, field)`` pairs that refer to a record of that kind."""


def put_pulled(
    db: sqlite3.Connection, kind: str, record_id: str, version: int, data: Mapping[str, Any]
) -> None:
    """Store (or replace) one record of the local copy."""
    db.execute(
        "INSERT OR REPLACE INTO pulled VALUES (?, ?, ?, ?)",
        (kind, record_id, version, json.dumps(data, ensure_ascii=False)),
    )


def apply_tombstone(
    db: sqlite3.Connection, kind: str, record_id: str, redirect_to: str | None
) -> int:
    """Remove a deleted record from the local copy and make references follow its redirect.

    Returns how many references were rewritten.
    """
    db.execute("DELETE FROM pulled WHERE kind = ? AND id = ?", (kind, record_id))
    if redirect_to is None or redirect_to == record_id:
        return 0
    db.execute("INSERT OR REPLACE INTO redirects VALUES (?, ?, ?)", (kind, record_id, redirect_to))
    # Earlier redirects to the deleted record now lead on to its replacement.
    db.execute(
        "UPDATE redirects SET new_id = ? WHERE kind = ? AND new_id = ?",
        (redirect_to, kind, record_id),
    )
    rewritten = 0
    for child_kind, field in REFERENCES.get(kind, ()):
        rows = db.execute(
            "SELECT id, data FROM pulled WHERE kind = ? AND json_extract(data, ?) = ?",
            (child_kind, f"$.{field}", record_id),
        ).fetchall()
        for child_id, text in rows:
            data = json.loads(text)
            data[field] = redirect_to
            db.execute(
                "UPDATE pulled SET data = ? WHERE kind = ? AND id = ?",
                (json.dumps(data, ensure_ascii=False), child_kind, child_id),
            )
            rewritten += 1
    return rewritten


def follow_redirects(db: sqlite3.Connection, kind: str, data: dict[str, Any]) -> int:
    """Rewrite, in place, the references of a pulled record that name a redirected id.

    Returns how many references were rewritten.
    """
    rewritten = 0
    for target_kind, references in REFERENCES.items():
        for child_kind, field in references:
            value = data.get(field) if child_kind == kind else None
            if not isinstance(value, str):
                continue
            row = db.execute(
                "SELECT new_id FROM redirects WHERE kind = ? AND old_id = ?", (target_kind, value)
            ).fetchone()
            if row is not None:
                data[field] = row[0]
                rewritten += 1
    return rewritten
