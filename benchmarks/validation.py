"""Validating flat community records: shequkit against pydantic v2, JSON Schema and frictionless.

Every validator gets the same community records from ``shequkit.sample``:

* shequkit: ``shequkit.validate(document)`` on the canonical document holding
  them, with the semantic layer on (unique ids and division codes, division
  level, population against households, reporting division);
* pydantic v2: ``model_validate`` of each record against a model made here from
  the declarations of ``shequkit.model.Community`` (so it follows the model) to
  check what it checks field by field: strict types, bounds, lengths, not
  blank, the enumerations, the division code's structure as a regular expression;
* fastjsonschema and jsonschema: the checked-in ``schemas/shequkit-1.0.schema.json``
  (its ``Community`` definition), compiled once;
* frictionless: ``validate`` of the CSV form (the ``communities.csv`` that
  shequkit writes, GB18030-free UTF-8) with a Table Schema of the same
  constraints; shequkit reads and validates that same file.
"""

from __future__ import annotations

import datetime
import enum
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import attrs

import shequkit
from benchmarks._common import SCHEMAS, Result, Suite, best_rates, community_wires
from shequkit.codes import DivisionCode
from shequkit.codes._division import _VALID
from shequkit.formats._tabular import columns
from shequkit.model import Community, Metadata

__all__ = ["run"]


def _pydantic_model() -> Any:
    """A pydantic model checking what ``shequkit.model.Community`` checks, field by field.

    Made from the attrs declarations (so it follows the model): strict types,
    bounds, lengths, not blank (a non-space character), the enumerations'
    official values, the division code's structure as a regular expression.
    """
    import typing

    from pydantic import ConfigDict as Config
    from pydantic import Field, Strict, create_model

    from shequkit.codes import LabelledEnum
    from shequkit.model._fields import bounds, max_length_of

    fields: dict[str, Any] = {}
    attrs.resolve_types(Community)
    for attribute in attrs.fields(Community):
        hint: Any = attribute.type
        args = typing.get_args(hint)
        optional = type(None) in args
        if optional:
            hint = next(arg for arg in args if arg is not type(None))
        low, high = bounds(attribute)
        if hint is DivisionCode:
            kind: Any = Annotated[str, Field(pattern=f"^(?:{_VALID.pattern})$")]
        elif isinstance(hint, type) and issubclass(hint, LabelledEnum):
            values = enum.Enum(hint.__name__, {m.name: m.value for m in hint})  # type: ignore[misc]
            kind = Annotated[values, Strict(False)]  # text in, as JSON has it
        elif hint is datetime.date:
            kind = Annotated[datetime.date, Strict(False)]
        elif hint is str:
            blank_ok = "_not_blank" not in repr(attribute.validator)
            pattern = None if blank_ok else r"\S"
            kind = Annotated[str, Field(max_length=max_length_of(attribute), pattern=pattern)]
        elif hint in (int, float):
            extra = {"allow_inf_nan": False} if hint is float else {}
            kind = Annotated[hint, Field(ge=low, le=high, **extra)]
        else:
            kind = hint
        if optional:
            kind = kind | None
        default = ... if attribute.default is attrs.NOTHING else attribute.default
        fields[attribute.name] = (kind, default)
    return create_model(
        "PydanticCommunity", __config__=Config(strict=True, extra="forbid"), **fields
    )


def _community_schema() -> dict[str, Any]:
    document = json.loads((SCHEMAS / "shequkit-1.0.schema.json").read_text(encoding="utf-8"))
    return {"$defs": document["$defs"], "$ref": "#/$defs/Community"}


def _table_schema() -> dict[str, Any]:
    """A frictionless Table Schema of the CSV columns shequkit writes for communities."""
    types = {"int": "integer", "float": "number", "bool": "boolean", "date": "date"}
    fields = []
    attributes = {a.name: a for a in Community.__attrs_attrs__}
    for column in columns(Community):
        field: dict[str, Any] = {"name": column.header, "type": types.get(column.kind, "string")}
        constraints: dict[str, Any] = {}
        if column.required:
            constraints["required"] = True
        metadata = attributes[column.name].metadata
        low, high = metadata.get("shequkit.minimum"), metadata.get("shequkit.maximum")
        if low is not None:
            constraints["minimum"] = low
        if high is not None:
            constraints["maximum"] = high
        if metadata.get("shequkit.max_length"):
            constraints["maxLength"] = metadata["shequkit.max_length"]
        if column.enum is not None:
            constraints["enum"] = [member.value for member in column.enum]
        if column.name == "division_code":
            constraints["pattern"] = _VALID.pattern
        if column.kind == "bool":
            field.update(trueValues=["是"], falseValues=["否"])
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields}


def run(communities: int = 20_000, csv_communities: int = 5_000, repeat: int = 5) -> Suite:
    """Measure every validator on the same community records."""
    suite = Suite("Validating flat community records")
    meta, rows = community_wires(communities)
    document = {"schema_version": "1.0", "meta": meta, "communities": rows}
    report = shequkit.validate(document)
    assert report.valid, report.to_text()
    suite.notes.append(
        f"{len(rows):,} community records of {len(attrs.fields(Community))} fields from"
        " `shequkit.sample`, held as"
        " Python dicts; every validator reports them all valid."
    )

    import fastjsonschema
    import jsonschema

    model = _pydantic_model()
    schema = _community_schema()
    fast = fastjsonschema.compile(schema)
    checker = jsonschema.Draft202012Validator(schema)
    for row in rows[:100]:
        model.model_validate(row)
        fast(row)
    sample = rows[: max(1, len(rows) // 10)]  # jsonschema is slow: a tenth of the records
    assert all(checker.is_valid(r) for r in sample[:100])
    rates = best_rates(
        repeat,
        {
            "ours": (len(rows), lambda: shequkit.validate(document)),
            "pydantic v2": (len(rows), lambda: [model.model_validate(r) for r in rows]),
            "fastjsonschema": (len(rows), lambda: [fast(r) for r in rows]),
            "jsonschema": (len(sample), lambda: [checker.is_valid(r) for r in sample]),
        },
    )
    ours = rates.pop("ours")
    for peer, rate in rates.items():
        goal = 1.0 if peer == "pydantic v2" else None
        suite.results.append(
            Result(suite.name, "records/s, dicts", "records/s", ours, peer, rate, goal)
        )

    with tempfile.TemporaryDirectory() as tmp:
        suite.results.append(_csv(Path(tmp), csv_communities, repeat, suite))
    return suite


def _csv(directory: Path, communities: int, repeat: int, suite: Suite) -> Result:
    """shequkit reading and validating ``communities.csv`` against frictionless on the same file."""
    import zipfile

    from frictionless import Resource, Schema, validate

    meta, rows = community_wires(communities, seed=11)
    package = directory / "sample.zip"
    shequkit.dump(
        shequkit.Dataset(
            meta=shequkit.json_converter.structure(meta, Metadata),
            communities=tuple(shequkit.json_converter.structure(r, Community) for r in rows),
        ),
        package,
    )
    with zipfile.ZipFile(package) as archive:
        archive.extractall(directory)
    path = directory / "communities.csv"
    report = shequkit.validate(path)
    assert report.valid, report.to_text()
    schema = Schema.from_descriptor(_table_schema())

    def check() -> None:
        resource = Resource(
            path=path.name, basepath=str(directory), schema=schema, encoding="utf-8-sig"
        )
        result = validate(resource, limit_errors=10_000)
        assert result.valid, result.flatten(["rowNumber", "fieldName", "note"])[:3]

    check()
    rates = best_rates(
        repeat,
        {"ours": (len(rows), lambda: shequkit.validate(path)), "frictionless": (len(rows), check)},
    )
    ours, peer = rates["ours"], rates["frictionless"]
    suite.notes.append(
        f"CSV: one `communities.csv` of {len(rows):,} rows as shequkit writes it (Chinese"
        " headers, UTF-8 with BOM); shequkit reads and validates it (`shequkit.validate`),"
        " frictionless validates it against a Table Schema with the same constraints."
    )
    return Result(suite.name, "rows/s, CSV file", "rows/s", ours, "frictionless", peer, 10.0)
