"""One community with the records that belong to it: what a rule looks at."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from shequkit._scratch import ScratchDatabase
from shequkit.model import Community, Record, kind_of

__all__ = ["SPILL_AFTER", "CommunityGrouper", "CommunityView"]

R = TypeVar("R")


@attrs.frozen
class CommunityView:
    """A community and its grids, organisations, facilities, services, staff and so on.

    Rules read a community through this view::

        view.community.households
        view.count(Facility, type=FacilityType.LIBRARY)
        view.total(Facility, "books", type=FacilityType.LIBRARY)

    Attributes:
        community: the community record.
        index: its position among the document's communities (for report paths).
        records: its child records, by class.
    """

    community: Community
    index: int = 0
    records: dict[type[Any], tuple[Any, ...]] = attrs.field(factory=dict)

    def of(self, cls: type[R]) -> tuple[R, ...]:
        """Every child record of class ``cls`` (``view.of(Staff)``)."""
        return self.records.get(cls, ())

    def where(self, cls: type[R], **conditions: Any) -> Iterator[R]:
        """Child records of class ``cls`` whose fields equal ``conditions``.

        A condition's value may be a tuple/list/set/frozenset of accepted values.
        """
        for record in self.of(cls):
            if _matches(record, conditions):
                yield record

    def count(self, cls: type[Any], **conditions: Any) -> int:
        """How many child records of class ``cls`` match ``conditions``."""
        return sum(1 for _ in self.where(cls, **conditions))

    def total(self, cls: type[Any], field: str, **conditions: Any) -> float | None:
        """The sum of ``field`` over matching records; ``None`` when none has a value."""
        values = [getattr(record, field) for record in self.where(cls, **conditions)]
        known = [value for value in values if value is not None]
        if not known:
            return None
        total = sum(known)
        return float(total) if isinstance(total, Decimal) else total

    def latest(self, cls: type[R], field: str) -> tuple[R, ...] | None:
        """The records of class ``cls`` with the largest ``field`` (the latest ``year``).

        ``None`` when the community has no such record with a value of ``field``:
        for rules, no record at all is missing data, not zero.
        """
        dated = [record for record in self.of(cls) if getattr(record, field) is not None]
        if not dated:
            return None
        newest = max(getattr(record, field) for record in dated)
        return tuple(record for record in dated if getattr(record, field) == newest)

    def distinct(self, cls: type[Any], field: str, **conditions: Any) -> frozenset[Any]:
        """The distinct non-missing values of ``field`` over matching records."""
        return frozenset(
            value
            for record in self.where(cls, **conditions)
            if (value := getattr(record, field)) is not None
        )


def _matches(record: object, conditions: dict[str, Any]) -> bool:
    for name, wanted in conditions.items():
        value = getattr(record, name)
        if isinstance(wanted, tuple | list | set | frozenset):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


class CommunityGrouper:
    """Collects records of any kind, in any order, into one :class:`CommunityView` each.

    Records are grouped by their ``community_id``. Records of a community that
    never appears are dropped (validation reports them as broken references);
    the names of divisions at street level and above are kept for the rollups.

    Up to ``spill_after`` records (default :data:`SPILL_AFTER`) are held in
    memory. Beyond that they move to a temporary SQLite file, pickled in
    batches, and :meth:`views` reads them back one community at a time, so a
    national file is grouped in bounded memory. Both modes give the same views
    in the same order.

    Args:
        spill_after: records held in memory before the grouping moves to disk.
    """

    def __init__(self, *, spill_after: int | None = None) -> None:
        self._spill_after = SPILL_AFTER if spill_after is None else spill_after
        self._communities: dict[str, tuple[int, Community]] = {}
        self._children: dict[str, dict[type[Any], list[Any]]] = {}
        self._held = 0
        self._disk: _DiskGrouping | None = None
        self.division_names: dict[str, str] = {}

    def add(self, record: Record) -> None:
        """Take one record of any kind."""
        if isinstance(record, Community):
            if self._disk is not None:
                self._disk.add_community(record)
                return
            if record.id not in self._communities:  # a repeated id: the first one stays
                self._communities[record.id] = (len(self._communities), record)
                self._hold()
            return
        kind = kind_of(record)
        if kind.name == "division":
            code = str(record.code)  # type: ignore[union-attr]
            if code.endswith("000"):  # a street or above: village-level names are not needed
                self.division_names[code] = record.name  # type: ignore[union-attr]
            return
        community_id = getattr(record, "community_id", None)
        if community_id is None:
            return
        if self._disk is not None:
            self._disk.add_child(community_id, record)
            return
        per_class = self._children.setdefault(community_id, {})
        per_class.setdefault(type(record), []).append(record)
        self._hold()

    def _hold(self) -> None:
        self._held += 1
        if self._held > self._spill_after:
            self._disk = _DiskGrouping(self._communities, self._children)
            self._communities, self._children = {}, {}

    def add_all(self, records: Iterable[Record]) -> None:
        """Take every record of ``records``."""
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        if self._disk is not None:
            return self._disk.community_count()
        return len(self._communities)

    def views(self) -> Iterator[CommunityView]:
        """One view per community, in the order communities were added."""
        if self._disk is not None:
            yield from self._disk.views()
            return
        for community_id, (index, community) in self._communities.items():
            children = self._children.get(community_id, {})
            yield CommunityView(
                community,
                index=index,
                records={cls: tuple(records) for cls, records in children.items()},
            )

    def close(self) -> None:
        """Remove the temporary file, if the grouping spilled to one."""
        if self._disk is not None:
            self._disk.close()


SPILL_AFTER: Final = 50_000
"""Records a :class:`CommunityGrouper` holds in memory before it moves them to disk."""

_BATCH: Final = 20_000  # records buffered before a write to the temporary file


class _DiskGrouping:
    """The grouping on a scratch SQLite file: communities in order, children by community.

    Rows are pickles (the file is ours alone and read back by this process): a
    community each, and for children one list per community per written batch,
    which pickles several times faster than one row per record.
    """

    def __init__(
        self,
        communities: dict[str, tuple[int, Community]],
        children: dict[str, dict[type[Any], list[Any]]],
    ) -> None:
        self._database = ScratchDatabase("shequkit-group-")
        db = self._database.connection
        # Rowid order is first-insertion order; a repeated id is ignored, as setdefault does.
        db.execute("CREATE TABLE community (id TEXT UNIQUE, record BLOB)")
        db.execute("CREATE TABLE child (community_id TEXT, records BLOB)")
        self._pending_communities: list[Community] = []
        self._pending_children: dict[str, list[Any]] = {}
        self._pending = 0
        for _, community in communities.values():
            self.add_community(community)
        for community_id, per_class in children.items():
            for records in per_class.values():
                for record in records:
                    self.add_child(community_id, record)

    def add_community(self, community: Community) -> None:
        self._pending_communities.append(community)
        self._bump()

    def add_child(self, community_id: str, record: Any) -> None:
        self._pending_children.setdefault(community_id, []).append(record)
        self._bump()

    def _bump(self) -> None:
        self._pending += 1
        if self._pending >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        db = self._database.connection
        db.execute("BEGIN")
        db.executemany(
            "INSERT OR IGNORE INTO community VALUES (?, ?)",
            (
                (community.id, pickle.dumps(community, pickle.HIGHEST_PROTOCOL))
                for community in self._pending_communities
            ),
        )
        db.executemany(
            "INSERT INTO child VALUES (?, ?)",
            (
                (community_id, pickle.dumps(records, pickle.HIGHEST_PROTOCOL))
                for community_id, records in self._pending_children.items()
            ),
        )
        db.execute("COMMIT")
        self._pending_communities, self._pending_children, self._pending = [], {}, 0

    def community_count(self) -> int:
        self._flush()
        (count,) = self._database.connection.execute("SELECT count(*) FROM community").fetchone()
        return int(count)

    def views(self) -> Iterator[CommunityView]:
        self._flush()
        db = self._database.connection
        db.execute("CREATE INDEX IF NOT EXISTS child_by_community ON child (community_id)")
        communities = db.execute("SELECT id, record FROM community ORDER BY rowid")
        for index, (community_id, blob) in enumerate(communities):
            records: dict[type[Any], list[Any]] = {}
            for (batch,) in db.execute(
                "SELECT records FROM child WHERE community_id = ? ORDER BY rowid",
                (community_id,),
            ):
                for record in pickle.loads(batch):
                    records.setdefault(type(record), []).append(record)
            yield CommunityView(
                pickle.loads(blob),
                index=index,
                records={cls: tuple(group) for cls, group in records.items()},
            )

    def close(self) -> None:
        self._database.close()
