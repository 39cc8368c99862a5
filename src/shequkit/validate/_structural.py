"""Structural layer: turn one wire record into a model record, or say precisely why not.

The fast path checks the whole mapping with one generated function per class
(:mod:`shequkit.validate._compiled`); the cattrs converter decides what that
code leaves open. Only when both fail does the diagnosis run, field by field,
so a record with five problems gets five issues, each with its own code and
JSON pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import attrs

from shequkit._convert import json_converter
from shequkit._exceptions import ShequkitError
from shequkit._masking import SENSITIVE, mask_name, mask_phone, mask_resident_id, mask_text
from shequkit.codes import PersonName, PhoneNumber, ResidentID
from shequkit.model import RECORD_KINDS, Metadata
from shequkit.model._fields import ZH
from shequkit.validate._compiled import Compiled, compiled_for
from shequkit.validate._report import Issue

__all__ = ["display_value", "structure_record"]

_DISPLAY_LIMIT: Final = 200
_MASKERS: Final[dict[Any, Callable[[str], str]]] = {
    ResidentID: mask_resident_id,
    PhoneNumber: mask_phone,
    PersonName: mask_name,
}
# The generated fast path per class (see _compiled); None where a class has none.
_COMPILED: Final[dict[type[Any], Compiled | None]] = {
    cls: compiled_for(cls) for cls in (*(kind.cls for kind in RECORD_KINDS), Metadata)
}


def structure_record(
    cls: type[Any], data: Any, path: str, *, location: str | None = None, build: bool = True
) -> tuple[Any | None, list[Issue]]:
    """Structure ``data`` as ``cls``; return the record, or ``None`` and the issues found.

    With ``build=False`` a valid record may come back as a read-only view of its
    field values (see :mod:`shequkit.validate._compiled`) instead of the record.
    """
    if type(data) is not dict:
        return None, [
            Issue.catalogued("SQK-E108", path, location=location, got=_json_type_name(data))
        ]
    compiled = _COMPILED.get(cls)
    if compiled is not None:
        values = compiled.values(data)
        if values is not None:
            return (compiled.build(values) if build else compiled.view(values)), []
    try:
        return json_converter.structure(data, cls), []
    except Exception:
        pass
    issues = list(_diagnose(cls, data, path, location))
    if not issues:
        # The converter failed for a reason no single field explains; say so
        # without echoing the data (it may hold personal data).
        issues.append(
            Issue.of(
                "SQK-E102",
                path,
                "记录无法按数据规范解析",
                "the record cannot be read as this kind of record",
                location=location,
            )
        )
    record_id = _record_id(data)
    return None, [attrs.evolve(issue, record_id=record_id) for issue in issues]


def _diagnose(cls: type[Any], data: dict[str, Any], path: str, location: str | None) -> Any:
    fields = attrs.fields_dict(cls)
    for key in data:
        if key not in fields:
            yield Issue.catalogued(
                "SQK-E104", f"{path}/{_escape(str(key))}", location=location, field=key
            )
    for name, attribute in fields.items():
        field_path = f"{path}/{name}"
        if name not in data:
            if attribute.default is attrs.NOTHING:
                header = attribute.metadata.get(ZH)
                yield Issue.catalogued(
                    "SQK-E101", field_path, location=location, field=f"{name}({header})"
                )
            continue
        yield from _diagnose_field(attribute, data[name], field_path, location)


def _diagnose_field(
    attribute: attrs.Attribute[Any], value: Any, path: str, location: str | None
) -> Any:
    field_type: Any = attribute.type
    if getattr(field_type, "__origin__", None) is tuple and type(value) is list:
        item_type = field_type.__args__[0]
        for index, item in enumerate(value):
            yield from _structure_value(attribute, item, item_type, f"{path}/{index}", location)
        return
    yield from _structure_value(attribute, value, field_type, path, location)


def _structure_value(
    attribute: attrs.Attribute[Any], value: Any, field_type: Any, path: str, location: str | None
) -> Any:
    try:
        structured = json_converter.structure(value, field_type)
        if attribute.validator is not None and getattr(field_type, "__origin__", None) is not tuple:
            attribute.validator(None, attribute, structured)
    except ShequkitError as error:
        shown, raw = display_value(attribute, value)
        zh, en = error.message_zh, error.message_en
        if "field" not in error.details:
            zh = f"{attribute.metadata.get(ZH, attribute.name)}({attribute.name}):{zh}"
            en = f"{attribute.name}: {en}"
        yield Issue.of(error.code, path, zh, en, value=shown, raw_value=raw, location=location)
    except Exception as error:
        yield Issue.of(
            "SQK-E102",
            path,
            f"{attribute.name}:无法解析({type(error).__name__})",
            f"{attribute.name}: cannot be read ({type(error).__name__})",
            location=location,
        )


def display_value(attribute: attrs.Attribute[Any], value: Any) -> tuple[Any, Any]:
    """``(shown, raw)`` for an offending value: masked if the field is personal data, truncated."""
    if isinstance(value, str):
        if attribute.metadata.get(SENSITIVE):
            masker = _MASKERS.get(_unwrap_optional(attribute.type), mask_text)
            return masker(value), value
        if len(value) > _DISPLAY_LIMIT:
            return value[:_DISPLAY_LIMIT] + "…", value
        return value, value
    if attribute.metadata.get(SENSITIVE):
        return "***", value
    if value is None or type(value) in (int, float, bool):
        return value, value
    return f"<{_json_type_name(value)}>", value


def _unwrap_optional(field_type: Any) -> Any:
    args: tuple[Any, ...] = getattr(field_type, "__args__", ())
    if len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return field_type


def _record_id(data: dict[str, Any]) -> str | None:
    for key in ("id", "code"):
        value = data.get(key)
        if type(value) is str:
            return value[:64]
    return None


def _json_type_name(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer"}
    if value is None:
        return "null"
    return names.get(type(value), "number" if isinstance(value, float) else type(value).__name__)


def _escape(segment: str) -> str:
    # JSON pointer escaping (RFC 6901).
    return segment.replace("~", "~0").replace("/", "~1")
