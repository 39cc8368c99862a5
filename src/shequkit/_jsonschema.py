"""JSON Schema (Draft 2020-12) for the canonical JSON document and JSONL records.

The schemas are generated from the model, never written by hand: every record
class contributes one ``$defs`` entry built from its attrs fields, their type
hints and their metadata (Chinese header, unit, bounds, maximum length,
sensitivity), so adding a field to the model changes the schema. The checked-in
copies under ``schemas/`` are regenerated with::

    python -m shequkit._jsonschema schemas/

and a test fails when they drift from the model.

Type mapping: ``str`` → string, ``int`` → integer, ``float`` → number, ``bool``
→ boolean, ``Decimal`` → decimal string (``"12000.00"``), ``date``/``datetime``
→ string with ``format`` ``date``/``date-time``, a :class:`LabelledEnum` → its
official values, ``tuple[X, ...]`` → array, the code types → string patterns
of their normalised forms, ``X | None`` → also ``null``. Fields with a default
may be omitted (writers omit fields equal to their default); fields without one
are ``required``. Extensions: ``x-unit`` (the unit a number is in) and
``x-sensitive`` (personal data, 个人信息).
"""

from __future__ import annotations

import datetime
import enum
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from shequkit._atomic import atomic_write
from shequkit._masking import SENSITIVE
from shequkit.codes import USCC, DivisionCode, LabelledEnum, PersonName, PhoneNumber, ResidentID
from shequkit.model import RECORD_KINDS, SCHEMA_VERSION, Metadata
from shequkit.model._dataset import _PERIOD, _check_period
from shequkit.model._fields import UNIT, ZH, _not_blank, bounds, max_length_of

__all__ = [
    "DOCUMENT_SCHEMA_FILE",
    "DOCUMENT_SCHEMA_ID",
    "JSON_SCHEMA_DIALECT",
    "RECORD_SCHEMA_FILE",
    "RECORD_SCHEMA_ID",
    "document_schema",
    "record_schema",
    "render_schemas",
    "schema_for",
    "write_schemas",
]

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
"""The ``$schema`` of the generated schemas (JSON Schema Draft 2020-12)."""

DOCUMENT_SCHEMA_ID: Final = f"urn:shequkit:schema:document:{SCHEMA_VERSION}"
"""``$id`` of the canonical JSON document schema."""

RECORD_SCHEMA_ID: Final = f"urn:shequkit:schema:record:{SCHEMA_VERSION}"
"""``$id`` of the JSONL record (one line) schema."""

DOCUMENT_SCHEMA_FILE: Final = f"shequkit-{SCHEMA_VERSION}.schema.json"
"""File name of the document schema under ``schemas/``."""

RECORD_SCHEMA_FILE: Final = f"shequkit-{SCHEMA_VERSION}.record.schema.json"
"""File name of the JSONL record schema under ``schemas/``."""

_REGENERATE: Final = "python -m shequkit._jsonschema schemas/"
_COMMENT: Final = f"Generated from the shequkit model; do not edit. Regenerate: {_REGENERATE}"

_META_KIND: Final = "meta"
_META_TITLE: Final = "元数据"
_VERSION_FIELD: Final = "schema_version"

# Patterns of the normalised (written) forms of the code types. Anchored for
# ECMA-262 semantics; character classes are spelt out instead of \d, which
# matches non-ASCII digits in some regex engines.
_DIVISION_CODE: Final = r"^[1-8][0-9]{11}$"
# The 31-character USCC alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z).
_USCC_CHAR: Final = "[0-9A-HJ-NP-RTUW-Y]"
_USCC: Final = f"^{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}$"
_RESIDENT_ID: Final = r"^[0-9]{17}[0-9X]$"
_MOBILE: Final = r"1[3-9][0-9]{9}"
_LANDLINE: Final = r"0[0-9]{2,3}-[2-9][0-9]{6,7}(?:-[0-9]{1,6})?"
_SERVICE: Final = r"[48]00-[0-9]{3}-[0-9]{4}"
# One alternation rather than oneOf: a pattern ignores null, so it combines with
# "type": ["string", "null"] for optional fields and gives a single clear error.
_PHONE: Final = f"^(?:{_MOBILE}|{_LANDLINE}|{_SERVICE})$"
_PERSON_NAME_MAX: Final = 64
# No surrounding whitespace, no control characters, no (ASCII) digits.
_NAME_CHAR: Final = r"[^\u0000-\u001f\u007f-\u009f\u2028\u20290-9]"
_NAME_END: Final = r"[^\s\u0000-\u001f\u007f-\u009f\u2028\u20290-9]"
_PERSON_NAME: Final = f"^{_NAME_END}(?:{_NAME_CHAR}*{_NAME_END})?$"
_NOT_BLANK: Final = r"\S"
_FACTORY: Final[type] = type(attrs.Factory(list))


def _decimal_pattern(signed: bool) -> str:
    sign = "-?" if signed else ""
    return f"^{sign}[0-9]+(?:\\.[0-9]+)?$"


_CODE_SCHEMAS: Final[dict[type, dict[str, Any]]] = {
    DivisionCode: {"type": "string", "pattern": _DIVISION_CODE},
    USCC: {"type": "string", "pattern": _USCC},
    ResidentID: {"type": "string", "pattern": _RESIDENT_ID},
    PhoneNumber: {"type": "string", "pattern": _PHONE},
    PersonName: {
        "type": "string",
        "minLength": 1,
        "maxLength": _PERSON_NAME_MAX,
        "pattern": _PERSON_NAME,
    },
}
"""Schemas of the official-code value types (type → schema; not a field table)."""

_CODE_NOTES: Final[dict[type, str]] = {
    PhoneNumber: (
        "Written normalised: mobile 13812345678, landline 025-84567890 or"
        " 025-84567890-123 (extension), service number 400-123-4567."
    ),
}

# English glossary for tokens of field names and for units, used in descriptions.
_NAME_TOKENS: Final = {
    "id": "ID",
    "uscc": "USCC",
    "pct": "(%)",
    "m2": "(m²)",
    "km2": "(km²)",
    "yuan": "(yuan)",
}
_UNITS_EN: Final = {
    "户": "households",
    "人": "persons",
    "人次": "person-times",
    "平方米": "square metres",
    "平方公里": "square kilometres",
    "度": "degrees",
    "次": "times",
    "分": "points",
    "幢": "buildings",
    "册": "volumes",
    "台(件)": "units",
    "元": "yuan",
    "年": "year",
    "%": "percent",
}


def schema_for(cls: type) -> dict[str, Any]:
    """The JSON Schema of one attrs class (a record class or :class:`Metadata`).

    An object with one property per attrs field (in declaration order),
    ``required`` listing the fields without a default and no additional
    properties. The title is the Chinese name of the record kind, the
    description the first line of the class docstring.

    Raises:
        TypeError: ``cls`` is not an attrs class, or a field has a type the
            canonical JSON format has no encoding for.
    """
    if not attrs.has(cls):
        raise TypeError(f"{cls!r} is not an attrs class")
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for attribute in attrs.fields(cls):
        properties[attribute.name] = _property(attribute, hints[attribute.name], cls)
        if attribute.default is attrs.NOTHING:
            required.append(attribute.name)
    schema: dict[str, Any] = {}
    title = _class_title(cls)
    if title is not None:
        schema["title"] = title
    description = _first_line(cls.__doc__)
    if description:
        schema["description"] = description
    schema["type"] = "object"
    schema["required"] = required
    schema["properties"] = properties
    schema["additionalProperties"] = False
    return schema


def document_schema() -> dict[str, Any]:
    """The schema of the canonical JSON document (``.json``).

    ``schema_version`` and ``meta`` are required; each record collection
    (``communities``, ``staff``...) is an optional array of records of its kind.
    ``meta`` holds the :class:`Metadata` fields except ``schema_version``,
    which is stated once, at the top of the document.
    """
    version = _version_property()
    meta = schema_for(Metadata)
    del meta["properties"][_VERSION_FIELD]
    meta["required"] = [name for name in meta["required"] if name != _VERSION_FIELD]
    meta["description"] += " (schema_version is stated at the top of the document.)"

    properties: dict[str, Any] = {
        _VERSION_FIELD: version,
        "meta": {"$ref": "#/$defs/Metadata"},
    }
    defs: dict[str, Any] = {"Metadata": meta}
    for kind in RECORD_KINDS:
        name = kind.cls.__name__
        properties[kind.collection] = {
            "title": kind.label_zh,
            "description": f"The {kind.name} records ({kind.label_zh}); may be omitted if none.",
            "type": "array",
            "items": {"$ref": f"#/$defs/{name}"},
            "default": [],
        }
        defs[name] = schema_for(kind.cls)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": DOCUMENT_SCHEMA_ID,
        "$comment": _COMMENT,
        "title": f"shequkit 社区建设数据文档 {SCHEMA_VERSION}",
        "description": (
            "A canonical shequkit JSON document: schema_version, the metadata of the"
            " submission and one array per record kind. Codes are strings, enumerations"
            " their official values, dates ISO 8601 and money a decimal string."
        ),
        "type": "object",
        "required": [_VERSION_FIELD, "meta"],
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def record_schema() -> dict[str, Any]:
    """The schema of one line of a JSONL file: the meta line or one record.

    Each line is an object with a ``kind``: ``"meta"`` for the metadata line
    (which also states ``schema_version``), otherwise a record kind name
    (``"community"``) followed by that record's fields. The schema is
    self-contained: its ``$defs`` repeat the record definitions with ``kind``.
    """
    kinds = [_META_KIND, *(kind.name for kind in RECORD_KINDS)]
    meta = schema_for(Metadata)
    meta_properties = meta["properties"]
    del meta_properties[_VERSION_FIELD]
    meta["properties"] = {
        "kind": _kind_property(_META_KIND, "the metadata line"),
        _VERSION_FIELD: _version_property(),
        **meta_properties,
    }
    meta["required"] = [
        "kind",
        _VERSION_FIELD,
        *(name for name in meta["required"] if name != _VERSION_FIELD),
    ]
    defs: dict[str, Any] = {"MetadataLine": meta}
    for kind in RECORD_KINDS:
        line = schema_for(kind.cls)
        line["properties"] = {
            "kind": _kind_property(kind.name, f"a {kind.name} record ({kind.label_zh})"),
            **line["properties"],
        }
        line["required"] = ["kind", *line["required"]]
        defs[f"{kind.cls.__name__}Line"] = line
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": RECORD_SCHEMA_ID,
        "$comment": _COMMENT,
        "title": f"shequkit 社区建设数据 JSONL 记录 {SCHEMA_VERSION}",
        "description": (
            'One line of a shequkit JSON Lines file: the metadata line (kind "meta",'
            " with schema_version) or one record with its kind."
        ),
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"title": "记录类型", "enum": kinds}},
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in defs],
        "$defs": defs,
    }


def render_schemas() -> dict[str, str]:
    """File name → text of each generated schema file, as :func:`write_schemas` writes it."""
    return {
        DOCUMENT_SCHEMA_FILE: _dumps(document_schema()),
        RECORD_SCHEMA_FILE: _dumps(record_schema()),
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write both schema files into ``directory`` atomically; return their paths.

    The directory is created if missing. Each file is UTF-8 JSON (Chinese
    unescaped, indented by two spaces, trailing newline), written to a
    temporary file next to its target and renamed into place.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in render_schemas().items():
        path = directory / name
        with atomic_write(path) as out:
            out.write(text.encode("utf-8"))
        written.append(path)
    return written


# Properties


def _property(attribute: attrs.Attribute[Any], hint: Any, cls: type) -> dict[str, Any]:
    inner, nullable = _unwrap_optional(hint)
    type_schema = _type_schema(inner, attribute, cls)
    unit: str | None = attribute.metadata.get(UNIT)
    zh: str | None = attribute.metadata.get(ZH)
    schema: dict[str, Any] = {}
    if zh is not None:
        schema["title"] = zh
    schema["description"] = _describe(attribute.name, unit, inner)
    schema.update(type_schema)
    if nullable:
        _allow_null(schema)
    if attribute.default is not attrs.NOTHING and not isinstance(attribute.default, _FACTORY):
        schema["default"] = _json_value(attribute.default)
    if unit is not None:
        schema["x-unit"] = unit
    if attribute.metadata.get(SENSITIVE, False):
        schema["x-sensitive"] = True
    return schema


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        others = [arg for arg in args if arg is not type(None)]
        if len(others) == 1 and len(others) < len(args):
            return others[0], True
        raise TypeError(f"unsupported union type {hint!r}: only X | None is")
    return hint, False


def _type_schema(hint: Any, attribute: attrs.Attribute[Any], cls: type) -> dict[str, Any]:
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"{cls.__name__}.{attribute.name}: only tuple[X, ...] is supported")
        return {"type": "array", "items": _type_schema(args[0], attribute, cls)}
    if not isinstance(hint, type):
        raise TypeError(f"{cls.__name__}.{attribute.name}: unsupported type {hint!r}")
    for code_type, code_schema in _CODE_SCHEMAS.items():
        if issubclass(hint, code_type):
            return dict(code_schema)
    if issubclass(hint, LabelledEnum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if issubclass(hint, enum.Enum):
        raise TypeError(f"{cls.__name__}.{attribute.name}: enums must be LabelledEnum")
    low, high = bounds(attribute)
    if hint is bool:
        return {"type": "boolean"}
    if hint is int or hint is float:
        schema: dict[str, Any] = {"type": "integer" if hint is int else "number"}
        if low is not None:
            schema["minimum"] = _number(low)
        if high is not None:
            schema["maximum"] = _number(high)
        return schema
    if hint is Decimal:
        schema = {"type": "string", "pattern": _decimal_pattern(low is None or low < 0)}
        if low is not None and low != 0:
            schema["x-minimum"] = _number(low)
        if high is not None:
            schema["x-maximum"] = _number(high)
        return schema
    if hint is datetime.datetime:  # before date: datetime is a date subclass
        return {"type": "string", "format": "date-time"}
    if hint is datetime.date:
        return {"type": "string", "format": "date"}
    if hint is str:
        return _string_schema(attribute)
    raise TypeError(f"{cls.__name__}.{attribute.name}: unsupported type {hint.__name__}")


def _string_schema(attribute: attrs.Attribute[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    validators = list(_validators(attribute.validator))
    if _not_blank in validators:
        schema["minLength"] = 1
    limit = max_length_of(attribute)
    if limit is not None:
        schema["maxLength"] = limit
    if _check_period in validators:
        schema["pattern"] = _ecma_pattern(_PERIOD.pattern)
    elif _not_blank in validators:
        schema["pattern"] = _NOT_BLANK
    return schema


def _validators(validator: Any) -> Iterator[Any]:
    """The validators of a field, with attrs' ``and_`` chains flattened."""
    if validator is None:
        return
    chained = getattr(validator, "_validators", None)
    if isinstance(chained, tuple):
        for item in chained:
            yield from _validators(item)
    else:
        yield validator


def _ecma_pattern(pattern: str) -> str:
    """A Python ``\\A...\\Z`` regex as an anchored ECMA-262 pattern with ASCII digits."""
    if not (pattern.startswith(r"\A") and pattern.endswith(r"\Z")):
        raise ValueError(f"cannot translate regex {pattern!r}: expected \\A...\\Z anchors")
    return "^" + pattern[2:-2].replace(r"\d", "[0-9]") + "$"


def _allow_null(schema: dict[str, Any]) -> None:
    kind = schema["type"]
    schema["type"] = [*kind, "null"] if isinstance(kind, list) else [kind, "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]


def _kind_property(name: str, what: str) -> dict[str, Any]:
    return {"title": "记录类型", "description": f"Record kind: {what}.", "const": name}


def _version_property() -> dict[str, Any]:
    field = attrs.fields_dict(Metadata)[_VERSION_FIELD]
    return {
        "title": field.metadata[ZH],
        "description": "Version of the shequkit document schema the data follows.",
        "const": SCHEMA_VERSION,
    }


# Descriptions


def _describe(name: str, unit: str | None, hint: Any) -> str:
    words = [_NAME_TOKENS.get(token, token) for token in name.split("_")]
    text = " ".join(words)
    parts = [text[:1].upper() + text[1:] + "."]
    if unit is not None:
        english = _UNITS_EN.get(unit)
        parts.append(f"Unit: {unit} ({english})." if english else f"Unit: {unit}.")
    if typing.get_origin(hint) is tuple:
        parts.append("A list; each item:")
        hint = typing.get_args(hint)[0]
    if isinstance(hint, type):
        parts.extend(_describe_type(hint))
    return " ".join(parts)


def _describe_type(hint: type) -> list[str]:
    if issubclass(hint, LabelledEnum):
        doc = _first_line(hint.__doc__)
        values = "; ".join(_describe_member(member) for member in hint)
        return [doc, f"Values: {values}."] if doc else [f"Values: {values}."]
    for code_type in _CODE_SCHEMAS:
        if issubclass(hint, code_type):
            notes = [_first_line(code_type.__doc__), _CODE_NOTES.get(code_type, "")]
            return [note for note in notes if note]
    if hint is Decimal:
        return ['A decimal number written as a string, e.g. "12000.00".']
    if hint is datetime.datetime:
        return ["ISO 8601 date and time."]
    if hint is datetime.date:
        return ["ISO 8601 date, YYYY-MM-DD."]
    return []


def _describe_member(member: LabelledEnum) -> str:
    if member.value == member.label_zh:
        return f"{member.value} = {member.label_en}"
    return f"{member.value} = {member.label_zh} = {member.label_en}"


def _first_line(doc: str | None) -> str:
    if not doc:
        return ""
    line = doc.strip().split("\n", 1)[0].strip()
    line = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", line)  # Sphinx roles
    return line.replace("``", "`")


def _class_title(cls: type) -> str | None:
    if cls is Metadata:
        return _META_TITLE
    for kind in RECORD_KINDS:
        if kind.cls is cls:
            return kind.label_zh
    return None


# JSON values


def _number(value: float) -> float | int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, LabelledEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"no JSON form for default {value!r}")


def _dumps(schema: dict[str, Any]) -> str:
    # Keys stay in generation order (keywords in a fixed order, properties in
    # field order), which reads better than alphabetical and is deterministic.
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema files into the directory named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: {_REGENERATE.replace('schemas/', 'DIRECTORY')}", file=sys.stderr)
        return 2
    for path in write_schemas(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
