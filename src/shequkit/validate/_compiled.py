"""Compiled fast path of the structural layer: one generated function per record class.

cattrs structures a record through one hook call per field, then the attrs
``__init__`` runs one validator call (or an ``and_`` chain) per field. For a
valid record all that work answers one question — is it valid? — and this
module answers it with a single generated function per class, compiled once
from the same declarations the model carries (field types, defaults, the
bounds, length and not-blank validators of :mod:`shequkit.model._fields`).

The fast path is only ever a shortcut for *valid* records: it accepts a record
only when the converter would, and builds the very same record; for anything
unusual (a wrong type, a value out of range, an enumeration given by its
English name, an unknown validator outcome) it answers ``None`` and the caller
falls back to the converter and its field-by-field diagnosis, which produce the
issues. So no issue can depend on it, and ``tests/test_compiled.py`` checks
both paths agree on generated records.
"""

from __future__ import annotations

import collections
import datetime
import functools
import math
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from shequkit._convert import json_converter
from shequkit.codes import DivisionCode, LabelledEnum
from shequkit.codes._division import _VALID
from shequkit.codes._labelled import _lookup
from shequkit.model import RECORD_KINDS, Metadata
from shequkit.model._fields import _Bounds, _MaxLength, _not_blank

__all__ = ["Compiled", "compiled_for", "division_code_ok"]

_MISSING: Final[Any] = object()


class _Unsupported(Exception):
    """A field the generator does not handle: the class keeps the converter path."""


@attrs.frozen
class Compiled:
    """The generated functions of one record class.

    ``values(data)`` checks a wire mapping and returns the structured field
    values in declaration order, or ``None`` when the mapping is not a plainly
    valid record (the converter path then decides and diagnoses).
    ``build(values)`` makes the record from them without checking again;
    ``view(values)`` makes a light read-only stand-in (a named tuple with the
    record's field names) for callers that only read fields, such as the
    semantic layer when nobody asked for the records.
    """

    cls: type[Any]
    values: Callable[[dict[str, Any]], tuple[Any, ...] | None]
    build: Callable[[tuple[Any, ...]], Any]
    view: Callable[[tuple[Any, ...]], Any]
    source: str  # the generated code, for debugging and tests


_CACHE: dict[type[Any], Compiled | None] = {}


def compiled_for(cls: type[Any]) -> Compiled | None:
    """The compiled functions of ``cls``, or ``None`` if it has a field the generator skips."""
    try:
        return _CACHE[cls]
    except KeyError:
        pass
    try:
        result: Compiled | None = _compile(cls)
    except _Unsupported:
        result = None
    _CACHE[cls] = result
    return result


class _Generator:
    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.names: dict[str, Any] = {
            "_MISSING": _MISSING,
            "_INF": math.inf,
            "_division_code_ok": division_code_ok,
            "_str_new": str.__new__,
            "_DivisionCode": DivisionCode,
            "_new": object.__new__,
            "_cls": cls,
        }
        self.lines: list[str] = []

    def constant(self, prefix: str, value: Any) -> str:
        name = f"_{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)


def _compile(cls: type[Any]) -> Compiled:
    if getattr(cls, "__attrs_post_init__", None) or getattr(cls, "__attrs_pre_init__", None):
        raise _Unsupported(cls)
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    gen = _Generator(cls)
    allowed = gen.constant("keys", frozenset(field.name for field in fields))
    gen.emit(0, "def values(d):")
    # A key the class does not have: the converter reports it (SQK-E104).
    gen.emit(1, f"if not d.keys() <= {allowed}:")
    gen.emit(2, "return None")
    gen.emit(1, "try:")
    locals_: list[str] = []
    for position, field in enumerate(fields):
        if field.alias != field.name or field.init is False:
            raise _Unsupported(field.name)
        local = f"f{position}"
        locals_.append(local)
        _field(gen, field, local)
    gen.emit(1, "except Exception:")  # KeyError of a required field, TypeError, CodeError...
    gen.emit(2, "return None")
    gen.emit(1, f"return ({', '.join(locals_)},)")
    # Building: set the slots directly, as the attrs __init__ does after its checks.
    gen.emit(0, "def build(v):")
    gen.emit(1, "self = _new(_cls)")
    for position, field in enumerate(fields):
        setter = gen.constant("set", _slot_setter(cls, field.name))
        gen.emit(1, f"{setter}(self, v[{position}])")
    gen.emit(1, "return self")
    source = "\n".join(gen.lines) + "\n"
    namespace = dict(gen.names)
    exec(compile(source, f"<shequkit compiled {cls.__name__}>", "exec"), namespace)
    names = [field.name for field in fields]
    view_class = collections.namedtuple(f"{cls.__name__}Values", names)  # type: ignore[misc]
    view = functools.partial(tuple.__new__, view_class)
    return Compiled(cls, namespace["values"], namespace["build"], view, source)


def _slot_setter(cls: type[Any], name: str) -> Any:
    descriptor = cls.__dict__.get(name)
    setter = getattr(descriptor, "__set__", None)
    if setter is None:  # not a slotted class
        raise _Unsupported(name)
    return setter


def _optional_inner(field_type: Any) -> tuple[Any, bool]:
    """``(X, True)`` for ``X | None``, else ``(field_type, False)``."""
    args = typing.get_args(field_type)
    if typing.get_origin(field_type) in (typing.Union, types.UnionType) and len(args) == 2:
        if args[1] is type(None):
            return args[0], True
        if args[0] is type(None):
            return args[1], True
    return field_type, False


def _field(gen: _Generator, field: attrs.Attribute[Any], local: str) -> None:
    inner, optional = _optional_inner(field.type)
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        raise _Unsupported(field.name)
    if default is not attrs.NOTHING and field.validator is not None:
        # The default is validated by attrs at every construction; check it once here.
        try:
            field.validator(None, field, default)
        except Exception:
            raise _Unsupported(field.name) from None
    key = repr(field.name)
    if default is attrs.NOTHING:
        gen.emit(2, f"v = d[{key}]")  # KeyError: the converter reports it (SQK-E101)
        _check(gen, field, inner, optional, local, 2)
    elif default is None and optional:
        gen.emit(2, f"v = d.get({key})")  # absent or null: the default, None
        gen.emit(2, "if v is None:")
        gen.emit(3, f"{local} = None")
        gen.emit(2, "else:")
        _check(gen, field, inner, False, local, 3)
    else:
        gen.emit(2, f"v = d.get({key}, _MISSING)")
        gen.emit(2, "if v is _MISSING:")
        gen.emit(3, f"{local} = {gen.constant('default', default)}")
        gen.emit(2, "else:")
        _check(gen, field, inner, optional, local, 3)


def _check(
    gen: _Generator, field: attrs.Attribute[Any], inner: Any, optional: bool, local: str, depth: int
) -> None:
    """Emit the structuring of ``v`` into ``local``; ``return None`` or raise when unsure."""
    if optional:
        gen.emit(depth, "if v is None:")
        gen.emit(depth + 1, f"{local} = None")
        gen.emit(depth, "else:")
        depth += 1
    fail = "return None"
    if inner is str:
        gen.emit(depth, f"if type(v) is not str: {fail}")
    elif inner is int:
        gen.emit(depth, f"if type(v) is not int: {fail}")
    elif inner is bool:
        gen.emit(depth, f"if type(v) is not bool: {fail}")
    elif inner is float:
        gen.emit(depth, "if type(v) is not float:")
        gen.emit(depth + 1, f"if type(v) is not int: {fail}")
        gen.emit(depth + 1, "v = float(v)")
        if _bounds_of(field.validator) is None:  # else the bounds check refuses NaN and inf
            gen.emit(depth, f"if not -_INF < v < _INF: {fail}")
    elif inner in (Decimal, datetime.date, datetime.datetime):
        hook = gen.constant("hook", json_converter.get_structure_hook(inner))
        gen.emit(depth, f"v = {hook}(v, None)")  # raises for what it does not accept
    elif isinstance(inner, type) and issubclass(inner, LabelledEnum):
        table = gen.constant("enum", _enum_table(inner))
        gen.emit(depth, f"v = {table}.get(v)")  # an unhashable v raises TypeError
        gen.emit(depth, f"if v is None: {fail}")  # labels, English names: the converter
    elif getattr(inner, "__origin__", None) is tuple:
        item = inner.__args__[0]
        if not (isinstance(item, type) and issubclass(item, LabelledEnum)):
            raise _Unsupported(field.name)
        table = gen.constant("enum", _enum_table(item))
        gen.emit(depth, f"if type(v) is not list: {fail}")
        gen.emit(depth, f"v = tuple([{table}.get(x) for x in v])")
        gen.emit(depth, f"if None in v: {fail}")
    elif inner is DivisionCode:
        gen.emit(depth, f"if type(v) is not str or not _division_code_ok(v): {fail}")
        gen.emit(depth, "v = _str_new(_DivisionCode, v)")  # valid: skip checking again
    elif isinstance(inner, type) and issubclass(inner, str):  # an official code type
        code = gen.constant("code", inner)
        gen.emit(depth, f"if type(v) is not str: {fail}")
        gen.emit(depth, f"v = {code}(v)")  # validates; raises CodeError
    else:
        raise _Unsupported(field.name)
    _converter(gen, field, inner, depth)
    _validators(gen, field, field.validator, inner, depth)
    gen.emit(depth, f"{local} = v")


def _converter(gen: _Generator, field: attrs.Attribute[Any], inner: Any, depth: int) -> None:
    converter = field.converter
    if converter is None:
        return
    # The model's coercers (shequkit.model._fields._coercer) return a value of
    # their exact type unchanged, and the value structured above has that type.
    if getattr(converter, "__qualname__", "").startswith("_coercer."):
        return
    name = gen.constant("conv", converter)
    gen.emit(depth, f"v = {name}(v)")


def _validators(
    gen: _Generator, field: attrs.Attribute[Any], validator: Any, inner: Any, depth: int
) -> None:
    if validator is None:
        return
    if type(validator).__name__ == "_AndValidator":
        for part in validator._validators:
            _validators(gen, field, part, inner, depth)
        return
    numeric = inner in (int, float, Decimal)
    if isinstance(validator, _Bounds) and numeric:
        # One chained comparison; it is false for NaN, and the open ends of a
        # float are bounded by infinity so that inf is refused as the converter does.
        low, high = validator.minimum, validator.maximum
        lower = f"{_literal(low)} <=" if low is not None else None
        upper = f"<= {_literal(high)}" if high is not None else None
        if inner is float:
            lower = lower or "-_INF <"
            upper = upper or "< _INF"
        gen.emit(depth, f"if not {lower or ''} v {upper or ''}: return None")
        return
    if isinstance(validator, _MaxLength) and inner is str:
        gen.emit(depth, f"if len(v) > {validator.limit}: return None")
        return
    if validator is _not_blank and inner is str:
        gen.emit(depth, "if not v or v.isspace(): return None")  # == not v.strip()
        return
    # Anything else is called as attrs would call it (it raises when invalid).
    function = gen.constant("validator", validator)
    attribute = gen.constant("attribute", field)
    gen.emit(depth, f"{function}(None, {attribute}, v)")


_PREFIXES: dict[str, bool] = {}
_PREFIXES_KEPT: Final = 65_536


def division_code_ok(value: str) -> bool:
    """Whether ``DivisionCode(value)`` succeeds, answered faster for codes sharing a township.

    A code is valid when its first nine digits followed by ``000`` are (the
    township or a higher division) and its village part is ``000``, or is
    001–599 under a township. The first part is cached: about fifteen
    village-level units share each township.
    """
    if len(value) != 12:
        return False
    prefix = value[:9]
    known = _PREFIXES.get(prefix)
    if known is None:
        if len(_PREFIXES) >= _PREFIXES_KEPT:
            _PREFIXES.clear()
        known = _PREFIXES[prefix] = _VALID.fullmatch(prefix + "000") is not None
    if not known:
        return False
    village = value[9:]
    if village == "000":
        return True
    return (
        prefix[6:] != "000"
        and village.isascii()
        and village.isdigit()
        and "001" <= village <= "599"
    )


def _bounds_of(validator: Any) -> _Bounds | None:
    """The bounds validator in ``validator`` (possibly inside an ``and_``), if any."""
    if isinstance(validator, _Bounds):
        return validator
    for part in getattr(validator, "_validators", ()):
        found = _bounds_of(part)
        if found is not None:
            return found
    return None


def _literal(number: float) -> str:
    """Source text of a bound: ints and finite floats as literals."""
    if type(number) not in (int, float) or not math.isfinite(number):
        raise _Unsupported(repr(number))
    return repr(number)


def _enum_table(cls: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    """Exact spellings ``parse`` maps without stripping or case folding: value and label."""
    return {
        key: member
        for key, member in _lookup(cls).items()
        if not key.startswith("en:") and key == key.strip()
    }


def _warm() -> None:
    for kind in RECORD_KINDS:
        compiled_for(kind.cls)
    compiled_for(Metadata)


_warm()
