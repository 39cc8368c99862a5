"""Disk-backed maps and lists for the semantic layer's indices, past a size threshold.

The semantic layer keeps, per record, an id and a few small values (its
index, its community, a household count...). In dictionaries that costs about
300 bytes a record: 200 MB for a province, gigabytes for a national roll-up.
Up to :data:`SPILL_AFTER` entries the indices stay plain ``dict`` and ``list``
objects (the fastest there is); beyond it they move into one SQLite database
in a temporary file, and the same checks continue against these stand-ins,
whose memory is bounded whatever the input size:

* writes are buffered and flushed in batches inside one transaction;
* two small generations of recently read or written entries answer most
  lookups without SQLite (records of one community arrive together);
* one Bloom filter over every key answers most "never seen" lookups (a new
  id, a first code) without SQLite; it is fixed in size, so a very large input
  only makes it answer "maybe" more often, never wrongly.

Iteration follows first insertion, as ``dict`` and ``list`` do, so the checks
report the same issues in the same order in both modes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from shequkit._scratch import ScratchDatabase

__all__ = ["SPILL_AFTER", "SpillStore", "SpilledList", "SpilledMap"]

SPILL_AFTER: Final = 250_000
"""Index entries kept in memory before the indices move to a temporary SQLite file."""

_GENERATION: Final = 16_384  # entries per cache generation, per map
_FLUSH: Final = 8_192  # buffered writes per map or list before they go to SQLite
_BLOOM_BITS: Final = 1 << 26  # 8 MiB, about 1% false positives at five million keys
_MISSING: Final[Any] = object()  # not in this cache generation
_ABSENT: Final[Any] = object()  # known not to be in the map


class SpillStore(ScratchDatabase):
    """One temporary SQLite database holding the spilled maps and lists, and their Bloom filter.

    The file is removed as soon as it is open (POSIX) or when the store is
    closed or collected, so nothing is left behind even if validation stops
    half-way.
    """

    def __init__(self) -> None:
        super().__init__("shequkit-index-")
        self.bloom = bytearray(_BLOOM_BITS >> 3)
        self._tables = 0

    def table(self, columns: int, *, keyed: bool) -> str:
        """Create a table with ``columns`` value columns (and a unique key if ``keyed``)."""
        self._tables += 1
        name = f"t{self._tables}"
        values = ", ".join(f"v{i}" for i in range(columns))
        key = "k PRIMARY KEY" + (", " if columns else "") if keyed else ""
        self.connection.execute(f"CREATE TABLE {name} ({key}{values})")
        return name


class SpilledMap:
    """A ``dict`` stand-in on SQLite: ``get``, ``in``, item assignment, ``setdefault``, ``items``.

    Values are tuples of ``width`` simple values (``width == 1``: the bare value;
    ``width == 0``: presence only, stored as ``True``).
    """

    def __init__(self, store: SpillStore, width: int) -> None:
        self._store = store
        self._width = width
        self._table = store.table(width, keyed=True)
        self._tag = self._table  # keys of different maps set different Bloom bits
        columns = ", ".join(f"v{i}" for i in range(width)) or "1"
        self._select = f"SELECT {columns} FROM {self._table} WHERE k = ?"
        names = ", ".join(["k", *(f"v{i}" for i in range(width))])
        marks = ", ".join("?" * (width + 1))
        update = ", ".join(f"v{i} = excluded.v{i}" for i in range(width))
        conflict = f"DO UPDATE SET {update}" if width else "DO NOTHING"
        # An upsert keeps the row (and its rowid): iteration stays in first-insertion order.
        self._upsert = (
            f"INSERT INTO {self._table} ({names}) VALUES ({marks}) ON CONFLICT(k) {conflict}"
        )
        self._current: dict[Any, Any] = {}
        self._previous: dict[Any, Any] = {}
        self._dirty: dict[Any, Any] = {}
        self._bloom = store.bloom
        self._count = 0

    # -- the Bloom filter -------------------------------------------------------------

    def _bits(self, key: Any) -> tuple[int, int, int]:
        h = hash((self._tag, key)) & 0xFFFFFFFFFFFFFFFF
        mask = _BLOOM_BITS - 1
        return h & mask, (h >> 26) & mask, ((h >> 52) ^ (h * 0x9E3779B1)) & mask

    def _maybe_present(self, key: Any) -> bool:
        bloom = self._bloom
        return all(bloom[bit >> 3] & (1 << (bit & 7)) for bit in self._bits(key))

    def _remember(self, key: Any) -> None:
        bloom = self._bloom
        for bit in self._bits(key):
            bloom[bit >> 3] |= 1 << (bit & 7)

    # -- dict protocol ------------------------------------------------------------------

    def get(self, key: Any, default: Any = None) -> Any:
        """The value for ``key``, or ``default``."""
        value = self._current.get(key, _MISSING)
        if value is _MISSING:
            value = self._previous.get(key, _MISSING)
            if value is _MISSING:
                value = self._load(key)
            self._cache(key, value)
        return default if value is _ABSENT else value

    def __contains__(self, key: Any) -> bool:
        return self.get(key, _ABSENT) is not _ABSENT

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in self:
            self._count += 1
            self._remember(key)
        self._cache(key, value)
        self._dirty[key] = value
        if len(self._dirty) >= _FLUSH:
            self.flush()

    def setdefault(self, key: Any, value: Any) -> Any:
        """``dict.setdefault``."""
        found = self.get(key, _ABSENT)
        if found is not _ABSENT:
            return found
        self[key] = value
        return value

    def __len__(self) -> int:
        return self._count

    def items(self) -> Iterator[tuple[Any, Any]]:
        """Every entry, in first-insertion order."""
        self.flush()
        columns = ", ".join(f"v{i}" for i in range(self._width)) or "1"
        cursor = self._store.connection.execute(
            f"SELECT k, {columns} FROM {self._table} ORDER BY rowid"
        )
        decode = self._decode
        for row in cursor:
            yield row[0], decode(row[1:])

    def update_from(self, entries: dict[Any, Any]) -> None:
        """Take over the entries of an in-memory ``dict`` (when spilling), in its order."""
        self._count += len(entries)
        for key in entries:
            self._remember(key)
        encode = self._encode
        self._write((key, *encode(value)) for key, value in entries.items())

    def flush(self) -> None:
        """Write the buffered entries to SQLite."""
        if self._dirty:
            encode = self._encode
            self._write((key, *encode(value)) for key, value in self._dirty.items())
            self._dirty.clear()

    # -- internals ----------------------------------------------------------------------

    def _write(self, rows: Any) -> None:
        connection = self._store.connection
        connection.execute("BEGIN")
        connection.executemany(self._upsert, rows)
        connection.execute("COMMIT")

    def _cache(self, key: Any, value: Any) -> None:
        current = self._current
        current[key] = value
        if len(current) >= _GENERATION:
            # Entries dropped with the old generation must be on disk first.
            self.flush()
            self._previous = current
            self._current = {}

    def _load(self, key: Any) -> Any:
        if not self._maybe_present(key):
            return _ABSENT
        row = self._store.connection.execute(self._select, (key,)).fetchone()
        return _ABSENT if row is None else self._decode(row)

    def _encode(self, value: Any) -> tuple[Any, ...]:
        width = self._width
        if width == 0:
            return ()
        if width == 1:
            return (value,)
        return tuple(value)

    def _decode(self, row: tuple[Any, ...]) -> Any:
        width = self._width
        if width == 0:
            return True
        if width == 1:
            return row[0]
        return row


class SpilledList:
    """A ``list`` stand-in on SQLite for append-only lists of equal-length tuples."""

    def __init__(self, store: SpillStore, width: int) -> None:
        self._store = store
        self._table = store.table(width, keyed=False)
        self._insert = f"INSERT INTO {self._table} VALUES ({', '.join('?' * width)})"
        self._columns = ", ".join(f"v{i}" for i in range(width))
        self._buffer: list[tuple[Any, ...]] = []
        self._count = 0

    def append(self, item: tuple[Any, ...]) -> None:
        """Add ``item`` at the end."""
        self._buffer.append(item)
        self._count += 1
        if len(self._buffer) >= _FLUSH:
            self.flush()

    def extend(self, items: list[tuple[Any, ...]]) -> None:
        """Add ``items`` at the end, in order."""
        self._buffer.extend(items)
        self._count += len(items)
        self.flush()

    def flush(self) -> None:
        """Write the buffered items to SQLite."""
        if self._buffer:
            connection = self._store.connection
            connection.execute("BEGIN")
            connection.executemany(self._insert, self._buffer)
            connection.execute("COMMIT")
            self._buffer.clear()

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        self.flush()
        cursor = self._store.connection.execute(
            f"SELECT {self._columns} FROM {self._table} ORDER BY rowid"
        )
        return iter(cursor)

    def __len__(self) -> int:
        return self._count

    def clear(self) -> None:
        """Remove every item."""
        self._buffer.clear()
        self._store.connection.execute(f"DELETE FROM {self._table}")
        self._count = 0
