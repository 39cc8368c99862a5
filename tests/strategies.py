"""Hypothesis strategies for every model class, derived from the attrs fields.

Deriving them from the field declarations (types, bounds, lengths) means a
new field is covered by the round-trip properties without touching this file.
"""

from __future__ import annotations

import datetime
import typing
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from shequkit.codes import USCC, DivisionCode, LabelledEnum, PersonName, PhoneNumber, ResidentID
from shequkit.model import RECORD_KINDS, Dataset, Metadata
from shequkit.model._fields import bounds, max_length_of
from strategies_codes import (
    division_codes,
    landline_numbers,
    mobile_numbers,
    person_names,
    resident_ids,
    usccs,
)

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)

_CODE_STRATEGIES: dict[Any, st.SearchStrategy[Any]] = {
    DivisionCode: division_codes().map(DivisionCode),
    USCC: usccs().map(USCC),
    ResidentID: resident_ids().map(ResidentID),
    PhoneNumber: st.one_of(mobile_numbers(), landline_numbers()).map(PhoneNumber),
    PersonName: person_names().map(PersonName),
}


def _for_type(field_type: Any, attribute: attrs.Attribute[Any]) -> st.SearchStrategy[Any]:
    args = typing.get_args(field_type)
    if type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return st.none() | _for_type(inner, attribute)
    if typing.get_origin(field_type) is tuple:
        return st.lists(_for_type(args[0], attribute), max_size=3).map(tuple)
    if field_type in _CODE_STRATEGIES:
        return _CODE_STRATEGIES[field_type]
    if isinstance(field_type, type) and issubclass(field_type, LabelledEnum):
        return st.sampled_from(list(field_type))
    low, high = bounds(attribute)
    if field_type is bool:
        return st.booleans()
    if field_type is int:
        return st.integers(
            min_value=int(low) if low is not None else -(2**40),
            max_value=int(high) if high is not None else 2**40,
        )
    if field_type is float:
        return st.floats(
            min_value=low,
            max_value=high,
            allow_nan=False,
            allow_infinity=False,
            allow_subnormal=False,
        )
    if field_type is Decimal:
        return st.decimals(min_value=low or 0, max_value=10**12, places=2, allow_nan=False)
    if field_type is datetime.date:
        return st.dates()
    if field_type is datetime.datetime:
        return st.datetimes()
    if field_type is str:
        limit = max_length_of(attribute)
        return _TEXT if limit is None else _TEXT.filter(lambda s: len(s) <= limit)
    raise NotImplementedError(f"no strategy for {field_type!r}")


def records(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Any valid instance of the record class ``cls`` (single-field invariants hold)."""
    attrs.resolve_types(cls)
    fields = {
        a.name: _for_type(a.type, a)
        for a in attrs.fields(cls)
        if a.name != "schema_version" and a.name != "period"
    }
    if cls is Metadata:
        fields["period"] = st.sampled_from(["2024", "2024-06", "2023-Q4", "2025-H1"])
    return st.builds(cls, **fields)


@st.composite
def datasets(draw: st.DrawFn, max_per_kind: int = 3) -> Dataset:
    """A dataset with a few records of every kind (references need not resolve)."""
    collections = {
        kind.collection: tuple(draw(st.lists(records(kind.cls), max_size=max_per_kind)))
        for kind in RECORD_KINDS
    }
    return Dataset(meta=draw(records(Metadata)), **collections)
