"""One community with the records that belong to it: what a rule looks at."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from shequkit.model import Community, Record, kind_of

__all__ = ["CommunityGrouper", "CommunityView"]

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
    divisions and indicator values are kept aside for the rollups.

    Memory grows with the dataset: everything is held until :meth:`views`.
    """

    def __init__(self) -> None:
        self._communities: dict[str, tuple[int, Community]] = {}
        self._children: dict[str, dict[type[Any], list[Any]]] = {}
        self.division_names: dict[str, str] = {}

    def add(self, record: Record) -> None:
        """Take one record of any kind."""
        if isinstance(record, Community):
            self._communities.setdefault(record.id, (len(self._communities), record))
            return
        kind = kind_of(record)
        if kind.name == "division":
            self.division_names[str(record.code)] = record.name  # type: ignore[union-attr]
            return
        community_id = getattr(record, "community_id", None)
        if community_id is None:
            return
        per_class = self._children.setdefault(community_id, {})
        per_class.setdefault(type(record), []).append(record)

    def add_all(self, records: Iterable[Record]) -> None:
        """Take every record of ``records``."""
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._communities)

    def views(self) -> Iterator[CommunityView]:
        """One view per community, in the order communities were added."""
        for community_id, (index, community) in self._communities.items():
            children = self._children.get(community_id, {})
            yield CommunityView(
                community,
                index=index,
                records={cls: tuple(records) for cls, records in children.items()},
            )
