"""The record kinds: one name, one collection key and one class per kind of record."""

from __future__ import annotations

from typing import Any, Final

import attrs

from shequkit.model._records import (
    Community,
    Designation,
    Division,
    Equipment,
    Facility,
    Funding,
    Grid,
    IndicatorValue,
    Organisation,
    Service,
    Staff,
    VolunteerTeam,
)

__all__ = ["RECORD_KINDS", "Record", "RecordKind", "kind_by_collection", "kind_by_name", "kind_of"]

Record = (
    Division
    | Community
    | Grid
    | Organisation
    | Facility
    | Service
    | Staff
    | VolunteerTeam
    | Equipment
    | Funding
    | Designation
    | IndicatorValue
)
"""Any record class instance."""


@attrs.frozen
class RecordKind:
    """A kind of record: ``name`` in JSONL ``kind`` fields, ``collection`` as the document key."""

    name: str
    collection: str
    cls: type[Any]
    label_zh: str

    @property
    def key_field(self) -> str:
        """The field that identifies a record of this kind (``code`` for divisions, else ``id``)."""
        return "code" if self.cls is Division else "id"


# Document order: parents before children, so a streaming reader meets
# referenced records first in canonical files (references are still resolved
# at the end, so other orders validate too).
RECORD_KINDS: Final[tuple[RecordKind, ...]] = (
    RecordKind("division", "divisions", Division, "行政区划"),
    RecordKind("community", "communities", Community, "社区"),
    RecordKind("grid", "grids", Grid, "网格"),
    RecordKind("organisation", "organisations", Organisation, "社区组织"),
    RecordKind("facility", "facilities", Facility, "社区设施"),
    RecordKind("service", "services", Service, "社区服务"),
    RecordKind("staff", "staff", Staff, "社区工作者"),
    RecordKind("volunteer_team", "volunteer_teams", VolunteerTeam, "志愿者队伍"),
    RecordKind("equipment", "equipment", Equipment, "办公设备"),
    RecordKind("funding", "funding", Funding, "社区经费"),
    RecordKind("designation", "designations", Designation, "荣誉称号"),
    RecordKind("indicator", "indicators", IndicatorValue, "指标值"),
)
"""Every record kind, in document order (the order of collections in a document)."""

_BY_NAME = {kind.name: kind for kind in RECORD_KINDS}
_BY_COLLECTION = {kind.collection: kind for kind in RECORD_KINDS}
_BY_CLASS = {kind.cls: kind for kind in RECORD_KINDS}


def kind_by_name(name: str) -> RecordKind | None:
    """The kind called ``name`` (``"community"``), or ``None``."""
    return _BY_NAME.get(name)


def kind_by_collection(collection: str) -> RecordKind | None:
    """The kind stored under document key ``collection`` (``"communities"``), or ``None``."""
    return _BY_COLLECTION.get(collection)


def kind_of(record: object) -> RecordKind:
    """The kind of a record instance."""
    return _BY_CLASS[type(record)]
