"""A dataset (数据集 / 报送批次): records grouped with the metadata of one submission."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from shequkit._exceptions import FieldValueError
from shequkit.codes import DivisionCode, PersonName
from shequkit.model._fields import field, text
from shequkit.model._kinds import RECORD_KINDS, Record, RecordKind, kind_of
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

__all__ = ["SCHEMA_VERSION", "Dataset", "Metadata"]

SCHEMA_VERSION: Final = "1.0"
"""Version of the shequkit document schema written by this release."""

# 2024, 2024-06, 2024-Q4, 2024-H1: the periods civil-affairs returns are filed for.
_PERIOD = re.compile(r"\A\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?\Z")


def _check_period(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _PERIOD.match(value):
        raise FieldValueError(
            f"统计期“{value}”格式不正确,应为 2024、2024-06、2024-Q4 或 2024-H1",
            f"period {value!r} is malformed; expected 2024, 2024-06, 2024-Q4 or 2024-H1",
            code="SQK-E105",
            field=attribute.name,
            value=value,
        )


@attrs.frozen(kw_only=True)
class Metadata:
    """Metadata of a submission: who reports, for which period, in which schema version."""

    schema_version: str = field("数据规范版本", default=SCHEMA_VERSION)
    reporting_unit: str = text("填报单位", max_length=100)
    reporting_division: DivisionCode | None = field(
        "填报单位区划代码", default=None, coerce=DivisionCode
    )
    period: str = field("统计期", validator=_check_period)
    title: str | None = text("报表名称", default=None)
    prepared_by: PersonName | None = field(
        "填表人", sensitive=True, default=None, coerce=PersonName
    )
    prepared_at: datetime.datetime | None = field("填报时间", default=None)
    source: str | None = text("数据来源", default=None)


@attrs.frozen(kw_only=True)
class Dataset:
    """Records of every kind with the metadata of their submission.

    Collections are tuples in document order (see ``RECORD_KINDS``). For files
    too large for memory use the streaming readers instead, which yield the
    same records one at a time.
    """

    meta: Metadata
    divisions: tuple[Division, ...] = ()
    communities: tuple[Community, ...] = ()
    grids: tuple[Grid, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    facilities: tuple[Facility, ...] = ()
    services: tuple[Service, ...] = ()
    staff: tuple[Staff, ...] = ()
    volunteer_teams: tuple[VolunteerTeam, ...] = ()
    equipment: tuple[Equipment, ...] = ()
    funding: tuple[Funding, ...] = ()
    designations: tuple[Designation, ...] = ()
    indicators: tuple[IndicatorValue, ...] = ()

    def records(self) -> Iterator[tuple[RecordKind, Record]]:
        """Every record with its kind, in document order."""
        for kind in RECORD_KINDS:
            for record in getattr(self, kind.collection):
                yield kind, record

    def __len__(self) -> int:
        return sum(len(getattr(self, kind.collection)) for kind in RECORD_KINDS)

    @classmethod
    def from_records(cls, meta: Metadata, records: Iterator[Record] | list[Record]) -> Dataset:
        """Group loose records by kind into a dataset (order within a kind is kept)."""
        grouped: dict[str, list[Record]] = {kind.collection: [] for kind in RECORD_KINDS}
        for record in records:
            grouped[kind_of(record).collection].append(record)
        collections: dict[str, Any] = {key: tuple(value) for key, value in grouped.items()}
        return cls(meta=meta, **collections)
