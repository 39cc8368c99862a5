"""The public surface is deliberate: changing it must change this list."""

from __future__ import annotations

import shequkit

EXPECTED = [
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


def test_public_api_is_pinned() -> None:
    # Order is ruff's RUF022 "isort-style" sort: constants, classes, then functions.
    assert shequkit.__all__ == EXPECTED


def test_every_exported_name_exists() -> None:
    for name in shequkit.__all__:
        assert getattr(shequkit, name) is not None


def test_every_exception_is_a_shequkit_error_with_a_code() -> None:
    errors = [
        obj
        for obj in vars(shequkit).values()
        if isinstance(obj, type) and issubclass(obj, Exception)
    ]
    assert len(errors) >= 10
    for error in errors:
        assert issubclass(error, shequkit.ShequkitError)
        assert error.default_code.startswith("SQK-")
