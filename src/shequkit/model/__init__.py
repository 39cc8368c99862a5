"""The domain model: divisions, communities and what belongs to them (社区建设数据模型)."""

from shequkit.model._dataset import SCHEMA_VERSION, Dataset, Metadata
from shequkit.model._kinds import (
    RECORD_KINDS,
    Record,
    RecordKind,
    kind_by_collection,
    kind_by_name,
    kind_of,
)
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

__all__ = [
    "RECORD_KINDS",
    "SCHEMA_VERSION",
    "Community",
    "Dataset",
    "Designation",
    "Division",
    "Equipment",
    "Facility",
    "Funding",
    "Grid",
    "IndicatorValue",
    "Metadata",
    "Organisation",
    "Record",
    "RecordKind",
    "Service",
    "Staff",
    "VolunteerTeam",
    "kind_by_collection",
    "kind_by_name",
    "kind_of",
]
