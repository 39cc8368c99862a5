"""Temporary SQLite databases for work that outgrows memory (indices, groupings, results).

A scratch database lives in one temporary file that nobody else needs: no
journal, no fsync, an exclusive lock. The file is removed as soon as it is
open (POSIX) or when the database is closed or collected, so nothing is left
behind even when the work stops half-way.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref

__all__ = ["ScratchDatabase"]


class ScratchDatabase:
    """One temporary SQLite database; ``connection`` is open in autocommit mode.

    Args:
        prefix: the start of the temporary file's name (``"shequkit-index-"``).
        cache_mb: SQLite's page cache for this database.
    """

    def __init__(self, prefix: str, *, cache_mb: int = 16) -> None:
        handle, path = tempfile.mkstemp(prefix=prefix, suffix=".sqlite")
        os.close(handle)
        # Owner-only whatever the umask: the rows are the caller's records.
        os.chmod(path, 0o600)
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode=OFF",  # a scratch file: nothing to recover after a crash
            "synchronous=OFF",
            f"cache_size=-{cache_mb * 1000}",
            "temp_store=FILE",
            "locking_mode=EXCLUSIVE",
        ):
            self.connection.execute(f"PRAGMA {pragma}")
        with contextlib.suppress(OSError):
            os.unlink(path)  # POSIX keeps the open file; elsewhere removed on close
        self._finalizer = weakref.finalize(self, _close, self.connection, path)

    def close(self) -> None:
        """Close the database and remove its file."""
        self._finalizer()


def _close(connection: sqlite3.Connection, path: str) -> None:
    connection.close()
    with contextlib.suppress(OSError):
        os.unlink(path)
