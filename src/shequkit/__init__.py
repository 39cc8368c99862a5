"""shequkit: data toolkit for Chinese community construction (社区建设).

The public API lives here; everything is implemented in private modules and
re-exported. Code sets (enumerations) live in :mod:`shequkit.codes`, the
model in :mod:`shequkit.model`, codecs in :mod:`shequkit.formats`.
"""

from shequkit._api import convert, dump, load, write_records
from shequkit._convert import json_converter, make_json_converter
from shequkit._exceptions import (
    CodeError,
    DataError,
    EncodingError,
    FieldValueError,
    HostileInputError,
    InputError,
    InputNotFoundError,
    MalformedInputError,
    PluginError,
    ShequkitError,
    UnknownFormatError,
    UsageError,
)
from shequkit._hookspecs import hookimpl
from shequkit._toolkit import Toolkit
from shequkit._version import __version__
from shequkit.codes import USCC, DivisionCode, PersonName, PhoneNumber, ResidentID
from shequkit.model import (
    RECORD_KINDS,
    SCHEMA_VERSION,
    Community,
    Dataset,
    Designation,
    Division,
    Equipment,
    Facility,
    Funding,
    Grid,
    IndicatorValue,
    Metadata,
    Organisation,
    RecordKind,
    Service,
    Staff,
    VolunteerTeam,
)
from shequkit.sample import SampleSpec, generate_sample, iter_sample
from shequkit.validate import Issue, Layer, Report, Severity, Validator, validate

__all__ = [
    "RECORD_KINDS",
    "SCHEMA_VERSION",
    "USCC",
    "CodeError",
    "Community",
    "DataError",
    "Dataset",
    "Designation",
    "Division",
    "DivisionCode",
    "EncodingError",
    "Equipment",
    "Facility",
    "FieldValueError",
    "Funding",
    "Grid",
    "HostileInputError",
    "IndicatorValue",
    "InputError",
    "InputNotFoundError",
    "Issue",
    "Layer",
    "MalformedInputError",
    "Metadata",
    "Organisation",
    "PersonName",
    "PhoneNumber",
    "PluginError",
    "RecordKind",
    "Report",
    "ResidentID",
    "SampleSpec",
    "Service",
    "Severity",
    "ShequkitError",
    "Staff",
    "Toolkit",
    "UnknownFormatError",
    "UsageError",
    "Validator",
    "VolunteerTeam",
    "__version__",
    "convert",
    "dump",
    "generate_sample",
    "hookimpl",
    "iter_sample",
    "json_converter",
    "load",
    "make_json_converter",
    "validate",
    "write_records",
]
